"""Import: CSV, JSON Lines, RIS and BibTeX; all or nothing, errors with line numbers,
idempotent by DOI or URL, bounded, and bad input refused with a clear message."""

import json

import pytest
from sqlalchemy import func, select

from eucentre import errors
from eucentre.prevention import export, importer, repository
from eucentre.prevention.models import PreventionRecord
from eucentre.prevention.timeline import RECORD_TIMELINE
from tests.prevention.helpers import published

RIS = """TY  - JOUR
TI  - Evaluating an anonymous helpline
AU  - Example, Ann
AU  - Sample, Bo
PY  - 2021
AB  - A study of calls to a helpline
  over two years.
DO  - 10.5555/Helpline.2021
KW  - evaluation
LA  - English
ER  -

TY  - RPRT
T1  - Prävention in der Schule
PY  - 2019///
UR  - https://example.test/schule
ER  -
"""

BIBTEX = r"""
@comment{generated for the tests}
@article{example2020,
  title = {Grooming online: a {Survey} of {\"A}rzte},
  author = {M{\"u}ller, Jan and Dupont, Andr\'e},
  year = 2020,
  month = mar,
  journal = "Journal of " # "Examples",
  doi = {https://doi.org/10.5555/BIB.1},
  keywords = {grooming; prevention},
  abstract = {An {\em abstract} with 50\% of nothing.}
}
@techreport{report,
  title = {Évaluation d'une formation},
  url = {https://example.test/formation},
  language = {french},
}
"""

CSV = (
    "type,language,title,summary,countries,target_groups,url,doi,title_de\r\n"
    "programme,en,A CSV programme,Summary one,DE;AT,children;parents_carers,https://example.test/csv1,,Ein CSV-Programm\r\n"
    'helpline,fr,Une ligne d\'écoute,"Multi\nline",FR,public,https://example.test/csv2,,\r\n'
)


def rows(raw: str | bytes, name: str):
    return importer.parse(raw.encode() if isinstance(raw, str) else raw, format_name=name)


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(PreventionRecord))


def test_ris_records_become_drafts(session) -> None:
    outcome = importer.store(session, rows(RIS, "ris"), actor="cli")
    assert len(outcome.created) == 2
    first = repository.get(session, outcome.created[0])
    data = importer.RecordData.model_validate(first.__dict__ and _working(session, first))
    assert (
        data.type.value == "research" and data.year == 2021 and data.doi == "10.5555/helpline.2021"
    )
    assert data.texts[0].summary == "A study of calls to a helpline over two years."
    assert data.authors == ["Example, Ann", "Sample, Bo"] and data.concepts == ["evaluation"]
    second = importer.RecordData.model_validate(
        _working(session, repository.get(session, outcome.created[1]))
    )
    assert second.texts[0].language == "de" and second.year == 2019  # detected, not declared
    assert first.status == "draft" and first.published_revision_id is None
    assert RECORD_TIMELINE.history(session, first.id)[0].kind == "imported"


def _working(session, record):
    from eucentre.prevention import service

    return service.working(session, record).data


def test_bibtex_accents_strings_and_macros(session) -> None:
    outcome = importer.store(session, rows(BIBTEX, "bibtex"), actor="cli")
    first = importer.RecordData.model_validate(
        _working(session, repository.get(session, outcome.created[0]))
    )
    assert first.texts[0].title == "Grooming online: a Survey of Ärzte"
    assert first.authors == ["Müller, Jan", "Dupont, André"]
    assert first.publisher == "Journal of Examples" and first.year == 2020
    assert (
        first.doi == "10.5555/bib.1"
        and first.texts[0].summary == "An abstract with 50% of nothing."
    )
    assert first.concepts == ["grooming"]
    second = importer.RecordData.model_validate(
        _working(session, repository.get(session, outcome.created[1]))
    )
    assert second.texts[0].language == "fr" and second.url == "https://example.test/formation"


def test_csv_with_several_languages(session) -> None:
    outcome = importer.store(session, rows(CSV, "csv"), actor="cli")
    data = importer.RecordData.model_validate(
        _working(session, repository.get(session, outcome.created[0]))
    )
    assert [t.language for t in data.texts] == ["en", "de"]
    assert data.countries == ["AT", "DE"] and [t.value for t in data.target_groups] == [
        "children",
        "parents_carers",
    ]


def test_importing_a_file_again_changes_nothing(session) -> None:
    first = importer.store(session, rows(RIS, "ris"), actor="cli")
    again = importer.store(session, rows(RIS, "ris"), actor="cli")
    assert (
        again.created == []
        and again.updated == []
        and sorted(again.unchanged) == sorted(first.created)
    )
    changed = importer.store(
        session, rows(RIS.replace("over two years", "over three years"), "ris"), actor="cli"
    )
    assert changed.updated == [first.created[0]] and count(session) == 2


def test_export_and_import_round_trip_with_links(session) -> None:
    programme = published(session, title="Linked programme")
    study = published(
        session,
        type="research",
        title="Linked study",
        evaluates=[programme.id],
        doi="10.5555/linked",
    )
    exported = "".join(export.jsonl(session))
    lines = [json.loads(line) for line in exported.splitlines()]
    assert [line["id"] for line in lines] == [programme.id, study.id]
    assert lines[1]["evaluates"] == [programme.identity]
    # A second hub imports it: the link is resolved to its own record of the programme.
    outcome = importer.store(session, rows(exported, "jsonl"), actor="cli")
    assert outcome.unchanged == [programme.id, study.id]
    csv_text = "".join(export.csv_text(session))
    assert csv_text.splitlines()[0].startswith("id,type,language,title,summary")
    assert importer.store(session, rows(csv_text, "csv"), actor="cli").unchanged == [
        programme.id,
        study.id,
    ]


def test_a_formula_in_a_cell_is_exported_as_text(session) -> None:
    published(session, title='=HYPERLINK("http://evil")')
    line = "".join(export.csv_text(session)).splitlines()[1]
    assert "'=HYPERLINK" in line


@pytest.mark.parametrize(
    ("name", "raw", "line", "message"),
    [
        ("ris", "TY  - JOUR\nTI  - ok\nER  - \nTI  - stray\n", 4, "'TI' outside a record"),
        ("ris", "TY  - JOUR\nTI  - no end\n", 1, "not ended by 'ER  - '"),
        ("ris", "TY  - JOUR\nAB  - no title\nUR  - https://x.test/a\nER  - \n", 1, "no title"),
        ("ris", "garbage\n", 1, "not an RIS line"),
        ("bibtex", "@article{k,\n title = {open\n", 2, "a brace is never closed"),
        ("bibtex", "@article{k,\n title = undefinedmacro,\n}", 2, "unknown macro"),
        ("bibtex", "@article{k,\n  url = {https://x.test/b}\n}", 1, "no title"),
        ("bibtex", "@article{k,\n title = {a" + "{" * 30 + "}" * 31 + "\n}", 2, "nested more than"),
        ("jsonl", '{"type": "programme"}\n{not json\n', 2, "not valid JSON"),
        ("jsonl", '{"type": "programme", "type": "research"}\n', 1, "more than once"),
        ("jsonl", "[1, 2]\n", 1, "must be a JSON object"),
        ("csv", "title,unknown\r\nx,y\r\n", 1, "unknown column 'unknown'"),
        ("csv", "type,title,url\r\nprogramme,x\r\n", 2, "2 cells where the header has 3"),
        ("csv", "", 1, "the file is empty"),
    ],
)
def test_malformed_files_are_refused_with_their_line(name, raw, line, message) -> None:
    with pytest.raises(importer.ImportRefused) as refused:
        rows(raw, name)
    [problem] = refused.value.detail
    assert problem["line"] == line and message in problem["message"], problem


def test_invalid_records_are_all_reported_and_nothing_is_stored(session) -> None:
    raw = (
        '{"type": "programme", "texts": [{"language": "en", "title": "Good"}], "url": "https://x.test/1"}\n'
        '{"type": "nonsense", "texts": [{"language": "en", "title": "Bad type"}], "url": "https://x.test/2"}\n'
        "\n"
        '{"type": "programme", "texts": [{"language": "en", "title": "No address"}]}\n'
        '{"type": "programme", "texts": [{"language": "en", "title": "Again"}], "url": "https://x.test/1/"}\n'
        '{"type": "research", "texts": [{"language": "en", "title": "Links"}], "url": "https://x.test/5", "evaluates": ["10.5555/nowhere"]}\n'
    )
    with pytest.raises(importer.ImportRefused) as refused:
        importer.store(session, rows(raw, "jsonl"), actor="cli")
    lines = [(p["line"], p["message"].split(":")[0]) for p in refused.value.detail]
    assert lines == [
        (2, "type"),
        (4, "a record needs a DOI or a URL"),
        (5, "the same DOI or URL as line 1"),
    ]
    assert count(session) == 0
    # Only the dangling link left: still nothing stored (one transaction, rolled back whole).
    fixed = "\n".join(raw.splitlines()[:1] + raw.splitlines()[5:])
    with pytest.raises(importer.ImportRefused) as dangling, session.begin_nested():
        importer.store(session, rows(fixed, "jsonl"), actor="cli")
    assert dangling.value.detail == [
        {"line": 2, "message": "evaluates: no record doi:10.5555/nowhere"}
    ]
    assert count(session) == 0


def test_wrong_encodings_and_sizes_are_refused() -> None:
    latin = "TY  - JOUR\nTI  - Prävention\nER  - \n".encode("latin-1")
    with pytest.raises(importer.ImportRefused) as refused:
        importer.parse(latin, format_name="ris")
    assert refused.value.detail == [
        {"line": 2, "message": "not UTF-8 (byte 0xE4); save the file as UTF-8"}
    ]
    with pytest.raises(importer.ImportRefused):
        importer.parse(b"\xff\xfeT\x00Y\x00", format_name="ris")
    with pytest.raises(errors.PayloadTooLarge):
        importer.parse(b"x" * 2000, format_name="csv", max_bytes=1000)
    with pytest.raises(importer.ImportRefused) as long_line:
        importer.parse(b'{"a": "' + b"x" * 200_000 + b'"}', format_name="jsonl")
    assert "longer than" in long_line.value.detail[0]["message"]
    with pytest.raises(errors.BadRequest):
        importer.format_of("records.xlsx")


def test_the_cli_imports_all_or_nothing(database, monkeypatch, tmp_path, capsys) -> None:
    from typer.testing import CliRunner

    from eucentre.cli import build_cli
    from eucentre.config import get_settings
    from eucentre.domains import installed

    monkeypatch.setenv("EUCENTRE_DATABASE_URL", database.url)
    monkeypatch.setenv("EUCENTRE_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    good, bad = tmp_path / "good.ris", tmp_path / "bad.bib"
    good.write_text(RIS)
    bad.write_text("@article{k,\n title = {fine},\n url = {https://x.test/z}\n}\n@article{\n")
    runner = CliRunner()
    app = build_cli(installed())
    done = runner.invoke(app, ["prevention", "import", str(good)])
    assert done.exit_code == 0, done.output
    assert "2 created, 0 updated, 0 unchanged" in done.output
    again = runner.invoke(app, ["prevention", "import", str(good)])
    assert "0 created, 0 updated, 2 unchanged" in again.output
    from sqlalchemy import create_engine

    engine = create_engine(database.url)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(PreventionRecord)) == 2
    dangling = tmp_path / "dangling.jsonl"
    dangling.write_text(
        '{"type": "research", "texts": [{"language": "en", "title": "T"}], '
        '"url": "https://x.test/d", "evaluates": ["10.5555/nowhere"]}\n'
    )
    linked = runner.invoke(app, ["prevention", "import", str(dangling)])
    assert linked.exit_code == 2
    assert "dangling.jsonl:1: evaluates: no record doi:10.5555/nowhere" in linked.output
    with engine.connect() as connection:  # rolled back whole: still the first file's two
        assert connection.scalar(select(func.count()).select_from(PreventionRecord)) == 2
    engine.dispose()
    assert "3 published records indexed" not in runner.invoke(app, ["prevention", "reindex"]).output
    assert "0 published records indexed" in runner.invoke(app, ["prevention", "reindex"]).output
    exported = runner.invoke(app, ["prevention", "export", "--format", "csv"])
    assert exported.exit_code == 0 and exported.output.startswith("id,type,language")
    refused = runner.invoke(app, ["prevention", "import", str(bad)])
    assert refused.exit_code == 2
    assert (
        "bad.bib:5: expected a citation key" in refused.output
        and "nothing was imported" in refused.output
    )
    get_settings.cache_clear()


def test_the_import_page_refuses_large_and_bad_files(live, editors) -> None:
    from tests.factories import csrf_token_of
    from tests.prevention.conftest import SECRET

    (first, _), _ = editors
    token = csrf_token_of(first, SECRET)
    ok = first.post(
        "/staff/prevention/import",
        data={"csrf_token": token},
        files={"file": ("records.ris", RIS.encode(), "application/x-research-info-systems")},
    )
    assert ok.status_code == 200 and "2 created" in ok.text, ok.text[-3000:]
    bad = first.post(
        "/staff/prevention/import",
        data={"csrf_token": token},
        files={"file": ("records.ris", b"TY  - JOUR\nTI  - x\n", "text/plain")},
    )
    assert bad.status_code == 422 and "Nothing was imported" in bad.text and "line 1" in bad.text
    limit = live.settings.prevention_import_max_bytes
    huge = first.post(
        "/staff/prevention/import",
        data={"csrf_token": token},
        files={"file": ("huge.csv", b"x" * (limit + 100_000), "text/csv")},
    )
    assert huge.status_code == 413
