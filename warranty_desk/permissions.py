"""Roles, permissions and the one matrix that says which role may do what."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass

from warranty_desk.errors import PermissionDenied


class Role(enum.StrEnum):
    """The people at the shop, from DESIGN.md; SYSTEM is the headless command line."""

    SALES = "sales"
    STOREKEEPER = "storekeeper"
    TECHNICIAN = "technician"
    SUPPORT = "support"
    MANAGER = "manager"
    FINANCE = "finance"
    OWNER = "owner"
    ADMIN = "admin"
    # Someone at a supplier, signed in at the shop: only their own supplier's brand claims.
    SUPPLIER = "supplier"
    SYSTEM = "system"


ROLE_LABELS: dict[Role, str] = {
    Role.SALES: "Sales staff",
    Role.STOREKEEPER: "Storekeeper",
    Role.TECHNICIAN: "Technician",
    Role.SUPPORT: "Customer support",
    Role.MANAGER: "Warranty manager",
    Role.FINANCE: "Finance user",
    Role.OWNER: "Owner",
    Role.ADMIN: "System admin",
    Role.SUPPLIER: "Supplier contact",
    Role.SYSTEM: "Command line",
}


class Permission(enum.StrEnum):
    """One thing a person can do; services check exactly one before they change anything."""

    LOOKUP = "look up warranties"
    ACTIVATE_SALE = "activate warranties at sale"
    SELL_EXTENSION = "sell extended warranties"
    VOID_WARRANTY = "void warranties"
    RECORD_DELIVERY = "record that an online order was delivered"
    START_CLAIM = "start claims"
    ADD_EVIDENCE = "attach evidence"
    VERIFY_PROOF = "verify proof of purchase"
    ADVANCE_CLAIM = "move claims through review and inspection"
    DECIDE_CLAIM = "decide claims (repair, replace, refund, reject)"
    ASSIGN_CLAIM = "choose a claim's owner and backup"
    OVERRIDE_RULE = "override warranty rules"
    RECORD_WORK = "record findings, parts and labour"
    POST_COST = "post costs"
    SEND_MESSAGE = "send customer messages"
    SEND_REMINDERS = "send warranty-ending reminders to the customers who agreed"
    WRITE_NOTE = "write exception notes on records"
    MERGE_CUSTOMERS = "merge duplicate customer records"
    HANDLE_STOCK = "receive returns and issue replacements"
    APPROVE_RETURN = "approve online returns (the customer's return label)"
    HAND_BACK = "hand units back to customers"
    MANAGE_BRAND_CLAIMS = "manage brand claims"
    VIEW_BRAND_CLAIMS = "read brand claims"
    UPDATE_BRAND_STATUS = "enter a brand's status on a brand claim"
    VIEW_SUPPLIER_TERMS = "read suppliers' warranty terms and the settlement limit"
    MANAGE_SUPPLIER_TERMS = "set suppliers' warranty terms"
    RECORD_SETTLEMENT = "record supplier settlements"
    AGREE_SETTLEMENT_DIFFERENCE = "agree a settlement that differs from what was expected"
    WRITE_OFF_RECOVERY = "write off what a supplier did not pay back"
    VIEW_REPORTS = "view reports"
    MANAGE_STAFF = "manage staff accounts"
    UNLOCK_STAFF = "unlock accounts locked after wrong PINs"
    MANAGE_SETTINGS = "change shop settings, products and policies"
    IMPORT_INVOICES = "import POS invoices"
    BACKUP = "back up and restore"
    VERIFY_AUDIT = "verify the audit log"
    MANAGE_SYNC = "manage sync"
    PRINT = "print slips, tickets and labels"


P = Permission
_ALL_STAFF = frozenset(Role) - {Role.SYSTEM}
# Everyone who works for the shop; a supplier contact sees the shop's records only through
# their own supplier's brand claims.
_SHOP = frozenset(Role) - {Role.SUPPLIER}

# Who may do what. System admins run the install but make no claim decisions (DESIGN.md).
MATRIX: dict[Permission, frozenset[Role]] = {
    P.LOOKUP: _SHOP,
    P.ACTIVATE_SALE: frozenset({Role.SALES, Role.MANAGER, Role.OWNER}),
    P.SELL_EXTENSION: frozenset({Role.SALES, Role.MANAGER, Role.OWNER}),
    P.VOID_WARRANTY: frozenset({Role.MANAGER, Role.OWNER}),
    # Whoever hands over or ships parcels knows they arrived; the inbox applies the web shop's
    # own delivery report.
    P.RECORD_DELIVERY: frozenset({Role.SALES, Role.STOREKEEPER, Role.MANAGER, Role.OWNER,
                                  Role.SYSTEM}),
    P.START_CLAIM: frozenset({Role.SALES, Role.SUPPORT, Role.STOREKEEPER, Role.MANAGER,
                              Role.OWNER, Role.SYSTEM}),
    P.ADD_EVIDENCE: frozenset({Role.SALES, Role.SUPPORT, Role.STOREKEEPER, Role.TECHNICIAN,
                               Role.MANAGER, Role.OWNER, Role.SYSTEM}),
    P.VERIFY_PROOF: frozenset({Role.SUPPORT, Role.MANAGER, Role.OWNER}),
    P.ADVANCE_CLAIM: frozenset({Role.SUPPORT, Role.TECHNICIAN, Role.MANAGER, Role.OWNER}),
    P.DECIDE_CLAIM: frozenset({Role.MANAGER, Role.OWNER}),
    # Who answers for a claim is the service manager's call (the owner's too).
    P.ASSIGN_CLAIM: frozenset({Role.MANAGER, Role.OWNER}),
    P.OVERRIDE_RULE: frozenset({Role.MANAGER, Role.OWNER}),
    P.RECORD_WORK: frozenset({Role.TECHNICIAN, Role.MANAGER, Role.OWNER}),
    P.POST_COST: frozenset({Role.TECHNICIAN, Role.FINANCE, Role.MANAGER, Role.OWNER}),
    P.SEND_MESSAGE: frozenset({Role.SALES, Role.SUPPORT, Role.MANAGER, Role.OWNER}),
    # Those who write to customers, and the nightly run that sends the reminders due.
    P.SEND_REMINDERS: frozenset({Role.SALES, Role.SUPPORT, Role.MANAGER, Role.OWNER,
                                 Role.SYSTEM}),
    # Whoever meets something not normal says so where the next person will look.
    P.WRITE_NOTE: frozenset(Role),
    # Merging moves a customer's whole history: those who look after customer records.
    P.MERGE_CUSTOMERS: frozenset({Role.SUPPORT, Role.MANAGER, Role.OWNER}),
    P.HANDLE_STOCK: frozenset({Role.STOREKEEPER, Role.MANAGER, Role.OWNER}),
    # Support answers the customers who ask online; head office's approval arrives by the inbox.
    P.APPROVE_RETURN: frozenset({Role.SUPPORT, Role.MANAGER, Role.OWNER, Role.SYSTEM}),
    # Whoever serves the customer at the counter gives the unit back, with its receipt.
    P.HAND_BACK: frozenset({Role.SALES, Role.SUPPORT, Role.STOREKEEPER, Role.MANAGER,
                            Role.OWNER}),
    P.MANAGE_BRAND_CLAIMS: frozenset({Role.MANAGER, Role.OWNER, Role.STOREKEEPER}),
    P.VIEW_BRAND_CLAIMS: frozenset({Role.MANAGER, Role.OWNER, Role.STOREKEEPER, Role.TECHNICIAN,
                                    Role.SUPPORT, Role.FINANCE, Role.SUPPLIER, Role.SYSTEM}),
    # Support phones the service centre; the supplier's own contact answers for it; the command
    # line imports the service centre's CSV.
    P.UPDATE_BRAND_STATUS: frozenset({Role.MANAGER, Role.OWNER, Role.STOREKEEPER, Role.SUPPORT,
                                      Role.SUPPLIER, Role.SYSTEM}),
    # The shop's dealings with all its suppliers: never for one supplier's contact.
    P.VIEW_SUPPLIER_TERMS: frozenset({Role.MANAGER, Role.OWNER, Role.STOREKEEPER,
                                      Role.TECHNICIAN, Role.SUPPORT, Role.FINANCE, Role.SYSTEM}),
    P.MANAGE_SUPPLIER_TERMS: frozenset({Role.MANAGER, Role.OWNER, Role.SYSTEM}),
    P.RECORD_SETTLEMENT: frozenset({Role.FINANCE, Role.MANAGER, Role.OWNER}),
    P.AGREE_SETTLEMENT_DIFFERENCE: frozenset({Role.MANAGER, Role.OWNER}),
    # Money the shop gives up is a manager's call, not the bookkeeper's who records receipts.
    P.WRITE_OFF_RECOVERY: frozenset({Role.MANAGER, Role.OWNER}),
    P.VIEW_REPORTS: frozenset({Role.MANAGER, Role.FINANCE, Role.OWNER, Role.SYSTEM}),
    P.MANAGE_STAFF: frozenset({Role.ADMIN, Role.OWNER, Role.SYSTEM}),
    # The lock after the last step waits for a person who answers for the till's staff.
    P.UNLOCK_STAFF: frozenset({Role.MANAGER, Role.ADMIN, Role.OWNER, Role.SYSTEM}),
    P.MANAGE_SETTINGS: frozenset({Role.ADMIN, Role.OWNER, Role.SYSTEM}),
    P.IMPORT_INVOICES: frozenset({Role.ADMIN, Role.MANAGER, Role.OWNER, Role.SYSTEM}),
    P.BACKUP: frozenset({Role.ADMIN, Role.OWNER, Role.SYSTEM}),
    P.VERIFY_AUDIT: frozenset({Role.ADMIN, Role.OWNER, Role.FINANCE, Role.SYSTEM}),
    P.MANAGE_SYNC: frozenset({Role.ADMIN, Role.OWNER, Role.SYSTEM}),
    # Whoever serves the customer hands over the paper; the nightly run prints close reports.
    P.PRINT: _SHOP,
}

# The largest refund each role may grant, in minor units; None means no limit.
REFUND_LIMITS: dict[Role, int | None] = {
    Role.MANAGER: 50_000,
    Role.OWNER: None,
}


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is doing this: a signed-in person, or the command line."""

    staff_id: uuid.UUID | None
    name: str
    role: Role
    # The supplier a supplier contact works for; "" for everyone else.
    supplier: str = ""

    @classmethod
    def system(cls, label: str = "command line") -> Actor:
        """The headless command line; it runs imports, reports, backups and the nightly sync."""
        return cls(staff_id=None, name=label, role=Role.SYSTEM)


def allowed(role: Role, permission: Permission) -> bool:
    """Whether this role holds this permission."""
    return role in MATRIX[permission]


def require(actor: Actor, permission: Permission) -> None:
    """Refuse, in plain words, when the actor's role lacks the permission."""
    if not allowed(actor.role, permission):
        who = [ROLE_LABELS[r] for r in Role if r in MATRIX[permission] and r is not Role.SYSTEM]
        raise PermissionDenied(
            f"{actor.name} ({ROLE_LABELS[actor.role]}) may not {permission.value}. "
            f"Ask one of: {', '.join(who)}."
        )


def refund_limit(role: Role) -> int | None:
    """The refund ceiling for a role; roles absent from the table may not refund at all."""
    if role not in REFUND_LIMITS:
        return 0
    return REFUND_LIMITS[role]
