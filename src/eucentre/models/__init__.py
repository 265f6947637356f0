"""All models, imported here so Alembic sees the whole metadata."""

from eucentre.models.api_key import ApiKey
from eucentre.models.audit import AuditEntry, AuditHead
from eucentre.models.base import Base
from eucentre.models.complaint import (
    Complaint,
    ComplaintAttempt,
    ComplaintEvent,
    ComplaintLink,
    ComplaintMessage,
)
from eucentre.models.complaint_receipt import ComplaintReceipt
from eucentre.models.indicator import (
    BenignHash,
    ChangeFeedHead,
    Indicator,
    IndicatorChange,
    IndicatorEvent,
    IndicatorList,
    IndicatorListMembership,
    IndicatorMatch,
    IndicatorSource,
    IndicatorStatus,
)
from eucentre.models.organisation import Organisation, OrganisationKind
from eucentre.models.outbox import OutboxMessage
from eucentre.models.report import (
    Bundle,
    Referral,
    ReferralPackage,
    ReferralReport,
    Report,
    ReportEvent,
    ReportItem,
    ReportItemHash,
    ReportMatch,
)
from eucentre.models.staff import Role, SignInAttempt, StaffSession, StaffUser

__all__ = [
    "ApiKey",
    "AuditEntry",
    "AuditHead",
    "Base",
    "BenignHash",
    "Bundle",
    "ChangeFeedHead",
    "Complaint",
    "ComplaintAttempt",
    "ComplaintEvent",
    "ComplaintLink",
    "ComplaintMessage",
    "ComplaintReceipt",
    "Indicator",
    "IndicatorChange",
    "IndicatorEvent",
    "IndicatorList",
    "IndicatorListMembership",
    "IndicatorMatch",
    "IndicatorSource",
    "IndicatorStatus",
    "Organisation",
    "OutboxMessage",
    "Referral",
    "ReferralPackage",
    "ReferralReport",
    "Report",
    "ReportEvent",
    "ReportItem",
    "ReportItemHash",
    "ReportMatch",
    "OrganisationKind",
    "Role",
    "SignInAttempt",
    "StaffSession",
    "StaffUser",
]
