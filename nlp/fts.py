"""BM25 over sentences with DuckDB's FTS extension, keeping digits.

DuckDB's default `ignore` pattern drops every non-letter, which would make "Trainium2",
"Trainium 3" and "Trainium" the same word. We index a pre-tokenised column instead:
product names followed by a generation number are glued ("Trainium 3" -> "trainium3"), and
the index keeps [a-z0-9] so "trainium2" != "trainium3" != "trainium". Queries get the same
normalisation, so a search for "Trainium 3" matches "Trainium3" and nothing else.
Scoring happens in memory over this index's postings (`nlp.lexical`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from claimtracker.db import Store

FTS_SCHEMA = "fts_main_sentences"
_IGNORE = r"(\.|[^a-z0-9])+"


def versioned_regex(words: Iterable[str]) -> re.Pattern[str] | None:
    alternatives = "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
    if not alternatives:
        return None
    return re.compile(rf"\b({alternatives})[\s-]+([1-9])\b", re.IGNORECASE)


def fts_text(text: str, versioned: re.Pattern[str] | None) -> str:
    """Lower-cased text with "Trainium 3" glued to "trainium3" (what BM25 indexes)."""
    lowered = text.lower()
    return versioned.sub(r"\1\2", lowered) if versioned else lowered


def rebuild_index(store: Store) -> None:
    """(Re)build the BM25 index over sentences.fts_text; call after sentences changed."""
    store.load_fts()
    store.con.execute(
        "PRAGMA create_fts_index('sentences', 'sentence_id', 'fts_text', "
        f"stemmer = 'porter', stopwords = 'english', ignore = '{_IGNORE}', "
        "strip_accents = 1, lower = 1, overwrite = 1)"
    )


def index_exists(store: Store) -> bool:
    row = store.con.execute(
        "SELECT count(*) FROM information_schema.schemata WHERE schema_name = ?", [FTS_SCHEMA]
    ).fetchone()
    return bool(row and row[0])
