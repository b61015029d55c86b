"""A Shopify order (the Order resource an orders/paid webhook carries) as head office reads it.

Read: id, name (#1001, what the customer sees), currency, processed_at (when it was paid;
created_at for an order that never says), email or contact_email, phone, customer
{first_name, last_name, email, phone}, billing_address {first_name, last_name, phone}, and
line_items[] {sku, title, quantity, price}; price is the unit price as decimal text.
"""

from __future__ import annotations

from typing import Any

from portal.webshop import orders
from portal.webshop.orders import OrderError, OrderLine, WebOrderIn

TOPIC = "orders/paid"


def read(payload: object) -> WebOrderIn:
    """The order, checked; OrderError says what is wrong with it."""
    order = orders.fields(payload, "order")
    code = orders.currency(order.get("currency"))
    customer = orders.part(order, "customer")
    billing = orders.part(order, "billing_address")
    email = orders.email(order.get("email"), order.get("contact_email"), customer.get("email"))
    name = (orders.person(customer.get("first_name"), customer.get("last_name"))
            or orders.person(billing.get("first_name"), billing.get("last_name")) or email)
    if not name:
        raise OrderError("The order names no customer: no name and no email.")

    def line(raw: object, number: int) -> OrderLine:
        found: Any = raw if isinstance(raw, dict) else {}
        read_line = orders.line(raw, number, code, price=found.get("price"))
        return OrderLine(read_line.sku, orders.text(found.get("title")) or read_line.name,
                         read_line.quantity, read_line.unit_price_minor)

    return WebOrderIn(
        platform_id=orders.order_id(order.get("id")),
        reference=orders.text(order.get("name"), 40) or f"#{order.get('order_number')}",
        currency=code,
        sold_on=orders.day(order.get("processed_at") or order.get("created_at"),
                           "payment date (processed_at)"),
        email=email,
        phone=orders.text(order.get("phone") or customer.get("phone") or billing.get("phone"),
                          40),
        customer_name=name,
        lines=orders.lines(order.get("line_items"), line))
