"""How verdicts look, everywhere: the one table of labels, text symbols, marks and colours,
and the plain-text timeline of scored claims (one letter per quarter).

The CLI's timeline, the app's overview marks, chart colours and legends all read VERDICT_STYLE,
so a verdict is never green in one place and amber in another.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any, NamedTuple


class VerdictStyle(NamedTuple):
    label: str    # what people read
    symbol: str   # one ASCII letter in the CLI's timeline
    mark: str     # one coloured square in the app's timeline
    colour: str   # chart colour (hex)


#: Every verdict in legend order.
VERDICT_STYLE: dict[str, VerdictStyle] = {
    "supported": VerdictStyle("supported", "+", "🟩", "#2e7d32"),
    "mixed": VerdictStyle("mixed", "~", "🟨", "#f9a825"),
    "contradicted": VerdictStyle("contradicted", "-", "🟥", "#c62828"),
    "not_discussed": VerdictStyle("not discussed", ".", "⬜", "#9e9e9e"),
}
SYMBOL = {verdict: style.symbol for verdict, style in VERDICT_STYLE.items()}
VERDICT_MARKS = {verdict: style.mark for verdict, style in VERDICT_STYLE.items()}
VERDICT_COLOURS = {verdict: style.colour for verdict, style in VERDICT_STYLE.items()}


def legend(field: str = "symbol", separator: str = "  ") -> str:
    """`+ supported  ~ mixed ...` (or with the app's marks): the legend of a timeline."""
    return separator.join(f"{getattr(style, field)} {style.label}"
                          for style in VERDICT_STYLE.values())


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
    lines.append("legend: " + legend())
    return "\n".join(lines)


_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"
                       r"|(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_LINE_MARK = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-+*]\s+|\d+[.)]\s+)", re.MULTILINE)


def plain_quote(text: str | None) -> str:
    """An article's markdown quote as the text a reader saw: `**bold**`, `*em*`, links,
    headings and list or quote marks removed (the ledger keeps the verbatim quote)."""
    if not text:
        return ""
    text = _LINK.sub(r"\1", str(text))
    text = _LINE_MARK.sub("", text)
    for _ in range(2):  # nested emphasis, e.g. ***both***
        text = _EMPHASIS.sub(lambda m: m.group(2) or m.group(3) or "", text)
    return text.replace("`", "")


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'^])")
_SPACE = re.compile(r"\s+")


def md_escape(text: str | None) -> str:
    """Filing/transcript text made inert for st.markdown: every markdown/HTML character escaped.

    Whitespace runs become one space (kept at the ends, so escaped pieces can be joined).
    Backslash-escaping ASCII punctuation is CommonMark's own literal form, so `<script>`
    renders as the text "<script>", and `:red[...]`, links, images and LaTeX never trigger.
    """
    if not text:
        return ""
    return _MD_SPECIAL.sub(r"\\\1", _SPACE.sub(" ", str(text)))
