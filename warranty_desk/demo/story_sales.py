"""The demo story's sales: its customers, the fixed and random sales, and one warranty voided."""

from __future__ import annotations

import random
from datetime import date, timedelta

from warranty_desk.demo import catalogue, people
from warranty_desk.demo.counters import INVOICE_COUNTER, reserve_numbers
from warranty_desk.demo.story_plans import FIXED_SALES, RANDOM_SALES, SEGMENTS, SalePlan
from warranty_desk.demo.story_state import StoryShop, random_serial
from warranty_desk.permissions import Role
from warranty_desk.rules.extension import extension_eligibility
from warranty_desk.services import activation, sale_input
from warranty_desk.services.customers import CustomerInput


def _customers(rng: random.Random) -> list[CustomerInput]:
    # 999 is kept for the customer whose sale the shop does not know.
    phones = rng.sample(range(999), len(SEGMENTS))
    customers: list[CustomerInput] = []
    for segment, phone in zip(SEGMENTS, phones, strict=True):
        if segment in ("business", "reseller"):
            kinds = (people.BUSINESS_KINDS if segment == "business"
                     else people.RESELLER_KINDS)
            name = f"{rng.choice(people.BUSINESS_WORDS)} {rng.choice(kinds)} Ltd"
            slug = name.lower().replace(" ", "-").removesuffix("-ltd")
            email = f"accounts@{slug}.example.com"
        else:
            first, last = rng.choice(people.FIRST_NAMES), rng.choice(people.LAST_NAMES)
            name = f"{first} {last}"
            local = f"{first}.{last}".lower().replace("'", "")
            email = f"{local}@example.org" if rng.random() < 0.7 else ""
        # 07700 900000-900999 is the UK range kept for drama, so no real phone is ever texted.
        customers.append(CustomerInput(name, phone=f"+44 7700 900{phone:03d}", email=email,
                                       segment=segment))
    return customers


def _random_sales(rng: random.Random) -> list[SalePlan]:
    products = [p for p in catalogue.PRODUCTS if p.serial_prefix is not None]
    weights = [p.weight for p in products]
    plans = []
    for n in range(RANDOM_SALES):
        product = rng.choices(products, weights)[0]
        extra: tuple[tuple[str, int], ...] = ()
        if rng.random() < 0.3:
            extra = ((rng.choice(("LUM-USBC-2M", "ORB-CHG-30W")), rng.randint(1, 2)),)
        plans.append(SalePlan(f"random-{n}", rng.randint(1, 910), product.sku,
                               quantity=1 if rng.random() < 0.8 else 2, extra=extra))
    return plans


def _extension_for(rng: random.Random, plan: SalePlan, price: int, category: str,
                   sold_on: date) -> str | None:
    if plan.extension is not None or not plan.key.startswith("random-"):
        return plan.extension
    if rng.random() >= 0.35:
        return None
    for offer in catalogue.EXTENSION_PLANS:
        verdict = extension_eligibility(catalogue.terms_of(offer), category=category,
                                        unit_price_minor=price, sale_date=sold_on,
                                        today=sold_on, already_extended=False, void=False)
        if verdict.eligible:
            return offer.name
    return None


def sell(shop: StoryShop) -> int:
    """Record the story's sales, oldest first, each at its own moment; void one; how many."""
    rng = shop.rng
    customers = _customers(rng)
    plans = sorted((*FIXED_SALES, *_random_sales(rng)), key=lambda p: (-p.days_ago, p.key))
    # Every customer buys at least once, so every segment shows up in the reports.
    buyers = list(range(len(customers))) + [rng.randrange(len(customers))
                                            for _ in range(len(plans) - len(customers))]
    rng.shuffle(buyers)
    products = {p.sku: p for p in catalogue.PRODUCTS}
    first = reserve_numbers(shop.db, INVOICE_COUNTER, len(plans))
    seller = shop.people[Role.SALES]
    for n, (plan, buyer) in enumerate(zip(plans, buyers, strict=True)):
        sold_on = shop.today - timedelta(days=plan.days_ago)
        customer = customers[buyer]
        lines = []
        for sku, quantity in ((plan.sku, plan.quantity), *plan.extra):
            product = products[sku]
            quantity = max(quantity, 2 if customer.segment == "reseller" else 1)
            prefix = product.serial_prefix
            serials = tuple(random_serial(rng, prefix, shop.serials)
                            for _ in range(quantity)) if prefix else ()
            price = product.price_minor
            if customer.segment in ("business", "reseller", "vip"):
                price = price * 92 // 100 // 100 * 100
            extension = (_extension_for(rng, plan, price, product.category, sold_on)
                         if sku == plan.sku else None)
            lines.append(sale_input.LineInput(sku, quantity, price, serials, extension))
        when = shop.moment(plan.days_ago, rng.randrange(8 * 60))
        shop.timeline.at(when)
        result = activation.record_sale(shop.db, seller, sale_input.SaleInput(
            f"INV-{first + n:06d}", sold_on, tuple(lines), customer))
        serial = lines[0].serials[0] if lines[0].serials else None
        shop.units[plan.key] = (result.warranty_codes[0], serial)
        shop.prices[plan.key] = lines[0].unit_price_minor
        shop.sold_on[plan.key] = sold_on
    voider = shop.people[Role.MANAGER]
    code, _ = shop.units["void"]
    when = shop.moment(shop.days_ago("void") - 3, 120)
    shop.timeline.at(when)
    activation.void_warranty(shop.db, voider, code, "Customer returned the laptop unopened "
                             "within 14 days; refunded at the till under POS refund R-001187.")
    shop.timeline.voided.append((code, when))
    shop.timeline.flush()
    return len(plans)

