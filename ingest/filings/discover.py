"""Find the filings in a local folder of EDGAR files, in either layout, without double counting.

Layouts:
  sec-edgar-downloader  <TICKER>/<FORM>/<ACCESSION>/full-submission.txt | primary-document.html
  EDGAR mirror          .../Archives/edgar/data/<cik>/<accession without dashes>/<files>
A folder named after an accession is one filing. If it holds a whole SGML submission, that
is the filing and its separately saved documents are covered by it; else its inline-XBRL
HTML document(s); else an XBRL instance. Files EDGAR serves that are not filings (JSON APIs,
daily indexes, -index.html pages, linkbases, error pages) are skipped with a reason; anything
else that is not an EDGAR document (binary, empty, plain HTML) is a failure naming the file.
So is what cannot be read at all (a symlink loop, a dangling link, no permission, a pipe):
the walk goes on without it, so one bad file never stops the run.
company_tickers.json and submissions JSON found on the way are read for tickers, names,
fiscal year ends and filing dates; companyfacts JSON files are listed for `ingest_dir` to merge.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG
from typing import Any

from claimtracker.errors import InputError
from ingest.filings.sgml import looks_like_submission
from ingest.filings.xbrl import is_instance

log = logging.getLogger(__name__)

ACCESSION_RE = re.compile(r"^\d{10}-\d{2}-\d{6}$")
_ACCESSION_NODASH_RE = re.compile(r"^\d{18}$")
_LINKBASE_RE = re.compile(r"(_(cal|def|lab|pre)\.xml|\.xsd)$", re.IGNORECASE)
_AUXILIARY_EXT = {".jpg", ".jpeg", ".gif", ".png", ".pdf", ".xlsx", ".zip", ".js", ".css"}
_HTML_EXT = {".htm", ".html"}
_EDGAR_PAGE_TITLES = (b"sec.gov |", b"edgar filing documents", b"company information",
                      b"edgar full text search", b"edgar search")
_SNIFF = 4096
_FACTS_KEY_RE = re.compile(rb'"entityName"\s*:\s*"[^"]*"\s*,\s*"facts"\s*:')


@dataclass
class Unit:
    """One filing to parse: its main file, further documents, and files it makes redundant."""

    kind: str  # submission | primary_document | xbrl_instance
    main: Path
    extra: list[Path] = field(default_factory=list)
    covered: list[Path] = field(default_factory=list)
    accession: str | None = None
    cik: int | None = None
    ticker: str | None = None
    form_hint: str | None = None

    @property
    def files(self) -> list[Path]:
        return [self.main, *self.extra]


@dataclass
class Catalog:
    """Everything found under a folder."""

    units: list[Unit] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)
    tickers: dict[int, tuple[str, str | None]] = field(default_factory=dict)  # cik -> ticker, name
    companies: dict[int, dict[str, Any]] = field(default_factory=dict)  # submissions JSON
    filing_meta: dict[str, dict[str, Any]] = field(default_factory=dict)  # accession -> JSON row
    companyfacts: list[Path] = field(default_factory=list)  # companyfacts JSON files


def dashed(accession_nodash: str) -> str:
    return f"{accession_nodash[:10]}-{accession_nodash[10:12]}-{accession_nodash[12:]}"


def unreadable_reason(exc: OSError, path: Path) -> str:
    """What an OSError on `path` means to a user, and what to do about it."""
    if exc.errno == errno.ELOOP:
        return f"symbolic link loop ({exc.strerror}): skipped; fix or remove the link"
    if path.is_symlink() and not path.exists():
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        return f"dangling symbolic link to {target} (no such file): skipped; fix or remove the link"
    if isinstance(exc, PermissionError):
        return f"not readable ({exc.strerror}): skipped; check its permissions"
    return f"cannot be read ({exc.strerror or exc}): skipped"


def _probe(path: Path) -> str | None:
    """Why a file found by the walk cannot be read (None when it can): checked before any
    parser opens it, so a bad file is named in the summary instead of ending the run."""
    try:
        if not S_ISREG(path.stat().st_mode):
            return "not a regular file (a pipe, socket or device): skipped"
        with path.open("rb") as fh:
            fh.read(1)
    except OSError as exc:
        return unreadable_reason(exc, path)
    return None


def _head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(_SNIFF)


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        log.warning("%s: unreadable JSON (%s); ignored", path, exc)
        return None


def is_companyfacts(path: Path) -> bool:
    """EDGAR's companyfacts JSON (`{"cik": ..., "entityName": ..., "facts": {...}}`)."""
    if "companyfacts" in path.parts:
        return True
    return re.match(r"cik\d{10}\.json$", path.name.lower()) is not None and \
        _FACTS_KEY_RE.search(_head(path)) is not None


def _read_metadata(path: Path, catalog: Catalog) -> str:
    """Harvest tickers / submissions JSON; return the reason the file itself is skipped."""
    name = path.name.lower()
    if name == "company_tickers.json":
        data = _load_json(path)
        if isinstance(data, dict):
            for row in data.values():
                if isinstance(row, dict) and "cik_str" in row and "ticker" in row:
                    listing = (row["ticker"], row.get("title"))
                    catalog.tickers.setdefault(int(row["cik_str"]), listing)
        return "EDGAR ticker list (used for CIK -> ticker)"
    if "submissions" in path.parts or re.match(r"cik\d{10}(-submissions-\d+)?\.json$", name):
        data = _load_json(path)
        if isinstance(data, dict):
            recent = data.get("filings", {}).get("recent") if "filings" in data else data
            if "cik" in data:
                cik = int(data["cik"])
                catalog.companies[cik] = {
                    "name": data.get("name"),
                    "ticker": (data.get("tickers") or [None])[0],
                    "fiscal_year_end": data.get("fiscalYearEnd"),
                }
            if isinstance(recent, dict) and "accessionNumber" in recent:
                keys = list(recent)
                for i, accession in enumerate(recent["accessionNumber"]):
                    catalog.filing_meta[accession] = {k: recent[k][i] for k in keys
                                                      if i < len(recent[k])}
            return "EDGAR submissions JSON (used for filing dates)"
    return "JSON file (not a filing)"


def _classify_loose(path: Path, catalog: Catalog) -> Unit | None:
    """A file outside an accession folder: a submission, a skip, or a failure."""
    suffix = path.suffix.lower()
    name = path.name.lower()
    if suffix == ".json":
        if is_companyfacts(path):
            catalog.companyfacts.append(path)  # merged into facts after the filings
        else:
            catalog.skipped.append((path, _read_metadata(path, catalog)))
        return None
    if suffix == ".idx" or name.endswith((".idx.gz", ".z")):
        catalog.skipped.append((path, "EDGAR daily/full index (not a filing)"))
        return None
    if name.endswith(("-index.html", "-index.htm", "-index-headers.html")):
        catalog.skipped.append((path, "EDGAR filing index page (not a filing)"))
        return None
    if suffix in (".yaml", ".yml", ".md", ".tsv", ".csv") or name.startswith("."):
        catalog.skipped.append((path, "not an EDGAR file"))
        return None
    if _LINKBASE_RE.search(name):
        catalog.skipped.append((path, "XBRL schema/linkbase (facts come from the instance)"))
        return None
    head = _head(path)
    if looks_like_submission(head):
        return Unit("submission", path)
    reason = non_filing_reason(head, path)
    if reason is None:
        if b"ix:header" in path.read_bytes():
            reason = ("inline XBRL document outside a folder named after its accession: "
                      "move it into <accession>/ so it can be filed")
        elif suffix in _HTML_EXT or b"<html" in head.lower():
            reason = "HTML without an SEC header or inline XBRL, not an EDGAR document"
        else:
            reason = "no SEC header, not an EDGAR document"
    (catalog.skipped if reason.startswith("EDGAR web page") else catalog.failed) \
        .append((path, reason))
    return None


def non_filing_reason(head: bytes, path: Path) -> str | None:
    """Why a file cannot be an EDGAR filing document, or None if it might be one."""
    if not head.strip():
        return "empty file"
    if b"\x00" in head:
        return "binary file, not an EDGAR document"
    lowered = head.lower()
    if b"<html" in lowered or b"<!doctype html" in lowered:
        title_at = lowered.find(b"<title>")
        title = lowered[title_at + 7:title_at + 80].strip() if title_at >= 0 else b""
        if title.startswith(_EDGAR_PAGE_TITLES):
            return "EDGAR web page (error or index page), not a filing"
    return None


def _classify_folder(folder: Path, files: list[Path], catalog: Catalog) -> None:
    """A folder named after an accession: one unit (or a failure), the rest covered/skipped."""
    name = folder.name
    unit_kw: dict[str, Any] = {}
    if _ACCESSION_NODASH_RE.match(name) and folder.parent.name.isdigit():
        unit_kw = {"accession": dashed(name), "cik": int(folder.parent.name)}
    else:  # sec-edgar-downloader: sec-edgar-filings/<TICKER or CIK>/<FORM>/<ACCESSION>
        owner = folder.parent.parent.name
        in_downloader = folder.parent.parent.parent.name == "sec-edgar-filings"
        unit_kw = {"accession": name, "form_hint": folder.parent.name if in_downloader else None}
        if in_downloader and owner.isdigit():
            unit_kw["cik"] = int(owner)
        elif in_downloader:
            unit_kw["ticker"] = owner.upper()
    candidates: list[Path] = []
    for path in files:
        suffix = path.suffix.lower()
        lower = path.name.lower()
        if suffix == ".json" or lower.endswith(("-index.html", "-index.htm")) \
                or suffix in _AUXILIARY_EXT or _LINKBASE_RE.search(lower):
            catalog.skipped.append((path, "not a filing document (EDGAR page, linkbase or "
                                          "graphic)"))
        else:
            candidates.append(path)
    submissions = [p for p in candidates if p.suffix.lower() == ".txt"
                   and looks_like_submission(_head(p))]
    if submissions:
        main = sorted(submissions, key=lambda p: (p.name != "full-submission.txt", p.name))[0]
        covered = [p for p in candidates if p != main]
        catalog.units.append(Unit("submission", main, covered=covered, **unit_kw))
        return
    html = [p for p in candidates if p.suffix.lower() in _HTML_EXT]
    if html:
        inline = [p for p in html if b"ix:header" in p.read_bytes()]
        listed = catalog.filing_meta.get(unit_kw["accession"], {}).get("primaryDocument")
        primary_pool = inline or [p for p in html
                                  if p.name in ("primary-document.html", listed)]
        if not primary_pool:
            for path in html:
                reason = non_filing_reason(_head(path), path) or \
                    "HTML without an SEC header or inline XBRL, not an EDGAR filing document"
                (catalog.skipped if reason.startswith("EDGAR web page") else catalog.failed) \
                    .append((path, reason))
            return
        main = max(primary_pool, key=lambda p: p.stat().st_size)
        extra = [p for p in html if p != main]
        rest = [p for p in candidates if p not in html]
        catalog.units.append(Unit("primary_document", main, extra=extra, covered=rest, **unit_kw))
        return
    instances = [p for p in candidates if p.suffix.lower() == ".xml" and is_instance(_head(p))]
    if instances:
        main = instances[0]
        covered = [p for p in candidates if p != main]
        catalog.units.append(Unit("xbrl_instance", main, covered=covered, **unit_kw))
        return
    for path in candidates:
        catalog.failed.append((path, non_filing_reason(_head(path), path)
                               or "not an EDGAR filing document"))


def discover(root: Path) -> Catalog:
    """Walk `root` (a folder or one file) and sort what is there; raise InputError if unusable."""
    if not root.exists():
        raise InputError(f"{root} does not exist: give a folder of EDGAR files to --from-dir.")
    if not os.access(root, os.R_OK):
        raise InputError(f"{root} is not readable: check its permissions.")
    catalog = Catalog()
    if root.is_file():
        unit = _classify_loose(root, catalog)
        if unit:
            catalog.units.append(unit)
        return catalog
    found_any = False
    accession_folders: list[tuple[Path, list[Path]]] = []
    def unreadable(exc: OSError) -> None:
        if Path(exc.filename or "") == root:
            raise InputError(f"cannot read {root}: {exc.strerror}; check its permissions.") \
                from exc
        catalog.failed.append((Path(exc.filename or "?"),
                               f"folder not readable ({exc.strerror}): its files were skipped; "
                               "check its permissions"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable):
        dirnames.sort()
        folder = Path(dirpath)
        names = [f for f in sorted(filenames) if not f.startswith(".")]
        found_any = found_any or bool(names)
        files = []
        for path in (folder / f for f in names):
            reason = _probe(path)
            if reason:
                catalog.failed.append((path, reason))
            else:
                files.append(path)
        if not files:
            continue
        if ACCESSION_RE.match(folder.name) or (
            _ACCESSION_NODASH_RE.match(folder.name) and folder.parent.name.isdigit()
        ):
            accession_folders.append((folder, files))
            continue
        for path in files:
            _guarded(catalog, path, lambda path=path: _classify_loose(path, catalog))
    if not found_any:
        raise InputError(f"{root} holds no files: point --from-dir at a folder of EDGAR filings "
                         "(sec-edgar-downloader layout or an EDGAR mirror).")
    for folder, files in accession_folders:  # after the loose files: tickers JSON is read first
        _guarded(catalog, folder, lambda folder=folder, files=files:
                 _classify_folder(folder, files, catalog))
    return catalog


def _guarded(catalog: Catalog, path: Path, classify: Callable[[], Unit | None]) -> None:
    """Classify one file or folder; a file that turns unreadable meanwhile is a failure."""
    try:
        unit = classify()
    except OSError as exc:
        bad = Path(exc.filename) if exc.filename else path
        catalog.failed.append((bad, unreadable_reason(exc, bad)))
        return
    if unit:
        catalog.units.append(unit)

