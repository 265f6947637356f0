"""Error accounting counts each match once: a report's match through the assessment (which also
looks the item up) and a provider's own lookup."""

from sqlalchemy import select

from eucentre.auth.principals import Principal, PrincipalKind
from eucentre.blobs import blob_store
from eucentre.db import transaction
from eucentre.indicators import accounting, distribution
from eucentre.indicators.lookup import Query
from eucentre.media.hashing import hash_bytes
from eucentre.models import IndicatorMatch, OrganisationKind, ReportMatch
from eucentre.reports import intake
from eucentre.reports.assessment import assess
from eucentre.reports.schemas import ReportIn
from eucentre.reports.tasks import assessment_context
from eucentre.worker import TaskQueue
from tests.factories import make_organisation
from tests.indicators.helpers import verified
from tests.reports.helpers import png, report_body


def test_a_reported_match_and_a_provider_lookup_are_counted_once_each(
    settings, session_factory
) -> None:
    image = png(31)
    pdq = hash_bytes(image)["pdq"]
    with transaction(session_factory) as session:
        provider = make_organisation(session, kind=OrganisationKind.provider, country="IE")
        make_organisation(session, kind=OrganisationKind.authority, country="NL", europol=True)
        indicator_id = verified(session, pdq).id
        provider_id = provider.id
        report_id = intake.submit(
            session,
            provider=Principal(
                kind=PrincipalKind.provider, organisation_id=provider_id, api_key_id=1
            ),
            report_in=ReportIn.model_validate(report_body(provider_reference="counted-once")),
            uploads=[intake.Upload("a.png", image)],
            idempotency_key=None,
            fingerprint="counted-once",
            files_follow=False,
            source_format="json",
            blobs=blob_store(settings),
            secret=settings.secret,
        )[0].id
    context = assessment_context(TaskQueue(settings, session_factory=session_factory).context)
    assess(context, report_id)
    with transaction(session_factory) as session:
        distribution.lookup(
            session,
            index=context.index,
            queries=[Query("pdq", pdq)],
            max_distance=31,
            organisation_id=provider_id,
        )

    with transaction(session_factory) as session:
        contexts = sorted(session.scalars(select(IndicatorMatch.context)))
        reported = session.scalars(select(ReportMatch.indicator_id)).all()
        by_indicator = accounting.for_indicator(session, indicator_id)
        [by_provider] = accounting.table(session, "provider")
    # The report's match (its ReportMatch) and the provider's lookup: two, not three.
    assert by_indicator.matches == 2
    assert by_provider.tally.matches == 2
    assert reported == [indicator_id]
    assert contexts == ["lookup", "report"]
