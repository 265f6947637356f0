"""The audit log's periodic check."""

from __future__ import annotations

import logging
from typing import Any

from eucentre.audit import service as audit
from eucentre.db import transaction
from eucentre.platform.tasks import Periodic, TaskContext

log = logging.getLogger(__name__)


def verify_audit_chain(context: TaskContext) -> dict[str, Any]:
    """Hourly: walk the whole audit chain; a break is logged loudly and audited."""
    with transaction(context.session_factory) as session:
        result = audit.verify(session)
        if not result.intact:
            log.error(
                "audit chain broken",
                extra={"problems": len(result.problems), "first_seq": result.problems[0].seq},
            )
            audit.record(
                session,
                actor="system",
                action="audit.chain_broken",
                object_type="audit_log",
                object_id=result.problems[0].seq,
                details={"problems": len(result.problems)},
            )
    return {"entries": result.entries, "intact": result.intact}


TASKS = (Periodic("verify_audit_chain", verify_audit_chain, minute="17"),)
