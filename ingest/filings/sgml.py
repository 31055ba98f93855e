"""SEC SGML submissions (`full-submission.txt`, `<accession>.txt`): header fields and documents.

A submission is `<SEC-HEADER>` (KEY: value lines) followed by `<DOCUMENT>` blocks, each with
`<TYPE>`, `<SEQUENCE>`, `<FILENAME>`, `<DESCRIPTION>` and a `<TEXT>` body. Downloads get cut
short (the Amazon 8-Ks in ../shared are), so a document without its closing `</DOCUMENT>` is
kept and flagged `truncated` instead of throwing the whole filing away. The SGML markers are
line-oriented and fixed by EDGAR, so plain byte searches find them; the HTML inside a body
is left to lxml (ingest.html_text).
"""

from __future__ import annotations

import hashlib
import mmap
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from claimtracker.errors import ParseError

#: 8-K item titles as the SGML header spells them (ITEM INFORMATION), mapped to item numbers.
ITEM_CODES = {
    "entry into a material definitive agreement": "1.01",
    "termination of a material definitive agreement": "1.02",
    "completion of acquisition or disposition of assets": "2.01",
    "results of operations and financial condition": "2.02",
    "creation of a direct financial obligation or an obligation under an off-balance sheet "
    "arrangement of a registrant": "2.03",
    "costs associated with exit or disposal activities": "2.05",
    "material impairments": "2.06",
    "amendments to articles of incorporation or bylaws; change in fiscal year": "5.03",
    "submission of matters to a vote of security holders": "5.07",
    "regulation fd disclosure": "7.01",
    "other events": "8.01",
    "financial statements and exhibits": "9.01",
}
_DEPARTURE_PREFIX = "departure of directors or certain officers"

#: What `parse_submission` reads: a file's bytes or an mmap of the file.
Buffer = bytes | mmap.mmap
#: Bytes searched for a document's tags when it has no <TEXT> (tags come first).
_HEAD_BYTES = 65536
_TAG_LINE_RE = re.compile(rb"^<(TYPE|SEQUENCE|FILENAME|DESCRIPTION)>(.*)$", re.MULTILINE)
_HEADER_LINE_RE = re.compile(r"^\s*([A-Z][A-Z0-9 \-/()]*?):\s*(.*?)\s*$")


@dataclass
class SgmlDocument:
    """One `<DOCUMENT>` of a submission; `body` is the raw bytes inside `<TEXT>`."""

    type: str
    sequence: int
    filename: str | None
    description: str | None
    body: bytes
    truncated: bool = False
    #: Bytes of the whole body in the file (`body` holds fewer when `oversized`).
    size: int = 0
    #: The body was longer than the bound and `body` holds only its first bytes.
    oversized: bool = False
    #: sha256 of the whole body (None: hash `body`).
    digest: str | None = None

    @property
    def is_uuencoded(self) -> bool:
        """Graphics, zips and spreadsheets are uuencoded: no text to extract."""
        return self.body.lstrip()[:6] == b"begin "


@dataclass
class Submission:
    """Header fields of a submission and its documents, in file order."""

    accession: str
    form: str
    cik: int | None
    company_name: str | None
    fiscal_year_end: str | None
    period_of_report: date | None
    filed_date: date | None
    items: list[str] = field(default_factory=list)
    documents: list[SgmlDocument] = field(default_factory=list)

    @property
    def truncated(self) -> bool:
        return any(d.truncated for d in self.documents)

    @property
    def oversized(self) -> list[SgmlDocument]:
        return [d for d in self.documents if d.oversized]


def looks_like_submission(head: bytes) -> bool:
    """True if the first bytes of a file are those of an SGML submission."""
    return b"<SEC-HEADER>" in head or b"<SEC-DOCUMENT>" in head or b"<IMS-HEADER>" in head


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return datetime.strptime(value.strip()[:8], "%Y%m%d").date()
    except ValueError:
        return None


def item_code(title: str) -> str | None:
    """'Results of Operations and Financial Condition' -> '2.02' (None when unknown)."""
    key = title.strip().lower()
    if key.startswith(_DEPARTURE_PREFIX):
        return "5.02"
    return ITEM_CODES.get(key)


def parse_header(text: str) -> dict[str, list[str]]:
    """KEY: value lines of `<SEC-HEADER>`; repeated keys (ITEM INFORMATION) keep every value."""
    fields: dict[str, list[str]] = {}
    for line in text.splitlines():
        match = _HEADER_LINE_RE.match(line)
        if match and match.group(2):
            fields.setdefault(match.group(1).strip(), []).append(match.group(2))
    return fields


def _document(raw: Buffer, start: int, stop: int, name: str,
              max_bytes: int | None) -> SgmlDocument:
    """The document between offsets `start` and `stop` of `raw`, read by offsets so that only
    its tags and (at most `max_bytes` of) its body are copied out of the file."""
    tags: dict[str, str] = {}
    text_at = raw.find(b"<TEXT>", start, stop)
    head = raw[start:text_at if text_at >= 0 else min(stop, start + _HEAD_BYTES)]
    for match in _TAG_LINE_RE.finditer(head):
        tags.setdefault(match.group(1).decode(), match.group(2).decode("utf-8", "replace").strip())
    closed = raw.find(b"</DOCUMENT>", start, stop) >= 0
    body_start = body_end = stop
    if text_at >= 0:
        body_start = text_at + len(b"<TEXT>")
        end = raw.rfind(b"</TEXT>", body_start, stop)
        closed = closed and end >= 0
        body_end = end if end >= 0 else stop
    size = body_end - body_start
    oversized = max_bytes is not None and size > max_bytes
    if oversized:
        body = _strip_wrapper(raw[body_start:body_start + max_bytes])
        with memoryview(raw) as view, view[body_start:body_end] as whole:
            digest = hashlib.sha256(whole).hexdigest()  # hashed in place, not copied
    else:
        body = _strip_wrapper(raw[body_start:body_end])
        digest = hashlib.sha256(body).hexdigest()
    try:
        sequence = int(tags.get("SEQUENCE", "0") or 0)
    except ValueError as exc:
        raise ParseError(f"{name}: document <SEQUENCE> {tags.get('SEQUENCE')!r} is not a number.") \
            from exc
    return SgmlDocument(
        type=tags.get("TYPE", "UNKNOWN") or "UNKNOWN",
        sequence=sequence,
        filename=tags.get("FILENAME") or None,
        description=tags.get("DESCRIPTION") or None,
        body=body,
        truncated=not closed,
        size=size,
        oversized=oversized,
        digest=digest,
    )


def _strip_wrapper(body: bytes) -> bytes:
    """Drop EDGAR's <XBRL>/<XML>/<PDF> wrapper lines around a document body."""
    stripped = body.strip()
    for tag in (b"XBRL", b"XML", b"PDF"):
        opening, closing = b"<" + tag + b">", b"</" + tag + b">"
        if stripped.startswith(opening):
            stripped = stripped[len(opening):]
            end = stripped.rfind(closing)
            if end >= 0:
                stripped = stripped[:end]
            return stripped.strip()
    return body


def parse_submission(raw: Buffer, *, name: str = "submission",
                     max_document_bytes: int | None = None) -> Submission:
    """Parse a whole (or cut-short) submission; raise ParseError naming `name` if it is none.

    `raw` may be the file's bytes or an mmap of it. A document body longer than
    `max_document_bytes` keeps only its first bytes and is flagged `oversized` (its `size` and
    `digest` still describe the whole body): a 200 MB document must not be held, parsed and
    stored whole.
    """
    start = raw.find(b"<SEC-HEADER>")
    if start < 0:
        start = raw.find(b"<IMS-HEADER>")
    end = raw.find(b"</SEC-HEADER>")
    if end < 0:
        end = raw.find(b"</IMS-HEADER>")
    if start < 0 or end < 0:
        raise ParseError(f"{name}: no <SEC-HEADER> block, so not an EDGAR submission.")
    header = parse_header(bytes(raw[start:end]).decode("utf-8", "replace"))

    def first(key: str) -> str | None:
        values = header.get(key)
        return values[0] if values else None

    accession = first("ACCESSION NUMBER")
    form = first("CONFORMED SUBMISSION TYPE") or first("FORM TYPE")
    if not accession or not form:
        raise ParseError(f"{name}: the SEC header has no ACCESSION NUMBER or SUBMISSION TYPE.")
    cik_text = first("CENTRAL INDEX KEY")
    items = [code for title in header.get("ITEM INFORMATION", []) if (code := item_code(title))]
    submission = Submission(
        accession=accession.strip(),
        form=form.strip(),
        cik=int(cik_text) if cik_text and cik_text.isdigit() else None,
        company_name=first("COMPANY CONFORMED NAME"),
        fiscal_year_end=first("FISCAL YEAR END"),
        period_of_report=_date(first("CONFORMED PERIOD OF REPORT")),
        filed_date=_date(first("FILED AS OF DATE")),
        items=items,
    )
    marker = b"<DOCUMENT>"
    starts = []
    at = raw.find(marker, end)
    while at >= 0:
        starts.append(at + len(marker))
        at = raw.find(marker, at + len(marker))
    stops = [s - len(marker) for s in starts[1:]] + [len(raw)]
    for doc_start, doc_stop in zip(starts, stops, strict=True):
        submission.documents.append(_document(raw, doc_start, doc_stop, name,
                                              max_document_bytes))
    return submission
