"""The ledger's tables, one module per aggregate; importing this registers them all."""

from warranty_desk.models.audit import AuditEntry
from warranty_desk.models.audit_sample import AuditSample, AuditSampleClaim
from warranty_desk.models.base import Base
from warranty_desk.models.branch_epoch import BranchEpoch
from warranty_desk.models.brand_claim import (
    BrandClaim,
    BrandClaimItem,
    BrandStatusUpdate,
    Settlement,
    SupplierTerms,
)
from warranty_desk.models.claim import Claim, ClaimEvent
from warranty_desk.models.complaint import Complaint
from warranty_desk.models.cost import CostPosting
from warranty_desk.models.customer import Customer, Segment
from warranty_desk.models.evidence import EvidenceDocument
from warranty_desk.models.exception_note import ExceptionNote
from warranty_desk.models.first_run import FirstRunProgress
from warranty_desk.models.hand_back import HandBack
from warranty_desk.models.message import CustomerMessage, WarrantyReminder
from warranty_desk.models.metric_rollup import (
    ClaimFactDay,
    ClaimFactZone,
    ClaimRollup,
    CustomerSaleDay,
    RecoveryRollup,
    RecoveryStale,
    SaleRollup,
    ShopZoneChange,
    WarrantySpan,
)
from warranty_desk.models.outbox import InboxCursor, OutboxEvent
from warranty_desk.models.policy import ExtensionPlan, Policy
from warranty_desk.models.print_job import PrintJob
from warranty_desk.models.product import Brand, Product
from warranty_desk.models.refund import AppliedRefund
from warranty_desk.models.retention import RetentionFollowUp
from warranty_desk.models.sale import ImportBatch, InvoiceLine, Sale
from warranty_desk.models.shop import NumberCounter, Shop
from warranty_desk.models.staff import Staff
from warranty_desk.models.stock import StockMovement
from warranty_desk.models.supplier_batch import SupplierBatch
from warranty_desk.models.sync_state import (
    InboxApplied,
    SyncCursor,
    SyncDelivered,
    SyncParked,
)
from warranty_desk.models.upgrade_note import UpgradeNote
from warranty_desk.models.warranty import ExtensionOffer, Warranty, WarrantyLayer, WarrantyStatus

__all__ = [
    "AppliedRefund",
    "AuditEntry",
    "AuditSample",
    "AuditSampleClaim",
    "Base",
    "BranchEpoch",
    "Brand",
    "BrandClaim",
    "BrandClaimItem",
    "BrandStatusUpdate",
    "Claim",
    "ClaimEvent",
    "ClaimFactDay",
    "ClaimFactZone",
    "ClaimRollup",
    "Complaint",
    "CostPosting",
    "Customer",
    "CustomerMessage",
    "CustomerSaleDay",
    "EvidenceDocument",
    "ExceptionNote",
    "ExtensionOffer",
    "ExtensionPlan",
    "FirstRunProgress",
    "HandBack",
    "ImportBatch",
    "InboxApplied",
    "InboxCursor",
    "InvoiceLine",
    "NumberCounter",
    "OutboxEvent",
    "Policy",
    "PrintJob",
    "Product",
    "RecoveryRollup",
    "RecoveryStale",
    "RetentionFollowUp",
    "Sale",
    "SaleRollup",
    "Segment",
    "Settlement",
    "Shop",
    "ShopZoneChange",
    "Staff",
    "StockMovement",
    "SupplierBatch",
    "SupplierTerms",
    "SyncCursor",
    "SyncDelivered",
    "SyncParked",
    "UpgradeNote",
    "Warranty",
    "WarrantyLayer",
    "WarrantyReminder",
    "WarrantySpan",
    "WarrantyStatus",
]
