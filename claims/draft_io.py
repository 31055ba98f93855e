"""Render a drafted ledger as YAML and write it where `score` finds it (`claims add`).

The YAML is what `claims extract` prints and `claims add` writes: it loads with
`load_ledger` and scores as is. Writing validates first and replaces the file atomically, and
never overwrites a different ledger unless asked to (--force).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from claims.extract import AUTO, build_context, propose_claims
from claims.ledger import DEFAULT_LEDGER_DIR, load_ledger
from claimtracker.errors import ConfigError, InputError

_EXPLAIN = ("line", "worthiness", "topic_scores", "why")


@dataclass(frozen=True)
class Draft:
    yaml_text: str
    claims: int
    tickers: Counter[str]
    date: dt.date
    date_source: str
    date_evidence: str
    article: dict[str, Any] = field(default_factory=dict)
    drafts: list[dict[str, Any]] = field(default_factory=list)  # with line/why for display
    #: Check-worthy sentences left out: their company could not be told (line, text).
    skipped: list[tuple[int, str]] = field(default_factory=list)

    def summary(self, path: Path | None = None) -> str:
        companies = ", ".join(f"{t} ({n})" for t, n in self.tickers.most_common()) or "none"
        how = {"text": f"from the text: {self.date_evidence!r}", "flag": "from --date",
               "today": "TODAY: no date in the article, pass --date"}[self.date_source]
        where = f"{path}: " if path else ""
        left = (f"; {len(self.skipped)} sentence(s) left out, company unclear (line "
                f"{', '.join(str(line) for line, _ in self.skipped)}: pass --ticker to keep "
                "them)") if self.skipped else ""
        return (f"{where}{self.claims} claims; companies {companies}; date {self.date} "
                f"({how}){left}")


def read_article(path: Path) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the article {path}: {exc}; give a UTF-8 text file.") from exc
    if not text.strip():
        raise InputError(f"{path} is empty: nothing to extract.")
    return text


def draft_ledger(article_file: Path, *, tickers: tuple[str, ...] = (),
                 date: dt.date | None = None, con: Any = None, mapper: Any = AUTO,
                 min_score: float | None = None, nlp: Any = AUTO,
                 today: dt.date | None = None) -> Draft:
    """Draft the ledger of one article file (see claims.extract)."""
    return draft_text(read_article(article_file), source=str(article_file),
                      file=Path(article_file), tickers=tickers, date=date, con=con,
                      mapper=mapper, min_score=min_score, nlp=nlp, today=today)


def draft_text(text: str, *, source: str, file: Path | None = None,
               tickers: tuple[str, ...] = (), date: dt.date | None = None, con: Any = None,
               mapper: Any = AUTO, min_score: float | None = None, nlp: Any = AUTO,
               today: dt.date | None = None) -> Draft:
    """Draft a ledger from an article's text (the app's pasted articles; `file` when read
    from disk). Raises InputError when no claim is found or a claim's company is unclear."""
    name = file or Path(re.sub(r"[^A-Za-z0-9]+", "-", source)[:40] or "article")
    if nlp == AUTO:
        nlp = _spacy() if not re.search(r"[\uac00-\ud7a3]", text[:2000]) else None
    ctx = build_context(text, tickers=tickers, date=date, con=con, today=today, nlp=nlp)
    drafts = propose_claims(ctx=ctx, mapper=mapper, min_score=min_score, nlp=nlp, strict=True)
    if not drafts:
        raise InputError(f"{source}: no check-worthy sentence found (no company, metric, "
                         "business or trend words); lower --min-score or check the file.")
    counts = Counter(d["ticker"] for d in drafts)
    compared = [t for d in drafts for t in d.get("compare", {}).get("with", [])]
    named = list(dict.fromkeys([*ctx.given, *ctx.tickers, *compared]))
    article = {
        "title": next((ln.strip() for ln in text.splitlines() if ln.strip()), name.stem)[:120],
        "source": source,
        **({"file": str(file)} if file else {}),
        "language": ctx.language,
        "date": ctx.date.date,
        "date_source": ctx.date.source,
        "ticker": _main_company(ctx, counts),
        "tickers": named,
    }
    text_out = render(name, article, drafts, ctx.date.source, ctx.skipped)
    return Draft(text_out, len(drafts), counts, ctx.date.date, ctx.date.source,
                 ctx.date.evidence, article, drafts, list(ctx.skipped))


def _main_company(ctx: Any, claim_counts: Counter[str]) -> str:
    """The company named in most sentences (ties: the one with most claims)."""
    named: Counter[str] = Counter(t for ms in ctx.mentions for t in {m.ticker for m in ms})
    candidates = list(claim_counts) + [t for t in named if t not in claim_counts]
    return max(candidates, key=lambda t: (named[t], claim_counts[t]))


def _spacy() -> Any:
    from claimtracker.models import spacy_pipeline

    return spacy_pipeline()


def render(article_file: Path, article: dict[str, Any], drafts: list[dict[str, Any]],
           date_source: str, skipped: list[tuple[int, str]] | None = None) -> str:
    """The ledger YAML, with a comment per claim saying why it was proposed."""
    out = [f"# Ledger drafted by `claimtracker claims add {article_file}`: it scores as is.",
           "# Review it: delete what is not a claim, fix a direction or a quarter if needed."]
    if date_source == "today":
        out.append("# WARNING: the article gives no date and none was passed: `date` is the day "
                   "of drafting; set the publication date (claims add --date YYYY-MM-DD).")
    for line, text in skipped or []:
        out.append(f"# Left out, line {line} (which company? pass --ticker): {text[:100]}")
    out += [yaml.safe_dump({"article": article}, allow_unicode=True, sort_keys=False,
                           width=100).rstrip(), "claims:"]
    for draft in drafts:
        body = {k: v for k, v in draft.items() if k not in _EXPLAIN}
        if not body.get("topics"):
            body.pop("topics", None)
        if body.get("statement") == body["quote"]:
            body.pop("statement")  # the ledger's default
        block = yaml.safe_dump([body], allow_unicode=True, sort_keys=False, width=100)
        out.append(f"  # line {draft['line']}: {draft['why']}")
        out.extend("  " + line for line in block.rstrip().splitlines())
    return "\n".join(out) + "\n"


def default_path(article_file: Path) -> Path:
    """data/claims/<slug>.yaml, the slug from the article's file name up to its first dot."""
    stem = Path(article_file).name.split(".")[0]
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "article"
    return DEFAULT_LEDGER_DIR / f"{slug}.yaml"


def write_ledger(text: str, path: Path, *, force: bool = False) -> bool:
    """Validate and write atomically; False when the same ledger is already there."""
    path = Path(path)
    if path.exists():
        if path.read_text(encoding="utf-8") == text:
            return False
        if not force:
            raise InputError(f"{path} already holds a different ledger; pass --force to replace "
                             "it, or --out FILE to write elsewhere.")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".yaml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        try:
            load_ledger(tmp)
        except ConfigError as exc:  # a drafter bug, not a user error: say so plainly
            raise ConfigError(f"the drafted ledger for {path} does not validate ({exc}); "
                              "please report this with the article.") from exc
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return True
