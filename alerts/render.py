"""Alerts as text: a terminal table, Markdown, and an Atom feed (RFC 4287) a reader can poll.

Why Atom by hand with ElementTree: the feed needs a handful of required elements (feed id,
title, updated; entry id, title, updated) and escaping, which ElementTree does; a feed
library would be a dependency for twenty lines.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any

ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_ID = "urn:claimtracker:alerts"


def _short(text: str | None, width: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def render_table(alerts: list[dict[str, Any]]) -> str:
    if not alerts:
        return "no alerts (run `claimtracker update`, or widen --ticker/--kind/--since)"
    lines = [f"{'quarter':<8} {'ticker':<6} {'kind':<16} {'sev':>4}  title"]
    for a in alerts:
        lines.append(f"{a['quarter']:<8} {a['ticker']:<6} {a['kind']:<16} "
                     f"{a['severity']:>4.2f}  {_short(a['title'], 100)}")
    lines.append(f"{len(alerts)} alert(s)")
    return "\n".join(lines)


def _md_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "\\`*_[]<>|#" else ch for ch in " ".join(text.split()))


def render_markdown(alerts: list[dict[str, Any]]) -> str:
    """One section per company-quarter, alerts by severity, evidence as quotes."""
    if not alerts:
        return "_No alerts._\n"
    out: list[str] = ["# Alerts", ""]
    current = None
    for a in alerts:
        group = (a["ticker"], a["quarter"])
        if group != current:
            out += [f"## {a['ticker']} {a['quarter']}", ""]
            current = group
        out.append(f"- **{_md_escape(a['title'])}** ({a['kind']}, severity "
                   f"{a['severity']:.2f})  ")
        out.append(f"  {_md_escape(a['detail'] or '')}")
        for item in a["evidence"][:4]:
            source = _md_escape(item.get("source") or "")
            url = str(item.get("url") or "")
            link = f" [{source}]({url})" if url.startswith(("http://", "https://")) \
                else f" ({source})"
            out.append(f"  > {_md_escape(_short(item.get('text'), 300))}{link}")
        out.append("")
    return "\n".join(out)


def _iso(stamp: str) -> str:
    """raised_at (naive, DuckDB's current_timestamp is UTC) as RFC 3339."""
    parsed = datetime.fromisoformat(stamp)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.isoformat().replace("+00:00", "Z")


def render_atom(alerts: list[dict[str, Any]], *, now: datetime | None = None) -> str:
    """A valid Atom 1.0 feed, newest alert first; entry ids are stable (urn + alert_id)."""
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None,
            **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    ordered = sorted(alerts, key=lambda a: (a["raised_at"], a["severity"]), reverse=True)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    sub(feed, "id", FEED_ID)
    sub(feed, "title", "claimtracker alerts")
    updated = (_iso(ordered[0]["raised_at"]) if ordered
               else (now or datetime.now(UTC)).replace(microsecond=0).isoformat()
               .replace("+00:00", "Z"))
    sub(feed, "updated", updated)
    author = sub(feed, "author")
    sub(author, "name", "claimtracker")
    sub(feed, "generator", "claimtracker")
    for a in ordered:
        entry = sub(feed, "entry")
        sub(entry, "id", f"{FEED_ID}:{a['alert_id']}")
        sub(entry, "title", f"{a['ticker']} {a['quarter']}: {a['title']}")
        sub(entry, "updated", _iso(a["raised_at"]))
        sub(entry, "category", term=a["kind"])
        lines = [a["detail"] or ""] + [f"\u201c{e.get('text', '')}\u201d ({e.get('source', '')})"
                                       for e in a["evidence"][:4]]
        # RFC 4287 4.1.2: an entry without atom:content needs an alternate link; not every
        # alert has a web page (a local transcript), so the text is the content.
        sub(entry, "content", "\n\n".join(lines), type="text")
        link = next((e["url"] for e in a["evidence"]
                     if str(e.get("url") or "").startswith(("http://", "https://"))), None)
        if link:
            sub(entry, "link", href=link)
    return ET.tostring(feed, encoding="unicode", xml_declaration=True) + "\n"
