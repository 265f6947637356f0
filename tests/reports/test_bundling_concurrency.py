"""Regression: two workers assessing copies of the same image at once opened two bundles (and so
two referrals per authority) on PostgreSQL. Bundling decisions are serialised."""

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from eucentre.auth.principals import Principal, PrincipalKind
from eucentre.blobs import blob_store
from eucentre.db import transaction
from eucentre.models import Bundle, OrganisationKind, Referral
from eucentre.reports import intake
from eucentre.reports.assessment import assess
from eucentre.reports.schemas import ReportIn
from eucentre.reports.tasks import assessment_context
from eucentre.worker import TaskQueue
from tests.factories import make_organisation
from tests.reports.helpers import png, report_body

COPIES = 12


def test_concurrent_assessments_of_one_image_make_one_bundle(settings, session_factory) -> None:
    blobs = blob_store(settings)
    with transaction(session_factory) as session:
        provider = make_organisation(session, kind=OrganisationKind.provider, country="IE")
        make_organisation(session, kind=OrganisationKind.authority, country="NL", europol=True)
        principal = Principal(
            kind=PrincipalKind.provider, organisation_id=provider.id, api_key_id=1
        )
        ids = [
            intake.submit(
                session,
                provider=principal,
                report_in=ReportIn.model_validate(report_body(provider_reference=f"copy-{n}")),
                uploads=[intake.Upload("a.png", png(5))],
                idempotency_key=None,
                fingerprint=str(n),
                files_follow=False,
                source_format="json",
                blobs=blobs,
                secret=settings.secret,
            )[0].id
            for n in range(COPIES)
        ]
    context = assessment_context(TaskQueue(settings, session_factory=session_factory).context)
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda report_id: assess(context, report_id), ids))
    with transaction(session_factory) as session:
        bundles = session.scalars(select(Bundle)).all()
        referrals = session.scalar(select(func.count()).select_from(Referral))
    assert [b.report_count for b in bundles] == [COPIES]
    assert referrals in (0, 1)  # new material goes to review; never one referral per copy
