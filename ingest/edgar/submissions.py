"""Which filings of a company to fetch, read from EDGAR's submissions JSON (pure functions).

The submissions JSON lists about the last 1000 filings under `filings.recent` and names older
pages under `filings.files` (`CIK0000320193-submissions-001.json`, with filingFrom/filingTo).
We keep 10-Q, 10-K and the 8-Ks that carry Item 2.02 (results of operations): the other 8-Ks
(director changes, debt) say nothing about a quarter's results.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

RESULTS_ITEM = "2.02"
DEFAULT_FORMS = ("10-Q", "10-K", "8-K")


@dataclass(frozen=True)
class FilingRef:
    """One filing as the submissions JSON describes it."""

    accession: str
    cik: int
    form: str
    filed_date: date
    report_date: date | None
    primary_document: str
    items: tuple[str, ...]

    @property
    def items_text(self) -> str:
        return ",".join(self.items)


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def filings_in(block: dict[str, Any], cik: int) -> list[FilingRef]:
    """The filings of one columnar block (`filings.recent` or an extra page)."""
    n = len(block.get("accessionNumber", []))

    def column(name: str) -> list[Any]:
        values = block.get(name) or []
        return list(values) + [None] * (n - len(values))

    refs = []
    for acc, form, filed, report, doc, items in zip(
        column("accessionNumber"),
        column("form"),
        column("filingDate"),
        column("reportDate"),
        column("primaryDocument"),
        column("items"),
        strict=True,
    ):
        filed_date = _date(filed)
        if not acc or not form or filed_date is None:
            continue
        refs.append(
            FilingRef(
                accession=acc,
                cik=cik,
                form=form,
                filed_date=filed_date,
                report_date=_date(report),
                primary_document=doc or "",
                items=tuple(i.strip() for i in (items or "").split(",") if i.strip()),
            )
        )
    return refs


def is_wanted(ref: FilingRef, forms: Iterable[str], since: date | None, until: date | None) -> bool:
    """A requested form (amendments excluded), in the date range; 8-Ks only with Item 2.02."""
    if ref.form not in set(forms):
        return False
    if ref.form == "8-K" and RESULTS_ITEM not in ref.items:
        return False
    if since and ref.filed_date < since:
        return False
    return not (until and ref.filed_date > until)


def extra_pages_needed(submissions: dict[str, Any], since: date | None) -> list[str]:
    """Names of the older pages that hold filings on or after `since` (none without `since`)."""
    recent = submissions.get("filings", {}).get("recent", {})
    dates = [d for d in (_date(x) for x in recent.get("filingDate", [])) if d]
    if since is None or (dates and min(dates) <= since):
        return []
    pages = []
    for page in submissions.get("filings", {}).get("files", []):
        filing_to = _date(page.get("filingTo"))
        if filing_to is None or filing_to >= since:
            pages.append(page["name"])
    return pages


def select(
    blocks: Sequence[dict[str, Any]],
    cik: int,
    forms: Iterable[str],
    since: date | None,
    until: date | None,
) -> list[FilingRef]:
    """Wanted filings of all blocks, oldest first, each accession once."""
    forms = tuple(forms)
    seen: dict[str, FilingRef] = {}
    for block in blocks:
        for ref in filings_in(block, cik):
            if ref.accession not in seen and is_wanted(ref, forms, since, until):
                seen[ref.accession] = ref
    return sorted(seen.values(), key=lambda r: (r.filed_date, r.accession))
