"""A WooCommerce order (the order JSON of the REST API, which order.* webhooks carry) as head
office reads it.

Read: id, number (what the customer sees), status, currency, date_paid (the shop's own
time; date_created for an order never marked paid), billing {first_name, last_name, email,
phone}, and line_items[] {sku, name, quantity, price}; price is the unit price as a number.
Only a completed order is registered: WooCommerce sends order.updated for every change.
"""

from __future__ import annotations

from typing import Any

from portal.webshop import orders
from portal.webshop.orders import OrderError, OrderLine, WebOrderIn

TOPIC = "order.updated"
COMPLETED = "completed"


def status(payload: object) -> str:
    """The order's status as sent (completed, processing, ...)."""
    return orders.text(orders.fields(payload, "order").get("status"), 40)


def read(payload: object) -> WebOrderIn:
    """The order, checked; OrderError says what is wrong with it."""
    order = orders.fields(payload, "order")
    code = orders.currency(order.get("currency"))
    billing = orders.part(order, "billing")
    email = orders.email(billing.get("email"))
    name = orders.person(billing.get("first_name"), billing.get("last_name")) or email
    if not name:
        raise OrderError("The order names no customer: its billing has no name and no email.")

    def line(raw: object, number: int) -> OrderLine:
        found: Any = raw if isinstance(raw, dict) else {}
        return orders.line(raw, number, code, price=found.get("price"))

    platform_id = orders.order_id(order.get("id"))
    return WebOrderIn(
        platform_id=platform_id,
        reference=orders.text(order.get("number"), 40) or platform_id,
        currency=code,
        sold_on=orders.day(order.get("date_paid") or order.get("date_created"),
                           "payment date (date_paid)"),
        email=email,
        phone=orders.text(billing.get("phone"), 40),
        customer_name=name,
        lines=orders.lines(order.get("line_items"), line))
