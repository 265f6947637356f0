"""Searching the prevention catalogue at 50 000 published records: p50/p95 of the whole search
(plan the query across languages, match in FTS5, filter and count facets, rank, load the page's
records, build highlighted snippets), against a named baseline run side by side on the same
database: a plain LIKE scan over the same documents (`body LIKE '%word%'` for each word, counted,
the first ten by id: what a catalogue without a full-text index does).

    .venv/bin/python bench/prevention.py [--records 50000] [--rounds 5] [--database URL]

Records are generated (never real ones): titles and summaries in English, German and French
from a vocabulary of the field's words (the concept labels among them) and 30 000 invented
words, facets drawn at random; their documents are built by the real index code
(prevention/index.py) and written in bulk. The queries are a fixed mix: single words in each
language, concept names across languages, compounds, rare invented words, a word in almost
every record, queries with filters, and filters alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from eucentre.db import make_engine
from eucentre.operations.migrations import upgrade
from eucentre.prevention import concepts, index
from eucentre.prevention.facets import FacetTable
from eucentre.prevention.models import (
    PreventionRecord,
    PreventionRevision,
    PreventionSearchDoc,
    PreventionSearchState,
)
from eucentre.prevention.schemas import RecordData
from eucentre.prevention.search import search
from eucentre.prevention.vocabulary import COUNTRIES, Evidence, RecordType, TargetGroup

WORDS = {
    "en": [
        "prevention",
        "programme",
        "children",
        "parents",
        "school",
        "online",
        "support",
        "people",
        "risk",
        "study",
        "evaluation",
        "service",
        "adults",
        "community",
        "training",
        "professionals",
        "abuse",
        "safety",
        "help",
        "young",
        "families",
        "project",
        "research",
        "report",
        "guidance",
        "approach",
        "outcomes",
        "therapy",
    ],
    "de": [
        "Prävention",
        "Programm",
        "Kinder",
        "Eltern",
        "Schule",
        "Unterstützung",
        "Menschen",
        "Risiko",
        "Studie",
        "Beratung",
        "Angebot",
        "Erwachsene",
        "Fachkräfte",
        "Schutz",
        "Hilfe",
        "Jugendliche",
        "Familien",
        "Projekt",
        "Präventionsprogramm",
        "Kinderschutzprojekt",
        "Elternabend",
        "Schulsozialarbeit",
    ],
    "fr": [
        "prévention",
        "programme",
        "enfants",
        "parents",
        "école",
        "soutien",
        "personnes",
        "risque",
        "étude",
        "accompagnement",
        "service",
        "adultes",
        "professionnels",
        "protection",
        "aide",
        "jeunes",
        "familles",
        "projet",
        "recherche",
        "rapport",
        "évaluation",
    ],
}
QUERIES = [
    ("helpline", {}),
    ("Hilfetelefon", {}),
    ("ligne d'écoute", {}),
    ("Täterprävention", {}),
    ("sexueller Kindesmissbrauch", {}),
    ("grooming online", {}),
    ("therapy", {"country": ["DE"]}),
    ("évaluation", {"type": ["research"]}),
    ("Programm", {}),
    ("prevention", {}),
    ("parents school", {"language": ["en"]}),
    ("", {"type": ["helpline"], "country": ["FR"]}),
    ("", {}),
    ("recidivism", {"evidence": ["promising", "effective"]}),
    ("Schulung Fachkräfte", {}),
]


def _invented(rng: random.Random, count: int) -> list[str]:
    return [
        "".join(
            rng.choice("bcdfgklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4))
        )
        for _ in range(count)
    ]


def _labels(language: str) -> list[str]:
    return [label for c in concepts.SCHEME for label in c.labels.get(language, ())]


def generate(engine, records: int, seed: int = 5) -> None:
    rng = random.Random(seed)
    invented = _invented(rng, 30_000)
    labels = {lang: _labels(lang) for lang in WORDS}
    countries = list(COUNTRIES)
    now = dt.datetime.now(dt.UTC)
    batch_records, batch_revisions, batch_docs = [], [], []
    fts_rows = []
    started = time.perf_counter()
    with Session(engine) as session:
        for n in range(1, records + 1):
            language = rng.choice(["en", "en", "de", "fr"])
            words = WORDS[language]

            def sentence(length: int, words: list[str] = words, language: str = language) -> str:
                parts = [
                    rng.choice(words) if rng.random() < 0.5 else rng.choice(invented)
                    for _ in range(length)
                ]
                if rng.random() < 0.3:
                    parts.insert(rng.randrange(len(parts)), rng.choice(labels[language]))
                return " ".join(parts)

            data = RecordData.model_validate(
                {
                    "type": rng.choice(list(RecordType)).value,
                    "texts": [
                        {"language": language, "title": sentence(6), "summary": sentence(45)}
                    ],
                    "countries": rng.sample(countries, rng.randint(1, 3)),
                    "languages": rng.sample(["de", "en", "fr", "nl", "pl"], rng.randint(1, 2)),
                    "target_groups": [
                        t.value for t in rng.sample(list(TargetGroup), rng.randint(1, 3))
                    ],
                    "evidence": rng.choice(list(Evidence)).value,
                    "url": f"https://example.test/generated/{n}",
                }
            )
            title, body, facets = index.document(data)
            batch_records.append(
                {
                    "id": n,
                    "identity": data.identity(),
                    "status": "published",
                    "working_revision_id": n,
                    "published_revision_id": n,
                    "created_at": now,
                    "first_published_at": now,
                    "last_published_at": now,
                    "last_reviewed_at": now,
                    "is_demo": False,
                }
            )
            batch_revisions.append(
                {
                    "id": n,
                    "record_id": n,
                    "number": 1,
                    "data": data.model_dump(mode="json"),
                    "editors": ["bench"],
                    "created_at": now,
                    "approved_by": "bench",
                    "approved_at": now,
                }
            )
            batch_docs.append(
                {
                    "record_id": n,
                    "live": True,
                    "seq": n,
                    "title": title,
                    "body": body,
                    "facets": facets,
                    "published_at": now - dt.timedelta(seconds=n),
                }
            )
            fts_rows.append({"id": n, "title": title, "body": body})
            if len(batch_records) == 2000 or n == records:
                session.execute(insert(PreventionRecord), batch_records)
                session.execute(insert(PreventionRevision), batch_revisions)
                session.execute(insert(PreventionSearchDoc), batch_docs)
                if engine.dialect.name == "sqlite":
                    session.execute(
                        text(
                            "INSERT INTO prevention_fts (rowid, title, body) VALUES (:id, :title, :body)"  # noqa: E501
                        ),
                        fts_rows,
                    )
                batch_records, batch_revisions, batch_docs, fts_rows = [], [], [], []
        session.get(PreventionSearchState, 1).seq = records
        session.commit()
    print(f"generated {records} records in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def like_baseline(session: Session, q: str, filters: dict) -> int:
    words = [w.lower() for w in q.split() if len(w) > 2]
    where = (
        " AND ".join(
            f"(lower(body) LIKE :w{i} OR lower(title) LIKE :w{i})" for i in range(len(words))
        )
        or "1=1"
    )
    params = {f"w{i}": f"%{w}%" for i, w in enumerate(words)}
    total = session.scalar(
        text(f"SELECT count(*) FROM prevention_search_docs WHERE live AND {where}"), params
    )
    session.execute(
        text(
            f"SELECT record_id FROM prevention_search_docs WHERE live AND {where} ORDER BY record_id LIMIT 10"  # noqa: E501
        ),
        params,
    ).all()
    return int(total or 0)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--database", default=None, help="a database URL (default: a new SQLite; reused as is)"
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-prevention-"))
    url = args.database or f"sqlite:///{folder / 'bench.db'}"
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        present = connection.scalar(text("SELECT count(*) FROM prevention_search_docs"))
    if not present:  # a --database given again is measured as it is
        generate(engine, args.records)
    table = FacetTable()
    ours: list[float] = []
    ours_cpu: list[float] = []
    baseline: list[float] = []
    baseline_cpu: list[float] = []
    per_query: dict[str, list[float]] = {}
    with Session(engine) as session:
        search(session, table, q="warm up", filters={}, language="en")  # dictionaries, facet table
        for _ in range(args.rounds):
            for q, filters in QUERIES:
                started, cpu = time.perf_counter(), time.process_time()
                result = search(session, table, q=q, filters=filters, language="en")
                elapsed = (time.perf_counter() - started) * 1000
                ours.append(elapsed)
                ours_cpu.append((time.process_time() - cpu) * 1000)
                per_query.setdefault(f"{q or '(none)'} {filters or ''}".strip(), []).append(elapsed)
                started, cpu = time.perf_counter(), time.process_time()
                like_baseline(session, q, filters)
                baseline.append((time.perf_counter() - started) * 1000)
                baseline_cpu.append((time.process_time() - cpu) * 1000)
                assert result.total >= 0
    print(
        f"records: {args.records}, queries: {len(QUERIES)} x {args.rounds} rounds, engine: {engine.dialect.name}"  # noqa: E501
    )
    print(f"{'query':45} {'median ms':>10} {'max ms':>8}")
    for name, times in per_query.items():
        print(f"{name[:45]:45} {statistics.median(times):10.1f} {max(times):8.1f}")
    p50, p95 = percentile(ours, 0.5), percentile(ours, 0.95)
    b50, b95 = percentile(baseline, 0.5), percentile(baseline, 0.95)
    print(f"search (FTS5 + facets + ranking + snippets): p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    print(f"baseline (plain LIKE scan, count + first 10): p50 {b50:.1f} ms, p95 {b95:.1f} ms")
    print(
        f"ratio baseline/search at p95: {b95 / p95:.1f}x; target p95 < 50 ms: {'met' if p95 < 50 else 'NOT met'}"  # noqa: E501
    )
    c95, cb95 = percentile(ours_cpu, 0.95), percentile(baseline_cpu, 0.95)
    print(
        f"CPU time of this process (less sensitive to other load): search p95 {c95:.1f} ms, "
        f"baseline p95 {cb95:.1f} ms, ratio {cb95 / c95:.1f}x"
    )
    print(f"load average now: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {dt.date.today()}")


if __name__ == "__main__":
    main()
