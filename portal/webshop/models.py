"""The chain's web shops, where their orders go, every delivery, each order once, refunds paid."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from portal import clock
from portal.branches.models import Branch
from portal.webshop.sealed import SealedField

SHOPIFY, WOOCOMMERCE = "shopify", "woocommerce"
PLATFORMS = [(SHOPIFY, "Shopify"), (WOOCOMMERCE, "WooCommerce")]


class WebShop(models.Model):
    """One web shop sending order webhooks, with the secret that signs them.

    The secret has to be kept whole (an HMAC needs it, a digest would not do), so it is kept
    sealed (portal.webshop.sealed): the admin writes it and never shows it again, nothing
    logs it, and a dump of the database shows only its ciphertext.
    """

    platform = models.CharField(max_length=20, choices=PLATFORMS)
    # Shopify's X-Shopify-Shop-Domain (shop.myshopify.com), or WooCommerce's
    # X-WC-Webhook-Source (the site's address), as domain.normalise keeps it.
    domain = models.CharField(max_length=255)
    name = models.CharField(max_length=120, blank=True)
    # Put before the platform's order number in the till's sale number (order_number): two
    # shops both have a #1001, and the till keeps one sale per number.
    prefix = models.CharField(max_length=8, unique=True)
    secret = SealedField()
    currency = models.CharField(max_length=3)
    # The branch that fulfils the shop's orders; none: the chain's online branch.
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "domain"],
                                               name="webshop_domain_once")]

    def __str__(self) -> str:
        return f"{self.name or self.domain} ({self.get_platform_display()})"


class OnlineBranch(models.Model):
    """The chain's online branch: it fulfils the orders of every shop that names none."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "online branch"
        constraints = [models.CheckConstraint(condition=models.Q(id=1),
                                              name="webshop_one_online_branch")]

    def __str__(self) -> str:
        return f"Online branch {self.branch.code}"


class Verdict(models.TextChoices):
    """What head office did with a delivery."""

    ACCEPTED = "accepted", "Accepted: queued for the branch"
    SKIPPED = "skipped", "Nothing to register"
    REPEATED = "repeated", "Already had it"
    REFUSED = "refused", "Refused"
    UNSIGNED = "unsigned", "Not signed by a known shop"


class Delivery(models.Model):
    """One webhook request as head office answered it (staff read these at /office/web-orders/)."""

    received_at = models.DateTimeField(default=clock.now, db_index=True)
    platform = models.CharField(max_length=20, choices=PLATFORMS)
    shop = models.ForeignKey(WebShop, on_delete=models.SET_NULL, null=True, related_name="+")
    # What the request's headers said, cut to fit: shown to an admin finding a broken set-up.
    sent_domain = models.CharField(max_length=255, blank=True)
    topic = models.CharField(max_length=100, blank=True)
    delivery_id = models.CharField(max_length=100, blank=True)
    body_sha256 = models.CharField(max_length=64)
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    status = models.PositiveSmallIntegerField()
    reason = models.TextField()
    order_ref = models.CharField(max_length=100, blank=True)
    branch = models.ForeignKey(Branch, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["shop", "delivery_id"], name="webshop_delivery_id"),
                   models.Index(fields=["shop", "body_sha256"], name="webshop_delivery_body")]


class WebOrder(models.Model):
    """An order's warranty lines as queued for the branch (`online_order`), once per order.

    The customer's portal shows it, matched by its email, until the branch's own warranties
    for the order (invoice = order_number) come back through the projection.
    """

    shop = models.ForeignKey(WebShop, on_delete=models.PROTECT, related_name="orders")
    platform_id = models.CharField(max_length=40)  # the platform's own order id
    order_number = models.CharField(max_length=64)
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    item_id = models.CharField(max_length=64)
    email = models.CharField(max_length=254, blank=True, db_index=True)  # identity.email_key
    customer_name = models.CharField(max_length=200)
    sold_on = models.DateField()
    lines = models.JSONField()  # [{sku, name, quantity, unit_price_minor}]
    received_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["shop", "platform_id"],
                                               name="webshop_order_once")]


class RefundPaid(models.Model):
    """Head office's word that a branch's refund of an online order was paid back through the
    web shop (the till records the refund against the order; the money goes back on the
    platform the customer paid on, which head office runs)."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    claim_number = models.CharField(max_length=64)
    order_number = models.CharField(max_length=64)
    reference = models.CharField(max_length=100)  # the platform's refund id or note
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    marked_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["branch", "claim_number"],
                                               name="webshop_refund_paid_once")]
