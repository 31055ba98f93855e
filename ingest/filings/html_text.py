"""EDGAR HTML (inline XBRL included) to clean text blocks: prose paragraphs and tables apart.

Filings are laid out with nested <div>s, <font>s and layout tables, and inline XBRL hides a
whole second document inside `<ix:header>`. lxml parses the markup (we never parse tags
ourselves); this module walks the tree once and emits `Block`s: one per paragraph of prose,
one per data table (rows on lines, cells separated by " | "). Single-row or text-only
"layout" tables (Item headings, bullet lists) become prose, so section headings survive.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import lxml.etree
import lxml.html

from claimtracker.errors import ParseError

#: Elements that start and end a paragraph of their own.
_BLOCK_TAGS = frozenset((
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "center",
    "blockquote", "pre", "section", "article", "header", "footer", "title", "dt", "dd", "dl",
    "address", "form", "page",
))
_SKIP_TAGS = frozenset(("script", "style", "head", "ix:header", "xbrli:context", "noscript"))
_SPACE_RE = re.compile(r"[\s\u00a0\u200b\u2009\u202f]+")
_HIDDEN_RE = re.compile(r"display\s*:\s*none", re.IGNORECASE)
_NUMERIC_CELL_RE = re.compile(r"^[\s$€£(]*[\d.,]+[\s)%]*$|^[—–-]$")
_PAGE_FURNITURE_RE = re.compile(r"^(\d{1,3}|[ivx]{1,4}|Table of Contents|Index)$", re.IGNORECASE)
_BULLETS = "•●◦▪■·"


@dataclass(frozen=True)
class Block:
    """A paragraph of prose ('text') or a data table ('table')."""

    kind: str
    text: str


def parse_html(raw: bytes | str, *, name: str = "document") -> lxml.html.HtmlElement:
    """Parse EDGAR HTML/XHTML leniently; raise ParseError naming the input if nothing parses."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", errors="replace")
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, huge_tree=True)
    try:
        root = lxml.html.document_fromstring(raw, parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ParseError(f"{name}: not parseable as HTML ({exc}).") from exc
    return root


def _clean(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip()


def _is_hidden(el: lxml.html.HtmlElement) -> bool:
    style = el.get("style")
    return bool(style) and bool(_HIDDEN_RE.search(style))


class _Walker:
    """One pass over the tree, buffering inline text until a block boundary."""

    def __init__(self, *, drop_furniture: bool = True) -> None:
        self.blocks: list[Block] = []
        self._buf: list[str] = []
        self._drop_furniture = drop_furniture

    def flush(self) -> None:
        if self._buf:
            text = _clean("".join(self._buf)).lstrip(_BULLETS).lstrip()
            self._buf.clear()
            if text and not (self._drop_furniture and _PAGE_FURNITURE_RE.match(text)):
                self.blocks.append(Block("text", text))

    def walk(self, el: lxml.html.HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None or tag in _SKIP_TAGS or _is_hidden(el):
            pass
        elif tag == "table":
            self.flush()
            self._table(el)
        else:
            is_block = tag in _BLOCK_TAGS
            if is_block:
                self.flush()
            if el.text:
                self._buf.append(el.text)
            for child in el:
                self.walk(child)
            if is_block:
                self.flush()
            elif tag in ("td", "th"):
                self._buf.append(" ")
        if el.tail:
            self._buf.append(el.tail)

    def _table(self, table: lxml.html.HtmlElement) -> None:
        rows: list[list[str]] = []
        for tr in table.iter("tr"):
            if _is_hidden(tr):
                continue
            cells = []
            for cell in tr:
                if not isinstance(cell.tag, str) or cell.tag not in ("td", "th"):
                    continue
                inner = _Walker(drop_furniture=False)
                inner.walk_children(cell)
                text = " ".join(b.text for b in inner.blocks)
                if text:
                    cells.append(text)
            cells = _merge_cell_furniture(cells)
            if cells:
                rows.append(cells)
        if not rows:
            return
        if _is_layout_table(rows):
            for cells in rows:
                text = _clean(" ".join(cells).lstrip(_BULLETS))
                if text:
                    self.blocks.append(Block("text", text))
        else:
            self.blocks.append(Block("table", "\n".join(" | ".join(c) for c in rows)))

    def walk_children(self, el: lxml.html.HtmlElement) -> None:
        if el.text:
            self._buf.append(el.text)
        for child in el:
            self.walk(child)
        self.flush()


def _merge_cell_furniture(cells: list[str]) -> list[str]:
    """Glue "$" to the number after it and ")" / "%" to the number before it."""
    out: list[str] = []
    pending_prefix = ""
    for cell in cells:
        if cell in ("$", "€", "£", "(", "$(", "($"):
            pending_prefix += cell
            continue
        if cell in (")", "%", ")%", "%)") and out:
            out[-1] += cell
            continue
        out.append(pending_prefix + cell)
        pending_prefix = ""
    if pending_prefix:
        out.append(pending_prefix)
    return out


def _is_layout_table(rows: list[list[str]]) -> bool:
    """A table used for layout: one row, or no row holding two cells with a number in one."""
    if len(rows) == 1 and len(rows[0]) <= 3 and not any(
        _NUMERIC_CELL_RE.match(c) for c in rows[0][1:]
    ):
        return True
    return not any(
        len(cells) >= 2 and any(_NUMERIC_CELL_RE.match(c) for c in cells) for cells in rows
    )


def html_blocks(root: lxml.html.HtmlElement) -> list[Block]:
    """The document's prose paragraphs and data tables, in reading order."""
    body = root.find("body")
    walker = _Walker()
    walker.walk_children(body if body is not None else root)
    return walker.blocks


def blocks_text(blocks: Iterable[Block]) -> str:
    """The clean text of a document: blocks separated by blank lines."""
    return "\n\n".join(b.text for b in blocks)


def html_to_text(raw: bytes | str, *, name: str = "document") -> str:
    """Convenience: markup in, clean text out."""
    return blocks_text(html_blocks(parse_html(raw, name=name)))
