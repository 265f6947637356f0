"""`eucentre search crawl URL... [--max-pages N] [--max-depth D] [--jsonl]` and
`eucentre search recheck`."""

from __future__ import annotations

import json

import typer
from rich.console import Console

from eucentre.clikit import CLI_ACTOR, GROUP_SETTINGS, err_console, fail

# SQLAlchemy, httpx and the hashing engine are imported by the commands, so that starting
# `eucentre` does not wait for them.

console = Console()
search_app = typer.Typer(
    help="Proactive search: crawl websites, verify removals.",
    no_args_is_help=True,
    context_settings=GROUP_SETTINGS,
)


def _runtime():  # type: ignore[no-untyped-def]
    from eucentre.blobs import blob_store
    from eucentre.config import get_settings
    from eucentre.db import engine_for, make_session_factory

    settings = get_settings()
    engine = engine_for(settings)
    return settings, engine, make_session_factory(engine), blob_store(settings)


def _relay(settings, factory) -> int:  # type: ignore[no-untyped-def]
    from huey import MemoryHuey

    from eucentre.worker import TaskQueue

    queue = TaskQueue(settings, session_factory=factory, huey=MemoryHuey("search-cli"))
    return int(queue.run("relay_outbox"))


@search_app.command("crawl")
def crawl(
    urls: list[str] = typer.Argument(..., help="Seed URLs (http or https)."),
    max_pages: int | None = typer.Option(
        None, "--max-pages", min=1, help="Pages to fetch at most (default: the setting)."
    ),
    max_depth: int | None = typer.Option(
        None, "--max-depth", min=0, help="Links to follow from a seed at most (default: setting)."
    ),
    jsonl: bool = typer.Option(False, "--jsonl", help="One JSON line per media item on stdout."),
) -> None:
    """Crawl now: fetch the seeds' pages politely, hash their media in memory, match them."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from eucentre import errors
    from eucentre.db import transaction
    from eucentre.search import service
    from eucentre.search.running import build_crawler

    settings, engine, factory, blobs = _runtime()
    try:
        try:
            with transaction(factory) as session:
                scheduled = service.schedule(
                    session,
                    actor=CLI_ACTOR,
                    seeds=urls,
                    max_pages=max_pages or settings.crawl_max_pages,
                    max_depth=settings.crawl_max_depth if max_depth is None else max_depth,
                )
                crawl_id, pages_total = scheduled.id, scheduled.max_pages
        except errors.AppError as refused:
            raise fail(str(refused.detail)) from None
        with Progress(
            TextColumn("crawl {task.fields[crawl]}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("pages · {task.fields[media]} media · {task.fields[matched]} matched"),
            console=err_console,
            transient=True,
        ) as progress:
            task = progress.add_task("crawl", total=pages_total, crawl=crawl_id, media=0, matched=0)

            def show(summary) -> None:  # type: ignore[no-untyped-def]
                progress.update(
                    task, completed=summary.pages, media=summary.media, matched=summary.matched
                )

            def line(record: dict) -> None:  # type: ignore[type-arg]
                if jsonl:
                    console.file.write(json.dumps(record) + "\n")
                    console.file.flush()

            crawler = build_crawler(settings, factory, blobs=blobs, on_media=line, on_progress=show)
            summary = crawler.run(crawl_id)
        sent = _relay(settings, factory)
    finally:
        engine.dispose()
    if summary is None:
        raise fail(f"crawl {crawl_id} could not be run")
    err_console.print(
        f"crawl {crawl_id} {summary.status} ({summary.stop_reason}): {summary.pages} page(s), "
        f"{summary.media} media item(s), {summary.matched} matched, {summary.refused} refused, "
        f"{summary.failed} failed; {sent} notice send(s)"
    )


@search_app.command("recheck")
def recheck() -> None:
    """Re-fetch the noticed URLs due for a check: verify removals, catch reappearances."""
    from eucentre.search.crawler import policy_from
    from eucentre.search.recheck import recheck_due

    settings, engine, factory, _ = _runtime()
    try:
        run = recheck_due(factory, policy=policy_from(settings), limit=10_000)
        sent = _relay(settings, factory)
    finally:
        engine.dispose()
    outcomes = ", ".join(f"{k}: {v}" for k, v in sorted(run.outcomes.items())) or "none due"
    console.print(f"{run.checked} URL(s) checked ({outcomes}); {sent} notice send(s)")
