"""The registry as shipped (every file read strictly, every text in three languages, the
roadmap mapped onto the firearms indicators) and `eucentre monitoring round open`."""

from __future__ import annotations

import tomllib

import pytest
from typer.testing import CliRunner

from eucentre.cli import build_cli
from eucentre.domains import installed
from eucentre.monitoring import cli, registry
from eucentre.monitoring.registry import RegistryError, parse_framework


def test_the_shipped_registry() -> None:
    reg = registry.registry()
    assert sorted(reg.frameworks) == ["csa", "drugs", "firearms", "western_balkans"]
    assert [f.value for f in cli.RoundFramework] == list(registry.ROUND_FRAMEWORKS)
    drugs = reg.frameworks["drugs"].indicators
    # The EUDA's five key epidemiological indicators, seizures (number, quantity), offences.
    assert list(drugs) == [
        "DR_GPS_PREVALENCE",
        "DR_HRDU",
        "DR_TREATMENT_ENTRANTS",
        "DR_DEATHS",
        "DR_HIV_PWID",
        "DR_SEIZURES_NUMBER",
        "DR_SEIZURES_QUANTITY",
        "DR_LAW_OFFENCES",
    ]
    assert drugs["DR_SEIZURES_QUANTITY"].unit.code == "kg"
    csa = reg.frameworks["csa"].indicators
    assert [c for c, i in csa.items() if i.by_platform] == [
        "CSA_REPORTS_FORWARDED",
        "CSA_REMOVAL_HOURS_MEDIAN",
        "CSA_VICTIMS_ASSISTED",
        "CSA_PREVENTION_PROGRAMMES",
    ]
    roadmap = reg.frameworks["western_balkans"]
    assert set(roadmap.aliases.values()) == set(reg.frameworks["firearms"].indicators)
    assert reg.indicator("firearms", "WB_G3_SEIZURES").code == "FA_SEIZURES"
    assert reg.frameworks["firearms"].indicators["FA_SEIZURES"].also == (
        ("western_balkans", "WB_G3_SEIZURES"),
    )
    for framework in reg.frameworks.values():
        for indicator in framework.indicators.values():
            assert all(getattr(indicator.title, lang) for lang in ("en", "de", "fr"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"colour": "red"}, "unknown keys"),
        ({"unit": "litres"}, "unit must be one of"),
        ({"disaggregations": ["SHOE_SIZE"]}, "unknown dimension"),
        ({"title": {"en": "Only English"}}, "needs exactly en, de, fr"),
        ({"source": "platform"}, "names its autofill"),
    ],
)
def test_a_wrong_framework_file_is_refused_at_start(change, message) -> None:
    with open(registry.FRAMEWORKS_DIR / "firearms.toml", "rb") as handle:
        raw = tomllib.load(handle)
    raw["indicators"][1].update(change)
    with pytest.raises(RegistryError, match=message):
        registry.build([parse_framework(raw)])


def test_round_open_on_the_command_line(database, monkeypatch) -> None:
    monkeypatch.setenv("EUCENTRE_DATABASE_URL", database.url)
    monkeypatch.setenv("EUCENTRE_SECRET_KEY", "test-secret-" + "x" * 40)
    from eucentre.config import get_settings

    get_settings.cache_clear()
    app = build_cli(installed())
    runner = CliRunner()
    args = ["monitoring", "round", "open", "--framework", "drugs", "--period", "2024"]
    opened = runner.invoke(app, [*args, "--deadline", "2025-06-30"])
    assert opened.exit_code == 0, opened.output
    assert "drugs-2024, deadline 2025-06-30" in opened.output
    again = runner.invoke(app, args)
    assert again.exit_code == 2 and "the drugs 2024 round is open" in again.output
    wrong = runner.invoke(app, [*args[:4], "nope", *args[5:]])
    assert wrong.exit_code == 2
    bad_day = runner.invoke(app, [*args[:6], "2025", "--deadline", "30/06/2025"])
    assert bad_day.exit_code == 2 and "YYYY-MM-DD" in bad_day.output
    listed = runner.invoke(app, ["monitoring", "round", "list"])
    assert listed.output.split() == ["1", "drugs-2024", "open", "2025-06-30"]
    get_settings.cache_clear()
