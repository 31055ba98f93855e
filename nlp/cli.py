"""CLI faces of stage 2: `enrich`, `tag`, `search` (issue 5). Thin: flags in, one call, print."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from claimtracker.cli_support import (
    db_option,
    dumps,
    echo_json,
    emit_summary,
    format_option,
    handle_errors,
    open_store,
)
from claimtracker.config import EMBEDDERS
from claimtracker.errors import InputError

F = TypeVar("F", bound=Callable[..., Any])


def embedder_option(func: F) -> F:
    """`--embedder torch|onnx-int8` (else CLAIMTRACKER_EMBEDDER, `embedder` in the config)."""
    return click.option(
        "--embedder", type=click.Choice(EMBEDDERS), default=None,
        help="Embedding backend [env CLAIMTRACKER_EMBEDDER; default: the DB's, else torch]. "
             "onnx-int8 (ONNX Runtime, int8) is exported from the installed model on first "
             "use and cached in CLAIMTRACKER_MODEL_CACHE [~/.cache/claimtracker].")(func)


def engine_options(func: F) -> F:
    """`--engine local|ray` and `--ray-address ADDR` (enrich and update)."""
    func = click.option(
        "--ray-address", default=None, metavar="ADDR",
        help="Ray cluster to join with --engine ray (host:port of the head node, or 'auto') "
             "[env RAY_ADDRESS; default: start a local Ray with this machine's CPUs].")(func)
    return click.option(
        "--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
        help="local: this process; ray: Ray Data actor pools (same results, see README).")(func)


def check_engine(engine: str, ray_address: str | None) -> None:
    """--ray-address means nothing without --engine ray: say so instead of ignoring it."""
    if ray_address and engine != "ray":
        raise InputError(f"--ray-address {ray_address} is only used with --engine ray; "
                         "add --engine ray, or drop --ray-address.")


@click.command()
@click.option("--ticker", "tickers", multiple=True,
              help="Only sources of this company (repeatable); default all.")
@click.option("--doc-type", "doc_types", multiple=True,
              type=click.Choice(["10-Q", "10-K", "earnings_release", "transcript"]),
              help="Only these document types (repeatable); default all.")
@click.option("--taxonomy", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Topic taxonomy YAML [default data/topics.yaml].")
@click.option("--no-progress", is_flag=True, help="No progress bars.")
@embedder_option
@click.option("--re-embed", is_flag=True,
              help="If the DB's vectors were made with another --embedder, replace them "
                   "(embeds every sentence again) instead of refusing.")
@engine_options
@db_option
@format_option("text", "json")
@handle_errors
def enrich(tickers, doc_types, taxonomy, no_progress, embedder, re_embed, engine, ray_address,
           db, fmt) -> None:
    """Split text into sentences, embed them, tag topic mentions and rebuild the BM25 index.

    Incremental: only new or changed sections/turns are split, only new sentences embedded;
    a rerun with nothing new loads no model.

    \b
    Example:
      claimtracker enrich
      claimtracker enrich --ticker AMZN --format json
      claimtracker enrich --embedder onnx-int8 --re-embed
      claimtracker enrich --engine ray --ray-address 10.0.0.1:6379
    """
    check_engine(engine, ray_address)
    if engine == "ray":
        from nlp.ray_engine import enrich_with_ray as run_enrich
        extra: dict[str, Any] = {"address": ray_address}
    else:
        from nlp.enrich import enrich as run_enrich
        extra = {}

    with open_store(db) as store:
        summary = run_enrich(store, progress=not no_progress, tickers=tickers or None,
                             doc_types=doc_types or None, taxonomy_path=taxonomy,
                             embedder=embedder, re_embed=re_embed, **extra)
    emit_summary(summary, fmt)


def _stdin_lines() -> list[str]:
    """stdin as UTF-8 lines; bytes that are not UTF-8 stop with the line and offset named.

    Read as bytes: Python's text stdin may turn bad bytes into lone surrogates, which then
    fail deep inside the tagger or on output with an unhelpful UnicodeEncodeError.
    """
    lines = []
    for number, raw in enumerate(sys.stdin.buffer, start=1):
        try:
            lines.append(raw.decode("utf-8").rstrip("\r\n"))
        except UnicodeDecodeError as exc:
            raise InputError(
                f"stdin line {number} is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at "
                f"offset {exc.start}): nothing was tagged. Convert the input to UTF-8 first, "
                "e.g. `iconv -f ENCODING -t utf-8 FILE | claimtracker tag` (ENCODING: its "
                "encoding, such as cp949 or latin1)."
            ) from exc
    return lines


@click.command()
@click.option("--taxonomy", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Topic taxonomy YAML [default data/topics.yaml].")
@format_option("jsonl", "text", default="jsonl")
@handle_errors
def tag(taxonomy, fmt) -> None:
    """Tag lines of text from stdin with topics (the same tagging `enrich` stores).

    Prints one JSON object per input line:
    {"text", "topics": [...], "mentions": [{"topic", "text", "start", "end", "method"}]}

    \b
    Example:
      echo "It's fully subscribed on Trainium2." | claimtracker tag --format jsonl
    """
    from nlp.tagger import tag_lines

    lines = _stdin_lines()
    for tagging in tag_lines(lines, taxonomy_path=taxonomy):
        if fmt == "jsonl":
            click.echo(dumps(tagging.as_dict(), indent=None))
        else:
            click.echo(f"{', '.join(tagging.topics) or '-'}\t{tagging.text}")


@click.command()
@click.argument("query")
@click.option("--ticker", default=None, help="Company ticker, e.g. AMZN.")
@click.option("--quarter", default=None, help="One fiscal quarter, e.g. 2025Q3.")
@click.option("--from", "from_quarter", default=None, help="First fiscal quarter, e.g. 2024Q1.")
@click.option("--to", "to_quarter", default=None, help="Last fiscal quarter, e.g. 2025Q4.")
@click.option("--doc-type", default=None,
              help="10-Q, 10-K, earnings_release (or 'earnings release'), transcript.")
@click.option("--section", default=None, help="Item code (e.g. 'Part I Item 2') or prepared|qa.")
@click.option("--role", default=None, type=click.Choice(["management", "analyst", "operator",
                                                          "investor_relations", "unknown"]),
              help="Speaker role (transcripts only).")
@click.option("--topic", "topics", multiple=True,
              help="Only sentences mentioning this topic (repeatable), e.g. robotics.")
@click.option("--k", default=10, show_default=True, type=click.IntRange(min=1),
              help="Number of hits.")
@click.option("--embedder", type=click.Choice(EMBEDDERS), default=None,
              help="Query embedding backend: always the one the DB's vectors were made with; "
                   "naming another is refused.")
@db_option
@format_option("text", "json")
@handle_errors
def search(query, ticker, quarter, from_quarter, to_quarter, doc_type, section, role, topics,
           k, embedder, db, fmt) -> None:
    """Hybrid search (BM25 + embeddings, fused by reciprocal rank) over stored sentences.

    \b
    Examples:
      claimtracker search "demand for our custom AI chips" --ticker AMZN --quarter 2025Q3
      claimtracker search "removing layers" --role management --from 2024Q1 --to 2025Q4 \\
        --format json
    """
    from nlp.embedder import search_backend, use_backend
    from nlp.search import clip_query, render_hits
    from nlp.search import search as run_search

    query, notice = clip_query(query)
    if notice:
        click.echo(notice, err=True)
    with open_store(db, read_only=True) as store:
        use_backend(search_backend(store, embedder))
        hits = run_search(store, query, ticker=ticker, quarter=quarter,
                          from_quarter=from_quarter, to_quarter=to_quarter, doc_type=doc_type,
                          section=section, role=role, topics=topics or None, k=k)
    if fmt == "json":
        echo_json(hits)
    else:
        click.echo(render_hits(hits))


def register(main: click.Group) -> None:
    for command in (enrich, tag, search):
        main.add_command(command)
