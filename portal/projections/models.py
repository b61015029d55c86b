"""Read models built from events: nothing here is written except by the projection worker.

Rows carry the till's seq of the event that last set them (`seq`), so a record's fields move
only forward even if its events were ever applied out of order, and rebuilding from the stored
events in any order that keeps each record's own order gives the same rows.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Upper

from portal.branches.models import Branch
from warranty_desk.rules.extension import ExtensionTerms


class ProjectionCursor(models.Model):
    """How far one branch's events are projected (its Branch.events_received numbering)."""

    branch = models.OneToOneField(Branch, on_delete=models.CASCADE, related_name="+")
    received_no = models.BigIntegerField(default=0)
    applied = models.BigIntegerField(default=0)
    skipped = models.BigIntegerField(default=0)  # events of topics nothing projects yet


class Customer(models.Model):
    """A branch's customer, by the reference the till gave them."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    reference = models.CharField(max_length=64)
    name = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=64, blank=True)
    # The phone's digits alone, so "020 7946 0002" finds "+44 20 7946 0002" (staff search).
    phone_digits = models.CharField(max_length=64, blank=True)
    email = models.CharField(max_length=254, blank=True)
    segment = models.CharField(max_length=40, blank=True)
    # The branch merged this duplicate into that customer (its reference): everything it held
    # is theirs now, and this record neither signs a customer in nor lists as a person.
    merged_into = models.CharField(max_length=64, blank=True, db_default="")
    seq = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["branch", "reference"],
                                               name="projected_customer_once")]
        # Staff search across branches: part of a name or phone (trigram), an email exactly.
        # Django's icontains compares UPPER(name): the index is on that expression.
        indexes = [
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="customer_name_trgm"),
            GinIndex(fields=["phone_digits"], name="customer_phone_trgm",
                     opclasses=["gin_trgm_ops"]),
            models.Index(Upper("email"), name="customer_email_upper"),
            # A customer signed in by phone finds their purchases by the E.164 number.
            models.Index(fields=["phone"], name="customer_phone"),
            models.Index(fields=["reference"], name="customer_reference"),
        ]


class Product(models.Model):
    """A product a branch sold or listed, by SKU.

    The catalogue details (GTIN to serial_required) come from catalogue.products_added of
    newer tills; a product named only by a sale, or by an older till, keeps their defaults
    (`described` False), and the public product page does not show it.
    """

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    sku = models.CharField(max_length=64)
    name = models.CharField(max_length=200, blank=True)
    gtin = models.CharField(max_length=14, blank=True, db_default="", db_index=True)
    brand = models.CharField(max_length=200, blank=True, db_default="")
    category = models.CharField(max_length=100, blank=True, db_default="")
    list_price_minor = models.BigIntegerField(null=True)
    currency = models.CharField(max_length=3, blank=True, db_default="")
    locale = models.CharField(max_length=20, blank=True, db_default="")
    policy_ref = models.CharField(max_length=64, blank=True, db_default="")
    serial_required = models.BooleanField(db_default=True)
    described = models.BooleanField(db_default=False)
    # Who supplies it as the branch writes it (blank: its brand); the metrics' supplier field.
    supplier = models.CharField(max_length=200, blank=True, db_default="")
    seq = models.BigIntegerField(db_default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["branch", "sku"],
                                               name="projected_product_once")]
        # The public product page finds a SKU across every branch.
        indexes = [models.Index(fields=["sku"], name="product_sku")]


class Warranty(models.Model):
    """One sold unit's cover, by its code.

    Codes carry the branch code, but a branch's events only ever reach its own rows: a till
    sending another branch's code makes a row of its own, never changes the other's.
    """

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=64, db_index=True)
    serial = models.CharField(max_length=100, blank=True, db_index=True)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, null=True, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, null=True,
                                 related_name="warranties")
    invoice = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=20)
    start_on = models.DateField(null=True)
    end_on = models.DateField(null=True)
    void_reason = models.TextField(blank=True)
    replaced_by = models.CharField(max_length=64, blank=True)  # the new unit's warranty code
    # What the extension plans' eligibility rule reads (warranty_desk.rules.extension).
    category = models.CharField(max_length=100, blank=True, db_default="")
    price_minor = models.BigIntegerField(null=True)  # the unit price; None from older tills
    # The till's id of the unit's policy (catalogue.policy_updated's ref); blank from older tills.
    policy_ref = models.CharField(max_length=64, blank=True, db_default="")
    # Sold online under a policy whose cover starts on delivery, not delivered yet: start_on,
    # end_on and the layers are only the terms laid from the order date, never shown as cover.
    awaits_delivery = models.BooleanField(default=False, db_default=False)
    delivered_on = models.DateField(null=True)
    # Where the unit was sold: "online" for a web shop order (it may be returned by post),
    # blank for the counter and imports (and tills from before they said).
    sale_channel = models.CharField(max_length=20, blank=True, db_default="")
    # The sale's day (the cover's first day at activation; delivery moves start_on, not this):
    # the metrics count warranties activated by it.
    sold_on = models.DateField(null=True)
    seq = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["branch", "code"],
                                               name="projected_warranty_once")]


class WarrantyLayer(models.Model):
    """One layer of a warranty's cover (manufacturer, shop, extension)."""

    warranty = models.ForeignKey(Warranty, on_delete=models.CASCADE, related_name="layers")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20)
    start_on = models.DateField()
    end_on = models.DateField()
    plan = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["warranty", "position"],
                                               name="projected_layer_position")]


class Claim(models.Model):
    """A claim as its branch last reported it, by its number (scoped like Warranty.code)."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    number = models.CharField(max_length=64, db_index=True)
    warranty = models.ForeignKey(Warranty, on_delete=models.PROTECT, null=True,
                                 related_name="claims")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, null=True,
                                 related_name="claims")
    state = models.CharField(max_length=20, blank=True)
    outcome = models.CharField(max_length=20, blank=True)
    channel = models.CharField(max_length=20, blank=True)
    claim_type = models.CharField(max_length=40, blank=True)
    fault = models.TextField(blank=True)
    serial = models.CharField(max_length=100, blank=True, db_index=True)
    opened_at = models.DateTimeField(null=True)
    decision_reason = models.TextField(blank=True)
    proof_status = models.CharField(max_length=20, blank=True)
    # The inbox item's id of the online claim this claim was opened from (claim_started);
    # blank for a claim opened at the counter, or sent by a till from before it said so.
    external_ref = models.CharField(max_length=64, blank=True, db_default="", db_index=True)
    # Who answers for the claim at the branch, and who stands in, by name; blank for nobody
    # (or a till from before it said).
    owner = models.CharField(max_length=200, blank=True, db_default="")
    backup = models.CharField(max_length=200, blank=True, db_default="")
    # What head office's metric pages count by, as the branch's own dashboard does (newer
    # tills send them; blank or null from older ones): who opened it, its product's SKU, when
    # it closed, the day promised, and a refund's amount with its approver's role and limit.
    opened_by = models.CharField(max_length=200, blank=True, db_default="")
    sku = models.CharField(max_length=64, blank=True, db_default="")
    closed_at = models.DateTimeField(null=True)
    promised_on = models.DateField(null=True)
    refund_minor = models.BigIntegerField(null=True)
    approver_role = models.CharField(max_length=60, blank=True, db_default="")
    approver_limit_minor = models.BigIntegerField(null=True)
    seq = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["branch", "number"],
                                               name="projected_claim_once")]


class ClaimEvent(models.Model):
    """One line of a claim's timeline, one per event (the event id keeps it once)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="timeline")
    event_id = models.UUIDField(unique=True)
    seq = models.BigIntegerField()
    occurred_at = models.DateTimeField()
    topic = models.CharField(max_length=80)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    details = models.JSONField(default=dict)

    class Meta:
        ordering = ["seq"]


class ClaimDocument(models.Model):
    """A document a claim carries (the bytes are the receiver's Document of the same branch)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="documents")
    sha256 = models.CharField(max_length=64)
    kind = models.CharField(max_length=40)
    media_type = models.CharField(max_length=100, blank=True)
    size = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["claim", "sha256", "kind"],
                                               name="projected_claim_document_once")]


class Message(models.Model):
    """A message a branch queued for a customer."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    message_id = models.CharField(max_length=64)
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, null=True,
                              related_name="messages")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, null=True,
                                 related_name="messages")
    template = models.CharField(max_length=80, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    queued_at = models.DateTimeField()
    # The branch printed it as a letter and gave it to the customer: head office never
    # emails it as well (one channel per message).
    by_hand_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["branch", "message_id"],
                                               name="projected_message_once")]
        # The mail job's look for a branch's new messages reads by time.
        indexes = [models.Index(fields=["branch", "queued_at"],
                                name="projected_message_queued")]


class ExtensionPlan(models.Model):
    """A branch's paid extension plan with the terms its eligibility rule reads, by its code."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    active = models.BooleanField(default=True)
    months = models.PositiveIntegerField()
    price_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, blank=True)
    categories = models.JSONField(default=list)
    min_price_minor = models.BigIntegerField(default=0)
    max_price_minor = models.BigIntegerField(null=True)
    max_days_since_sale = models.PositiveIntegerField()
    seq = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["branch", "code"],
                                               name="projected_plan_once")]

    def terms(self) -> ExtensionTerms:
        """The plan as the till's eligibility rule reads it (warranty_desk.rules.extension)."""
        return ExtensionTerms(categories=frozenset(self.categories),
                              min_price_minor=self.min_price_minor,
                              max_price_minor=self.max_price_minor,
                              max_days_since_sale=self.max_days_since_sale, months=self.months,
                              price_minor=self.price_minor)


class Policy(models.Model):
    """A branch's warranty policy: what the card and Start a claim show, and the claim limit
    the till's eligibility rule reads, by the till's id of the policy."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    ref = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    # The cover and terms text the public product page words (newer tills; null before).
    manufacturer_months = models.PositiveIntegerField(null=True)
    shop_months = models.PositiveIntegerField(null=True)
    terms = models.TextField(blank=True, db_default="")
    serial_required = models.BooleanField(null=True)
    exclusions = models.JSONField(default=list)
    evidence_required = models.JSONField(default=dict)  # claim type -> evidence kinds
    claim_limit_count = models.PositiveIntegerField(null=True)
    claim_limit_period_months = models.PositiveIntegerField(default=12)
    # When the cover of the policy's online sales starts: "sale" or "delivery".
    online_cover_from = models.CharField(max_length=10, default="sale", db_default="sale")
    seq = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["branch", "ref"],
                                               name="projected_policy_once")]


class RefusedItem(models.Model):
    """An inbox item the branch gave up (inbox.item_refused): nothing of it was applied there,
    and the branch's reason in its own words."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    item_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=40, blank=True)
    reason = models.TextField()
    seq = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["branch", "item_id"],
                                               name="projected_refusal_once")]


class ProjectionProblem(models.Model):
    """An event the projector could not apply (its fields did not fit); the rest went on."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    event_id = models.UUIDField(unique=True)
    topic = models.CharField(max_length=80)
    reason = models.TextField()


class BrandClaim(models.Model):
    """A branch's claim to a brand or supplier over one or many of its claims, as its newest
    event (brand_claim.*) left it; its status changes and settlements are lines of each of its
    claims' timelines."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    number = models.CharField(max_length=64)
    supplier = models.CharField(max_length=200)
    brand = models.CharField(max_length=200, blank=True)
    external_id = models.CharField(max_length=64, blank=True)
    service_centre = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=40)
    approval = models.CharField(max_length=12)
    claim_numbers = ArrayField(models.CharField(max_length=64), default=list)
    expected_minor = models.BigIntegerField(default=0)
    # What the supplier owes per claim, as claim_numbers lists them (newer tills; [] before).
    expected_per_claim = ArrayField(models.BigIntegerField(), default=list)
    settled_minor = models.BigIntegerField(default=0)
    written_off_minor = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, blank=True)
    closed = models.BooleanField(default=False)
    opened_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    seq = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["branch", "number"],
                                               name="projected_brand_claim_once")]
        indexes = [
            # The staff list goes by supplier; a claim's page finds the brand claims holding it.
            models.Index(fields=["supplier", "number"], name="brand_claim_supplier"),
            GinIndex(fields=["claim_numbers"], name="brand_claim_claims"),
        ]

    @property
    def outstanding_minor(self) -> int:
        """What the supplier still owes, less what was written off; never below nothing."""
        return max(self.expected_minor - self.settled_minor - self.written_off_minor, 0)


class BrandClaimLine(models.Model):
    """One line of a brand claim's history, one per event (the event id keeps it once): what
    the event changed (a status with its source, a settlement, a write-off)."""

    brand_claim = models.ForeignKey(BrandClaim, on_delete=models.CASCADE, related_name="lines")
    event_id = models.UUIDField(unique=True)
    seq = models.BigIntegerField()
    occurred_at = models.DateTimeField()
    topic = models.CharField(max_length=80)
    details = models.JSONField(default=dict)

    class Meta:
        ordering = ["seq"]


class SalesCount(models.Model):
    """How many warranties were sold per branch, sale day, product, serial given or not and
    status: the metric page's sales, counted as warranties are written rather than per read.

    Kept by statement-level triggers on projections_warranty (migration 0014), so every writer
    (the projector, a rebuild, the bench's direct SQL) keeps it, and a bulk write pays one
    grouped upsert per statement. sales_counts.recount() makes it again from the warranties.
    """

    sold_on = models.DateField()
    branch_id = models.BigIntegerField()
    product_id = models.BigIntegerField()  # 0 for a warranty on no product (unique keys)
    has_serial = models.BooleanField()
    status = models.CharField(max_length=20)
    count = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["sold_on", "branch_id", "product_id", "has_serial", "status"],
            name="sales_count_once")]
        # The triggers delete groups fallen to nothing; this finds them without a scan.
        indexes = [models.Index(fields=["id"], condition=models.Q(count=0),
                                name="sales_count_empty")]


class ClaimRoll(models.Model):
    """A claim as the metric page counts it, worked out as the claim, its events, its product,
    its warranty or its branch's zone are written (triggers of migration 0015): its product
    resolved, its instants and days on the branch's wall clock, the flags its events give.
    claim_rolls.recount() makes every row again from the view that defines them.
    """

    claim_id = models.BigIntegerField(primary_key=True)
    branch_id = models.BigIntegerField()
    number = models.CharField(max_length=64)
    state = models.CharField(max_length=20)
    outcome = models.CharField(max_length=20)
    customer_id = models.BigIntegerField(null=True)
    warranty_id = models.BigIntegerField(null=True)
    product_id = models.BigIntegerField(null=True)  # the SKU's at its branch, else the warranty's
    staff = models.CharField(max_length=200)
    promised_on = models.DateField(null=True)
    refund_minor = models.BigIntegerField(null=True)
    approver_role = models.CharField(max_length=60)
    approver_limit_minor = models.BigIntegerField(null=True)
    tz = models.TextField()  # the zone its days were counted in
    opened_at = models.DateTimeField(null=True)
    closed_at = models.DateTimeField(null=True)
    # On the branch's wall clock, without a zone (the column is a plain timestamp).
    opened = models.DateTimeField(null=True)
    closed = models.DateTimeField(null=True)
    handed_on = models.DateField(null=True)
    rejected = models.BooleanField()  # rejected now, or by a decision it had
    reopened = models.BooleanField()
    cost_kinds = ArrayField(models.TextField())
    waiting_since = models.DateField(null=True)  # its unit's last move was into returns stock
    # The customer's first day of buying (not void) after the claim's own day: the trust
    # score's customer came back by a range's last day when it is on or before it.
    next_sale_on = models.DateField(null=True)
    # The same, of a sale with the claim's own value of one field, as the metric pages name
    # it (migration 0016): "bought again" under one filter, or compared by one field.
    next_same_product_on = models.DateField(null=True)
    next_same_brand_on = models.DateField(null=True)
    next_same_category_on = models.DateField(null=True)
    next_same_supplier_on = models.DateField(null=True)
    next_same_branch_on = models.DateField(null=True)
    # Another branch has a claim of the same number: the records behind a figure count claim
    # numbers, so only these need counting distinct.
    shared = models.BooleanField()

    class Meta:
        indexes = [models.Index(fields=["opened"], name="claim_roll_opened"),
                   models.Index(fields=["waiting_since"], name="claim_roll_waiting",
                                condition=models.Q(waiting_since__isnull=False))]
