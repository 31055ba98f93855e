"""What every page shares: cached read-only queries, safe text rendering, URL state, empty-DB help.

The app never keeps a DuckDB connection open between reruns: a read-only connection would
block an ingest from taking the write lock. Each cached query opens, reads and closes; the
cache key includes the DB file's mtime/size, so new data shows up after any write.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from app_pages.i18n import t, term
from claims.render import VERDICT_COLOURS, VERDICT_MARKS, legend, md_escape
from claimtracker import config
from claimtracker.db import Store
from claimtracker.errors import DatabaseLockedError
from pipeline import views

__all__ = ["VERDICT_COLOURS", "VERDICT_MARKS", "legend"]  # verdict looks: claims.render

STALE_FLAG = "_served_stale_data"



def load_data_howto(db: Path) -> str:
    """How to load data into `db` (markdown; the commands themselves are not translated)."""
    return t("common.load_data_howto", db=db)


# -- the DB --------------------------------------------------------------------------------------
def db_path() -> Path:
    return config.db_path()


def fingerprint() -> tuple[str, int, int, int, int]:
    return views.db_fingerprint(db_path())


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_query(_func: Callable[..., Any], name: str, fp: tuple[str, int, int, int, int],
                  args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...]) -> Any:
    """`_func` is not hashed (leading underscore): `name`, its qualified name, keys the cache."""
    with Store.open(fp[0], read_only=True) as store:
        return _func(store, *args, **dict(kwargs))


@st.cache_resource(show_spinner=False)
def _last_good() -> dict[tuple[Any, ...], Any]:
    """Per server: the latest result of every query, served while a writer holds the lock."""
    return {}


def query(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a read-model function `func(store, *args, **kwargs)`, cached per DB version.

    While an ingest holds the write lock, the last result read for the same query is shown
    (with a notice) instead of an error; only a query never answered before raises.
    """
    fp = fingerprint()
    name = f"{func.__module__}.{func.__qualname__}"
    key = (fp[0], name, args, tuple(sorted(kwargs.items())))
    try:
        result = _cached_query(func, name, fp, args, key[3])
    except DatabaseLockedError:
        if key not in _last_good():
            raise
        st.session_state[STALE_FLAG] = True  # app.py shows the notice above the page
        return _last_good()[key]
    _last_good()[key] = result
    return result


def require_data(*needs: str, what: str = "this page") -> dict[str, int]:
    """Stop the page with a how-to when the DB is missing or lacks the tables it needs.

    `needs` are `views.table_counts` keys, e.g. ("claim_scores",).
    """
    path = db_path()
    if not path.exists():
        st.info(t("common.no_db", path=path, what=what))
        st.markdown(load_data_howto(path))
        st.stop()
    counts: dict[str, int] = query(views.table_counts)
    missing = [n for n in needs if not counts.get(n)]
    if missing:
        st.info(t("common.no_tables", path=path, tables=", ".join(missing), what=what))
        st.markdown(load_data_howto(path))
        st.stop()
    return counts


# -- URL state -----------------------------------------------------------------------------------
def url_choice(name: str, options: list[str], default: str | None = None) -> int:
    """Index into `options` of the value named by `?name=` in the URL (else default, else 0)."""
    wanted = st.query_params.get(name, default)
    return options.index(wanted) if wanted in options else 0


def set_url(**params: Any) -> None:
    """Write the view's state into the URL (None removes a parameter) so it can be shared."""
    for key, value in params.items():
        if value in (None, "", []):
            if key in st.query_params:
                del st.query_params[key]
        elif isinstance(value, list):
            st.query_params[key] = [str(v) for v in value]
        elif st.query_params.get(key) != str(value):
            st.query_params[key] = str(value)


# -- untrusted text ------------------------------------------------------------------------------
_SPACE = re.compile(r"\s+")


_STOP_WORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "by", "do", "for", "from", "has", "have", "how",
    "in", "is", "it", "its", "of", "on", "or", "our", "that", "the", "their", "this", "to",
    "was", "we", "were", "what", "when", "which", "who", "why", "will", "with", "you", "your",
))


def query_terms(query_text: str) -> list[str]:
    """Words of a search query worth highlighting: letters/digits, no stop words, longest first."""
    words = {w for w in re.findall(r"[A-Za-z0-9]+", query_text or "")
             if len(w) > 1 and w.lower() not in _STOP_WORDS}
    return sorted(words, key=len, reverse=True)


def highlight(text: str | None, terms: list[str]) -> str:
    """Escaped markdown of `text` with whole-word matches of `terms` highlighted.

    A term also matches its plural and numbered forms ("chip" -> "chips", "Trainium" ->
    "Trainium2"), never the inside of another word ("ai" in "Trainium").
    """
    if not text:
        return ""
    clean = _SPACE.sub(" ", str(text)).strip()
    if not terms:
        return md_escape(clean)
    alternatives = "|".join(re.escape(t) for t in terms)
    pattern = re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})(?:e?s|\d+)?(?![A-Za-z0-9])",
                         re.IGNORECASE)
    out, pos = [], 0
    for match in pattern.finditer(clean):
        out.append(md_escape(clean[pos:match.start()]))
        out.append(f":orange-background[**{md_escape(match.group(0))}**]")
        pos = match.end()
    out.append(md_escape(clean[pos:]))
    return "".join(out)


def viewer_link(sentence_id: str) -> str:
    """The source viewer's shareable URL (relative) for one sentence."""
    return "?" + urlencode({"page": "source", "sentence": sentence_id})


def source_line(item: dict[str, Any]) -> str:
    """"speaker (role) · document · source viewer · link" as safe markdown; the link only
    for http(s) URLs, the viewer whenever the item names its sentence."""
    who = item.get("speaker") or ""
    role = item.get("role")
    parts = []
    if who or role:
        role = term("role", role) if role else role
        parts.append(md_escape(f"{who} ({role})" if role and who else who or role))
    parts.append(md_escape(item.get("document") or item.get("doc_type") or ""))
    if item.get("sentence_id"):
        parts.append(f"[{t('common.in_context')}]({viewer_link(str(item['sentence_id']))})")
    link = item.get("link") or item.get("url")
    if link and str(link).startswith(("http://", "https://")):
        parts.append(f"[EDGAR]({_url_escape(str(link))})")
    elif link:
        parts.append("`" + str(link).replace("`", "'") + "`")
    return " · ".join(p for p in parts if p)


def markdown_table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """A GitHub-flavoured markdown table with every cell escaped (`|` included).

    Cheaper to draw than st.dataframe (a canvas grid loaded on demand, ~0.5 s in the browser)
    and needs no pandas: the Claims page shows its overview this way, first.
    """
    def cell(value: Any) -> str:
        return md_escape("" if value is None else str(value)) or " "

    lines = ["| " + " | ".join(cell(c) for c in columns) + " |",
             "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(row.get(c)) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


_SPARK = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float], low: float = -1.0, high: float = 1.0) -> str:
    """Unicode block sparkline of values in [low, high] (a score trend in one text cell)."""
    out = []
    for value in values:
        clipped = min(max(float(value), low), high)
        out.append(_SPARK[round((clipped - low) / (high - low) * (len(_SPARK) - 1))])
    return "".join(out)


def _url_escape(url: str) -> str:
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C")


def verdict_name(verdict: str) -> str:
    """A verdict as the reader's language names it (claims.render owns marks and colours)."""
    return term("verdict", verdict)


def verdict_legend(separator: str = " · ") -> str:
    """`🟩 supported · 🟨 mixed · ...` with the verdict names translated."""
    return separator.join(f"{mark} {verdict_name(v)}" for v, mark in VERDICT_MARKS.items())


def fmt_money(value: float | None) -> str:
    if value is None:
        return "–"
    for div, unit in ((1e9, "B"), (1e6, "M")):
        if abs(value) >= div:
            return f"${value / div:,.1f}{unit}"
    return f"${value:,.0f}"
