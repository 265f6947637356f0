"""Words, lemmas, compounds and concepts, without a database."""

import pytest

from eucentre.prevention import concepts, query, text


@pytest.mark.parametrize(
    ("word", "folded"),
    [("Prävention", "pravention"), ("Straße", "strasse"), ("élève", "eleve"), ("ŁÓDŹ", "łodz")],
)
def test_words_are_folded(word, folded) -> None:
    assert text.fold(word) == folded


def test_lemmas_and_compound_parts_are_indexed() -> None:
    assert text.index_keys("Präventionsprogramme", "de") == (
        "praventionsprogramme",
        "praventionsprogramm",
        "pravention",
        "programm",
    )
    assert text.index_keys("enfants", "fr") == ("enfants", "enfant")
    assert text.compound_parts("Hilfetelefon", "de") == ("hilfe", "telefon")
    assert text.compound_parts("telephone", "en") == ()


def test_concepts_are_found_in_any_language() -> None:
    assert concepts.in_text(
        "Ein anonymes Hilfetelefon für Menschen mit pädophiler Neigung", "de"
    ) == {
        "anonymous",
        "helpline",
        "help_seekers",
    }
    assert concepts.in_text("Une ligne d'écoute pour la prévention de la récidive", "fr") == {
        "helpline",
        "perpetration_prevention",
    }
    # A compound's part is not a label: "Hilfetelefon" is no "Hilfesuchende".
    assert "help_seekers" not in concepts.in_text("Das Hilfetelefon", "de")


def test_every_concept_has_labels_in_english_german_and_french() -> None:
    for concept in concepts.SCHEME:
        assert {"en", "de", "fr"} <= set(concept.labels), concept.id
        assert all(concept.labels[lang] for lang in ("en", "de", "fr"))


def test_a_query_is_planned_as_concepts_and_free_words() -> None:
    plan = query.plan("sexueller Kindesmissbrauch in der Schule Programm")
    kinds = [(g.concept, g.words) for g in plan.groups]
    assert kinds == [
        ("child_sexual_abuse", ("sexueller", "Kindesmissbrauch")),
        ("school", ("Schule",)),
        (None, ("Programm",)),
    ]
    concept_group = plan.groups[0]
    assert concepts.BY_ID["child_sexual_abuse"].token in concept_group.terms
    assert ("child", "sexual", "abuse") in concept_group.phrases
    # A word the dictionaries know matches by its lemmas; an unknown one also as a prefix.
    assert plan.groups[2].terms == ("programm",) and plan.groups[2].prefixes == ()
    assert query.plan("Dunkelfeldprojekt").groups[0].prefixes == ("dunkelfeldprojekt",)


def test_a_query_cannot_break_out_of_its_expression() -> None:
    plan = query.plan('"helpline" OR NEAR(x) * ) DROP -- \' ; ')
    expression = query.fts5(plan.groups)
    assert expression.count('"') % 2 == 0 and "DROP" not in expression
    assert query.plan("").empty and query.plan("the and of").empty
    assert len(query.plan("word " * 100).groups) <= query.MAX_WORDS
