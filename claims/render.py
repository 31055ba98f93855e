"""Plain-text rendering of scored claims: one timeline line per claim, one letter per quarter."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

SYMBOL = {"supported": "+", "contradicted": "-", "mixed": "~", "not_discussed": "."}


def render_timeline(results: list[dict[str, Any]]) -> str:
    """`claim  2015Q4 ....+~+-  2025Q4` and a legend; details are in --format json."""
    by_claim: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in results:
        by_claim[(row.get("article", ""), row["claim_id"])].append(row)
    if not by_claim:
        return "No claims scored (no ledgers, or no data for their tickers)."
    width = max(len(cid) for _, cid in by_claim)
    lines = []
    for (_article, claim_id), rows in by_claim.items():
        rows.sort(key=lambda r: (r["fiscal_year"], r["fiscal_quarter"]))
        marks = "".join(SYMBOL[r["verdict"]] for r in rows)
        counts = {v: sum(1 for r in rows if r["verdict"] == v) for v in SYMBOL}
        lines.append(f"{claim_id:<{width}}  {rows[0]['quarter']} {marks} {rows[-1]['quarter']}  "
                     f"(+{counts['supported']} ~{counts['mixed']} -{counts['contradicted']})")
    lines.append("legend: + supported  ~ mixed  - contradicted  . not discussed")
    return "\n".join(lines)
