"""Complaint decisions in the service, on rolled-back transactions: linking, four eyes, and what
an upheld complaint does."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from eucentre import errors
from eucentre.complaints import decisions, outbox, receipts, service
from eucentre.complaints.service import Limits
from eucentre.indicators import service as indicators
from eucentre.kit.time import utcnow
from eucentre.models import (
    Complaint,
    ComplaintAttempt,
    ComplaintMessage,
    ComplaintReceipt,
    IndicatorEvent,
    IndicatorStatus,
    OrganisationKind,
    OutboxMessage,
    ReportEvent,
)
from eucentre.rules.indicator_status import Action
from tests.complaints.helpers import public_form, refer, removal
from tests.factories import make_organisation
from tests.indicators.helpers import candidate, random_pdq, verified

SECRET = b"s" * 32


@pytest.fixture
def world(session):
    provider = make_organisation(session, kind=OrganisationKind.provider)
    authority = make_organisation(session, kind=OrganisationKind.authority)
    indicator = verified(session, random_pdq(71))
    report = removal(session, provider=provider, reference="sor-1", indicator=indicator)
    referral = refer(session, report, authority)
    return {
        "provider": provider,
        "authority": authority,
        "indicator": indicator,
        "report": report,
        "referral": referral,
    }


def submit(session, provider_id, reference="sor-1", address="192.0.2.1", **overrides):
    return service.submit_public(
        session,
        data=public_form(provider_id, reference, **overrides),
        client_address=address,
        secret=SECRET,
    )


def test_a_public_complaint_is_linked_to_the_report_and_its_secret_is_only_hashed(
    session, world
) -> None:
    complaint, secret = submit(session, world["provider"].id)
    assert complaint.number.startswith("C-") and len(secret) == 23
    assert secret not in (complaint.secret_digest or "")
    assert decisions.indicator_ids(session, complaint.id) == [world["indicator"].id]
    assert complaint.contact_sealed and b"example.test" not in complaint.contact_sealed
    assert service.contact_of(complaint, secret=SECRET) == "me@example.test"
    deadline = complaint.deadline_at - complaint.received_at
    assert deadline == timedelta(days=14)


def test_a_reference_of_another_provider_links_nothing(session, world) -> None:
    other = make_organisation(session, kind=OrganisationKind.provider)
    complaint, _ = submit(session, other.id)
    assert decisions.indicator_ids(session, complaint.id) == []


def test_complaints_older_than_six_months_or_from_the_future_are_refused(session, world) -> None:
    with pytest.raises(errors.UnprocessableEntity) as late:
        submit(session, world["provider"].id, decision_date=date.today() - timedelta(days=200))
    assert late.value.code == "complaint_too_late"
    with pytest.raises(errors.UnprocessableEntity) as future:
        submit(session, world["provider"].id, decision_date=date.today() + timedelta(days=5))
    assert future.value.code == "decision_in_future"
    assert session.scalars(select(Complaint)).all() == []


def test_the_status_lookup_needs_the_right_secret_and_counts_failures(session, world) -> None:
    complaint, secret = submit(session, world["provider"].id)
    found = service.lookup_status(
        session,
        number=complaint.number.lower(),
        complainant_secret=secret.replace("-", " "),
        client_address="198.51.100.7",
        secret=SECRET,
    )
    assert found is complaint
    assert (
        service.lookup_status(
            session,
            number=complaint.number,
            complainant_secret="AAAAA-AAAAA-AAAAA-AAAAA",
            client_address="198.51.100.7",
            secret=SECRET,
        )
        is None
    )
    subjects = session.scalars(select(ComplaintAttempt.subject)).all()
    assert all("198.51.100.7" not in s and complaint.number not in s for s in subjects)


def test_guessing_one_complaint_from_many_addresses_is_limited(session, world) -> None:
    complaint, secret = submit(session, world["provider"].id)
    limits = Limits(failed_lookups_per_number=3)
    for n in range(3):
        assert (
            service.lookup_status(
                session,
                number=complaint.number,
                complainant_secret=f"WRONG{n}",
                client_address=f"203.0.113.{n}",
                secret=SECRET,
                limits=limits,
            )
            is None
        )
    # The number is under attack: the clients that guessed wrong are refused, even with the
    # right secret, and a new client gets one guess only.
    with pytest.raises(errors.TooManyRequests):
        service.lookup_status(
            session,
            number=complaint.number,
            complainant_secret=secret,
            client_address="203.0.113.0",
            secret=SECRET,
            limits=limits,
        )
    assert (
        service.lookup_status(
            session,
            number=complaint.number,
            complainant_secret="WRONG-AGAIN",
            client_address="203.0.113.50",
            secret=SECRET,
            limits=limits,
        )
        is None
    )
    with pytest.raises(errors.TooManyRequests):
        service.lookup_status(
            session,
            number=complaint.number,
            complainant_secret="WRONG-ONCE-MORE",
            client_address="203.0.113.50",
            secret=SECRET,
            limits=limits,
        )


def test_wrong_guesses_elsewhere_never_block_the_complainant(session, world) -> None:
    complaint, secret = submit(session, world["provider"].id)
    limits = Limits()
    for n in range(limits.failed_lookups_per_number):
        assert (
            service.lookup_status(
                session,
                number=complaint.number,
                complainant_secret=f"WRONG{n}",
                client_address="203.0.113.66",
                secret=SECRET,
                limits=limits,
            )
            is None
        )
    found = service.lookup_status(
        session,
        number=complaint.number,
        complainant_secret=secret,
        client_address="192.0.2.44",
        secret=SECRET,
        limits=limits,
    )
    assert found is not None and found.id == complaint.id


def test_uphold_of_a_verified_indicator_needs_a_second_different_analyst(session, world) -> None:
    complaint, _ = submit(session, world["provider"].id)
    decisions.uphold(session, actor="user:1", complaint_id=complaint.id, reason="A garden.")
    assert complaint.status == "pending_uphold"
    assert world["indicator"].status == IndicatorStatus.verified
    with pytest.raises(errors.Conflict) as same_person:
        decisions.uphold(session, actor="user:1", complaint_id=complaint.id, reason="Again.")
    assert same_person.value.code == "second_analyst_required"
    decisions.uphold(session, actor="user:2", complaint_id=complaint.id, reason="Just a garden.")
    assert complaint.status == "upheld" and complaint.decision_reason == "Just a garden."
    session.refresh(world["indicator"])
    assert world["indicator"].status == IndicatorStatus.disputed
    kinds = {m.kind for m in session.scalars(select(OutboxMessage))}
    assert {outbox.REINSTATE, outbox.AUTHORITY_NOTE} <= kinds
    messages = session.scalars(select(ComplaintMessage)).all()
    assert {(m.kind, m.organisation_id) for m in messages} == {
        ("reinstate", world["provider"].id),
        ("authority_note", world["authority"].id),
    }
    erroneous = session.scalars(select(ReportEvent).where(ReportEvent.kind == "erroneous")).all()
    assert [e.report_id for e in erroneous] == [world["report"].id]
    assert erroneous[0].for_provider
    with pytest.raises(errors.Conflict):
        decisions.reject(session, actor="user:3", complaint_id=complaint.id, reason="No.")


def test_disputing_the_indicators_first_does_not_let_one_analyst_uphold_alone(session) -> None:
    """The analyst may dispute verified indicators alone; the complaint about a removal they
    caused still needs a second analyst, and nothing reaches the provider or authorities."""
    provider = make_organisation(session, kind=OrganisationKind.provider)
    authority = make_organisation(session, kind=OrganisationKind.authority)
    first, second = verified(session, random_pdq(81)), verified(session, random_pdq(82))
    for indicator in (first, second):
        report = removal(session, provider=provider, reference="sor-2", indicator=indicator)
        refer(session, report, authority)
    complaint, _ = submit(session, provider.id, reference="sor-2")
    for indicator in (first, second):
        indicators.decide(
            session,
            actor="user:1",
            indicator_id=indicator.id,
            action=Action.dispute,
            reason="I think so.",
        )
    decisions.uphold(session, actor="user:1", complaint_id=complaint.id, reason="A garden.")
    assert complaint.status == "pending_uphold"
    assert session.scalars(select(ComplaintMessage)).all() == []
    with pytest.raises(errors.Conflict) as alone:
        decisions.uphold(session, actor="user:1", complaint_id=complaint.id, reason="Again.")
    assert alone.value.code == "second_analyst_required"
    decisions.uphold(session, actor="user:2", complaint_id=complaint.id, reason="A garden.")
    assert complaint.status == "upheld"


def test_an_indicator_verified_only_after_the_removal_leaves_one_analyst_to_decide(
    session,
) -> None:
    provider = make_organisation(session, kind=OrganisationKind.provider)
    indicator = candidate(session, random_pdq(83))
    report = removal(session, provider=provider, reference="sor-3", indicator=indicator)
    report.received_at = utcnow() - timedelta(days=1)
    session.flush()
    complaint, _ = submit(session, provider.id, reference="sor-3")
    # Its history says it became verified after the removal and was disputed since.
    session.execute(
        update(IndicatorEvent)
        .where(IndicatorEvent.indicator_id == indicator.id)
        .values(at=report.received_at - timedelta(days=30))
    )
    for who in ("user:1001", "user:1002"):
        indicators.decide(session, actor=who, indicator_id=indicator.id, action=Action.confirm)
    indicators.decide(
        session, actor="user:1", indicator_id=indicator.id, action=Action.dispute, reason="No."
    )
    decisions.uphold(session, actor="user:1", complaint_id=complaint.id, reason="A garden.")
    assert complaint.status == "upheld"


def test_without_a_verified_indicator_one_analyst_decides(session) -> None:
    provider = make_organisation(session, kind=OrganisationKind.provider)
    removal(
        session, provider=provider, reference="sor-9", indicator=candidate(session, random_pdq(5))
    )
    complaint, _ = submit(session, provider.id, reference="sor-9")
    decisions.uphold(session, actor="user:1", complaint_id=complaint.id, reason="A garden.")
    assert complaint.status == "upheld"


def test_a_second_analyst_may_reject_a_proposed_uphold_and_a_reason_is_required(
    session, world
) -> None:
    complaint, _ = submit(session, world["provider"].id)
    with pytest.raises(errors.UnprocessableEntity):
        decisions.uphold(session, actor="user:1", complaint_id=complaint.id, reason="  ")
    decisions.uphold(session, actor="user:1", complaint_id=complaint.id, reason="A garden.")
    decisions.reject(session, actor="user:2", complaint_id=complaint.id, reason="It matched.")
    assert complaint.status == "rejected"
    session.refresh(world["indicator"])
    assert world["indicator"].status == IndicatorStatus.verified


def test_a_form_sent_twice_files_one_complaint_and_its_receipt_shows_the_secret_once(
    session, world
) -> None:
    token = receipts.new_form_token()
    sent = [
        receipts.submit_public_once(
            session,
            data=public_form(world["provider"].id),
            form_token=token,
            client_address="192.0.2.7",
            secret=SECRET,
        )
        for _ in range(2)
    ]
    assert sent[0][1] is True and sent[1] == (sent[0][0], False)
    [complaint] = session.scalars(select(Complaint)).all()
    first = receipts.take_receipt(session, receipt_token=sent[0][0], secret=SECRET)
    assert first.complaint.id == complaint.id and first.secret
    assert (
        service.lookup_status(
            session,
            number=complaint.number,
            complainant_secret=first.secret,
            client_address="192.0.2.8",
            secret=SECRET,
        )
        is complaint
    )
    again = receipts.take_receipt(session, receipt_token=sent[0][0], secret=SECRET)
    assert again.complaint.id == complaint.id and again.secret is None
    assert receipts.take_receipt(session, receipt_token="0" * 64, secret=SECRET) is None
    assert session.scalars(select(ComplaintReceipt.secret_sealed)).all() == [None]
