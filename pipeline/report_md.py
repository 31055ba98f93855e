"""A claim report as Markdown: the HTML report's content for wikis, notes and git.

Charts are left out (Markdown has no inline SVG that every viewer shows); the verdict
timeline is written with the CLI's one-letter symbols instead. All article, filing and call
text is Markdown-escaped (claims.render.md_escape), so a quote can never become markup.
"""

from __future__ import annotations

from claims.render import VERDICT_STYLE, md_escape
from pipeline.report_data import ClaimReport, Report
from pipeline.report_render import fmt_value


def _cell(value: object) -> str:
    return md_escape("" if value is None else str(value)) or " "


def _label(verdict: str | None) -> str:
    style = VERDICT_STYLE.get(verdict or "")
    return style.label if style else "–"


def _attention(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def _claim(item: ClaimReport) -> list[str]:
    c = item.claim
    latest = item.latest or {}
    out = [f"## {md_escape(c['claim_id'])}: {md_escape(c['statement'])}", ""]
    if item.quote:
        out += [f"> {md_escape(item.quote)}", ""]
    out += [f"Latest verdict: **{_label(latest.get('verdict'))}** "
            f"({md_escape(str(latest.get('ticker') or ''))} "
            f"{md_escape(str(latest.get('quarter') or ''))})", ""]
    if item.scores:
        out += ["| quarter | verdict | score | attention |", "|---|---|---|---|"]
        out += [f"| {_cell(s['ticker'] + ' ' + s['quarter'])} | {_label(s['verdict'])} | "
                f"{s['score']:+.2f} | {_attention(s['attention'])} |" for s in item.scores]
        out.append("")
    if item.numbers:
        out += ["| quarter | value | YoY | source |", "|---|---|---|---|"]
        out += [f"| {_cell(n['ticker'] + ' ' + n['quarter'])} | "
                f"{_cell(fmt_value(n['value'], n['unit']))} | "
                f"{_cell(fmt_value(n['yoy'], n['change_unit']))} | {_cell(n['source'])} |"
                for n in item.numbers]
        out.append("")
    for quarter, rows in item.evidence.items():
        out += [f"### Evidence, {md_escape(quarter)}", ""]
        for r in rows:
            link = r.get("link") or ""
            where = f"[EDGAR](<{link}>)" if r.get("link_is_url") else f"`{link}`"
            who = f"{r.get('speaker') or ''} ({r.get('role')}) · " if r.get("role") else ""
            out.append(f"1. {md_escape(r['text'])}  \n   *{md_escape(r['stance'])} · "
                       f"{md_escape(who + str(r['document']))}* · {where}")
        out.append("")
    return out


def render_markdown(report: Report) -> str:
    a = report.article
    lines = [f"# {md_escape(a.get('title') or a['article_id'])}", "",
             f"Source {_cell(a.get('source'))} · published {_cell(a.get('published'))} · "
             f"language {_cell(a.get('language'))} · {len(report.claims)} claims", "",
             "| claim | statement | latest verdict | timeline |", "|---|---|---|---|"]
    for item in report.claims:
        timeline = " ".join(VERDICT_STYLE[p["verdict"]].symbol for p in item.claim["timeline"])
        lines.append(f"| {_cell(item.claim['claim_id'])} | {_cell(item.claim['statement'])} | "
                     f"{_label((item.latest or {}).get('verdict'))} | `{timeline}` |")
    lines.append("")
    for item in report.claims:
        lines += _claim(item)
    lines += ["## Data coverage", "", "| company | quarter | 10-K | 10-Q | 8-K | calls | "
              "sentences |", "|---|---|---|---|---|---|---|"]
    lines += [f"| {_cell(r['ticker'])} | {_cell(r['quarter'])} | {r['10-K']} | {r['10-Q']} | "
              f"{r['8-K']} | {r['calls']} | {r['sentences']} |" for r in report.coverage]
    lines += ["", "## How verdicts are made", "", md_escape(report.method), "",
              f"*Generated {report.generated} by claimtracker from {md_escape(report.db)}.*", ""]
    return "\n".join(lines)
