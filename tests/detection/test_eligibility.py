"""The two-source rule, as a pure function."""

from eucentre.detection.eligibility import eligible, independent_sources


def test_two_external_organisations_are_needed() -> None:
    assert eligible("pdq", [("import", "Hotline A"), ("authority", "Police B")])
    assert not eligible("pdq", [("import", "Hotline A")])


def test_one_organisation_twice_is_one_source() -> None:
    assert independent_sources([("import", "Hotline A"), ("authority", " hotline  a ")]) == 1


def test_analysts_assessments_and_demo_never_count() -> None:
    sources = [("analyst", "x"), ("assessment", "y"), ("demo", "z"), ("import", "Hotline A")]
    assert independent_sources(sources) == 1
    assert not eligible("pdq", sources)


def test_only_md5_sha256_and_pdq_go_into_bundles() -> None:
    two = [("import", "A"), ("import", "B")]
    assert [eligible(s, two) for s in ("md5", "sha256", "pdq", "vpdq", "url")] == [
        True, True, True, False, False,
    ]  # fmt: skip
