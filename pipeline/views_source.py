"""Read model of the source viewer: a cited sentence inside the turn or section that holds it.

Why a viewer: a transcript's "link" is a local file path a colleague cannot open, and an EDGAR
document is hundreds of pages; the reader wants the sentence where it was said, who said it,
and what came just before and after. The sentence's link is `nlp.provenance.source_link`
(the same as everywhere), and the document label is the Claims page's.
"""

from __future__ import annotations

from typing import Any

from claimtracker.db import Store
from claimtracker.quarters import FiscalQuarter
from nlp.provenance import is_management, is_web_link, source_link
from pipeline.views_claims import document_label

#: Sentences shown on each side of the cited one (a whole call turn is shown when shorter).
CONTEXT = 6


def source_context(store: Store, sentence_id: str, *,
                   context: int = CONTEXT) -> dict[str, Any] | None:
    """The sentence, its document, speaker and link, and its neighbours in the same source
    (`cited` marks it); None when the DB has no such sentence."""
    row = store.con.execute(
        """
        SELECT s.sentence_id, s.source_kind, s.source_id, s.ord, s.text, s.ticker,
               s.fiscal_year, s.fiscal_quarter, s.doc_type, s.section, s.speaker, s.role,
               s.accession, coalesce(d.url, f.url) AS url, f.form, f.filed_date,
               c.source_files, c.title, c.call_date, sec.item_code, sec.title AS section_title,
               (SELECT count(*) FROM sentences o WHERE o.source_id = s.source_id) AS n
        FROM sentences s
        LEFT JOIN sections sec ON s.source_kind = 'section' AND sec.section_id = s.source_id
        LEFT JOIN documents d ON d.document_id = sec.document_id
        LEFT JOIN filings f ON f.accession = s.accession
        LEFT JOIN calls c ON c.call_id = s.call_id
        WHERE s.sentence_id = ?
        """, [sentence_id]).fetchone()
    if row is None:
        return None
    (sid, source_kind, source_id, ord_, text, ticker, year, quarter, doc_type, section,
     speaker, role, accession, url, form, filed, files, call_title, call_date,
     item_code, section_title, n) = row
    neighbours = store.con.execute(
        "SELECT sentence_id, ord, text FROM sentences WHERE source_id = ? "
        "AND ord BETWEEN ? AND ? ORDER BY ord",
        [source_id, ord_ - context, ord_ + context]).fetchall()
    link = source_link(url, files, section)
    return {
        "sentence_id": sid, "text": text, "ticker": ticker,
        "quarter": str(FiscalQuarter(year, quarter)) if year and quarter else None,
        "doc_type": doc_type, "speaker": speaker, "role": role,
        "management": is_management({"role": role, "doc_type": doc_type}),
        "document": document_label(doc_type, form, accession, filed, call_title, call_date),
        "where": _where(source_kind, section, item_code, section_title),
        "link": link, "link_is_url": is_web_link(link),
        "sentences_in_source": n,
        "first_shown": neighbours[0][1] if neighbours else ord_,
        "sentences": [{"sentence_id": s, "ord": o, "text": t, "cited": s == sid}
                      for s, o, t in neighbours],
    }


def _where(source_kind: str, section: str | None, item_code: str | None,
           section_title: str | None) -> str:
    """'Prepared remarks' / 'Q&A' for a call turn (an Event Brief's summary says it is one),
    the Item and its title for a filing."""
    if source_kind == "turn":
        return {"prepared": "Prepared remarks", "qa": "Q&A",
                "summary": "Prepared remarks, vendor's summary (not verbatim)"
                }.get(section or "", section or "")
    parts = [p for p in (item_code, section_title) if p]
    return " · ".join(dict.fromkeys(parts))
