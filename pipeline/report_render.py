"""Render a claim report as one self-contained file: HTML (opens from disk, no network),
Markdown, or PDF (WeasyPrint from the same HTML, with fonts that show Korean).

Every text from articles, filings and calls is escaped (html.escape, or Markdown-escaped);
charts are the app's Vega-Lite specs (pipeline.charts) rendered offline to inline SVG by
vl-convert, so the HTML and the PDF carry their images inside them.
"""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from typing import Any

from claims.compare import format_value
from claims.render import VERDICT_STYLE
from pipeline import charts
from pipeline.report_data import ClaimReport, Report

_FONTS = "'Noto Sans', 'NanumGothic', 'Nanum Gothic', 'Noto Sans CJK KR', sans-serif"
_CSS = f"""
body {{ font-family: {_FONTS}; max-width: 60em; margin: 2em auto; color: #222; }}
h1 {{ font-size: 1.6em; }} h2 {{ margin-top: 2em; border-bottom: 1px solid #ccc; }}
table {{ border-collapse: collapse; margin: .5em 0; font-size: .9em; }}
td, th {{ border: 1px solid #ccc; padding: .2em .5em; text-align: left; vertical-align: top; }}
blockquote {{ color: #555; border-left: 3px solid #ccc; margin: .5em 0; padding-left: 1em; }}
.verdict {{ font-weight: bold; }} .meta {{ color: #666; font-size: .85em; }}
.chart svg {{ max-width: 100%; height: auto; }}
@page {{ size: A4; margin: 1.5cm; }}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _verdict(verdict: str | None) -> str:
    style = VERDICT_STYLE.get(verdict or "")
    if style is None:
        return "–"
    return f'<span class="verdict" style="color:{style.colour}">{_e(style.label)}</span>'


def claim_chart_spec(item: ClaimReport) -> dict[str, Any]:
    """Score, attention and (when the claim has one) the metric by quarter, layered."""
    rows = [{"quarter": f"{s['ticker']} {s['quarter']}", "score": s["score"],
             "attention": s["attention"], "verdict": s["verdict"],
             "metric": (s["metric"] or {}).get("value") if isinstance(s["metric"], dict)
             else None} for s in item.scores]
    order = [r["quarter"] for r in rows]
    score = charts.by_quarter(
        mark="bar", y="score", y_title="Score", title=f"{item.claim['claim_id']}: score",
        quarters=order, y_domain=(-1, 1),
        colour=charts.category_colours("verdict", {v: s.colour for v, s in
                                                   VERDICT_STYLE.items()}, "Verdict"),
        tooltip=[charts.tip("quarter"), charts.tip("verdict")])
    panels = [score]
    if any(r["attention"] is not None for r in rows):
        panels.append(charts.by_quarter(mark="line", y="attention", y_title="Attention",
                                        title="attention (share of management sentences)",
                                        quarters=order, tooltip=[charts.tip("quarter")]))
    if any(r["metric"] is not None for r in rows):
        panels.append(charts.by_quarter(mark="line", y="metric",
                                        y_title=str(item.claim.get("metric")),
                                        title=f"reported {item.claim.get('metric')}",
                                        quarters=order, tooltip=[charts.tip("quarter")]))
    for panel in panels:
        panel.update(width=520, height=120)
    return {"data": {"values": rows}, "vconcat": panels}


def svg_chart(spec: dict[str, Any]) -> str:
    """The spec as inline SVG (vl-convert runs Vega in-process: no browser, no network).
    Memoised by the spec's JSON: the HTML and the PDF of one report (the app offers both)
    draw the same charts, and each takes about a second."""
    return _svg(json.dumps(spec, sort_keys=True, default=str))


@lru_cache(maxsize=256)
def _svg(spec_json: str) -> str:
    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(json.loads(spec_json))
    return re.sub(r"^<\?xml[^>]*>\s*", "", svg)


def _claim_html(item: ClaimReport) -> str:
    c = item.claim
    parts = [f"<h2 id=\"{_e(c['claim_id'])}\">{_e(c['claim_id'])}: {_e(c['statement'])}</h2>"]
    if item.quote:
        parts.append(f"<blockquote>{_e(item.quote)}</blockquote>")
    latest = item.latest or {}
    parts.append(f"<p>Latest verdict: {_verdict(latest.get('verdict'))} "
                 f"({_e(latest.get('ticker'))} {_e(latest.get('quarter'))}) · "
                 f"<span class=\"meta\">kind {_e(c.get('kind'))}, metric "
                 f"{_e(c.get('metric') or '–')} expected {_e(c.get('direction') or '–')}, "
                 f"horizon {_e(c.get('horizon') or '–')}</span></p>")
    if item.scores:
        parts.append(f"<div class=\"chart\">{svg_chart(claim_chart_spec(item))}</div>")
    if item.numbers:
        parts.append("<h3>Reported numbers</h3><table><tr><th>quarter</th><th>value</th>"
                     "<th>YoY</th><th>QoQ</th><th>source</th></tr>")
        for n in item.numbers:
            parts.append(f"<tr><td>{_e(n['ticker'])} {_e(n['quarter'])}</td>"
                         f"<td>{_e(fmt_value(n['value'], n['unit']))}</td>"
                         f"<td>{_e(fmt_value(n['yoy'], n['change_unit']))}</td>"
                         f"<td>{_e(fmt_value(n['qoq'], n['change_unit']))}</td>"
                         f"<td>{_e(n['source'])} {_e(n['accession'] or '')}</td></tr>")
        parts.append("</table>")
    for quarter, rows in item.evidence.items():
        parts.append(f"<h3>Evidence, {_e(quarter)}</h3><ol>")
        for r in rows:
            link = (f' · <a href="{_e(r["link"])}">EDGAR</a>' if r.get("link_is_url")
                    else f' · <span class="meta">{_e(r.get("link") or "")}</span>')
            who = f"{r.get('speaker') or ''} ({r.get('role')})" if r.get("role") else ""
            parts.append(f"<li>{_e(r['text'])}<br><span class=\"meta\">{_e(r['stance'])} · "
                         f"{_e(who)} {_e(r['document'])}{link}</span></li>")
        parts.append("</ol>")
    return "\n".join(parts)


def fmt_value(value: Any, unit: str | None) -> str:
    """claims.compare.format_value (the one formatting of metric values), with a dash for none."""
    return "–" if value is None else format_value(float(value), unit or "")


def render_html(report: Report) -> str:
    a = report.article
    rows = "".join(
        f"<tr><td><a href=\"#{_e(i.claim['claim_id'])}\">{_e(i.claim['claim_id'])}</a></td>"
        f"<td>{_e(i.claim['statement'])}</td><td>{_verdict((i.latest or {}).get('verdict'))}"
        f"</td><td>{_e(' '.join(VERDICT_STYLE[p['verdict']].symbol for p in i.claim['timeline']))}"
        f"</td></tr>" for i in report.claims)
    coverage = "".join(
        f"<tr><td>{_e(r['ticker'])}</td><td>{_e(r['quarter'])}</td><td>{r['10-K']}</td>"
        f"<td>{r['10-Q']}</td><td>{r['8-K']}</td><td>{r['calls']}</td><td>{r['sentences']}</td>"
        "</tr>" for r in report.coverage)
    legend = ", ".join(f"{s.symbol} {s.label}" for s in VERDICT_STYLE.values())
    return f"""<!DOCTYPE html>
<html lang="{_e(a.get('language') or 'en')}"><head><meta charset="utf-8">
<title>{_e(a.get('title') or a['article_id'])}: claims checked</title><style>{_CSS}</style>
</head><body>
<h1>{_e(a.get('title') or a['article_id'])}</h1>
<p class="meta">Source {_e(a.get('source') or '–')} · published {_e(a.get('published') or '–')}
· language {_e(a.get('language') or '–')} · {len(report.claims)} claims</p>
<table><tr><th>claim</th><th>statement</th><th>latest verdict</th>
<th>timeline ({_e(legend)})</th></tr>{rows}</table>
{''.join(_claim_html(i) for i in report.claims)}
<h2>Data coverage</h2><table><tr><th>company</th><th>quarter</th><th>10-K</th><th>10-Q</th>
<th>8-K</th><th>calls</th><th>sentences</th></tr>{coverage}</table>
<h2>How verdicts are made</h2><p>{_e(report.method)}</p>
<p class="meta">Generated {_e(report.generated)} by claimtracker from {_e(report.db)}.</p>
</body></html>
"""


def render_pdf(report: Report) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(report)).write_pdf()
