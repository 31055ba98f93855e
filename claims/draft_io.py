"""Draft, edit, validate and write claim ledgers: the one library behind `claims add` and the
app's Articles page (which only renders what these functions return).

The YAML is what `claims extract` prints and `claims add` writes: it loads with
`load_ledger` and scores as is. Writing validates the text in memory first (no temporary
copy), then replaces the file atomically, and never overwrites a different ledger unless
asked to (--force).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from claims.extract import AUTO, build_context, propose_claims
from claims.ledger import DEFAULT_LEDGER_DIR, Ledger, parse_ledger
from claims.sentences import Sentence, split_sentences
from claimtracker.db import Store
from claimtracker.errors import ConfigError, InputError
from claimtracker.limits import load_limits

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
                 today: dt.date | None = None, max_chars: int | None = None,
                 max_sentences: int | None = None, progress: bool = False) -> Draft:
    """Draft the ledger of one article file (see claims.extract)."""
    return draft_text(read_article(article_file), source=str(article_file),
                      file=Path(article_file), tickers=tickers, date=date, con=con,
                      mapper=mapper, min_score=min_score, nlp=nlp, today=today,
                      max_chars=max_chars, max_sentences=max_sentences, progress=progress)


def draft_text(text: str, *, source: str, file: Path | None = None,
               tickers: tuple[str, ...] = (), date: dt.date | None = None, con: Any = None,
               mapper: Any = AUTO, min_score: float | None = None, nlp: Any = AUTO,
               today: dt.date | None = None, max_chars: int | None = None,
               max_sentences: int | None = None, progress: bool = False) -> Draft:
    """Draft a ledger from an article's text (the app's pasted articles; `file` when read
    from disk). Raises InputError when the article is past the size bounds (data/limits.yaml,
    or `max_chars` / `max_sentences`), no claim is found or a claim's company is unclear."""
    sentences = check_article_size(text, source, max_chars=max_chars,
                                   max_sentences=max_sentences)
    name = file or Path(re.sub(r"[^A-Za-z0-9]+", "-", source)[:40] or "article")
    if nlp == AUTO:
        nlp = _spacy() if not re.search(r"[\uac00-\ud7a3]", text[:2000]) else None
    ctx = build_context(text, tickers=tickers, date=date, con=con, today=today, nlp=nlp,
                        progress=progress, sentences=sentences)
    drafts = propose_claims(ctx=ctx, mapper=mapper, min_score=min_score, nlp=nlp, strict=True,
                            progress=progress)
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


def check_article_size(text: str, source: str, *, max_chars: int | None = None,
                       max_sentences: int | None = None) -> list[Sentence]:
    """The article's sentences, or an InputError when it is past a bound.

    Drafting costs ~25 ms a sentence (spaCy) and proposes a claim for about every third one,
    so a 5 MB file would run for an hour and draft thousands of claims nobody reviews. The
    characters are checked before anything is split, the sentences right after.
    """
    limits = load_limits()
    chars = max_chars or limits.article_chars
    if len(text) > chars:
        size = len(text.encode("utf-8"))
        raise InputError(
            f"{source} is {len(text):,} characters ({_size(size)}), more than the {chars:,} an "
            f"article may have ({_bound(max_chars, '--max-chars', limits.where('article_chars'))}"
            f"). Split it into articles of at most {chars:,} characters, or raise the limit "
            f"for this run with --max-chars {_round_up(len(text))}.")
    sentences = split_sentences(text)
    most = max_sentences or limits.article_sentences
    if len(sentences) > most:
        raise InputError(
            f"{source} has {len(sentences):,} sentences ({len(text):,} characters), more than "
            f"the {most:,} an article may have ("
            f"{_bound(max_sentences, '--max-sentences', limits.where('article_sentences'))}). "
            f"Split it into smaller articles, or raise the limit for this run with "
            f"--max-sentences {_round_up(len(sentences))}.")
    return sentences


def _bound(flag_value: int | None, flag: str, where: str) -> str:
    return f"{flag} {flag_value}" if flag_value else where


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def _round_up(n: int) -> int:
    """A round number just above `n`, to suggest as a raised limit."""
    step = 10 ** max(len(str(n)) - 2, 0)
    return (n // step + 1) * step


def _main_company(ctx: Any, claim_counts: Counter[str]) -> str:
    """The company named in most sentences (ties: the one with most claims)."""
    named: Counter[str] = Counter(t for ms in ctx.mentions for t in {m.ticker for m in ms})
    candidates = list(claim_counts) + [t for t in named if t not in claim_counts]
    return max(candidates, key=lambda t: (named[t], claim_counts[t]))


def _spacy() -> Any:
    """The English pipeline, memoised per text: the drafter's steps (companies,
    check-worthiness, metric, terms, direction, time frame) each read the same sentence's
    parse, which is computed once."""
    from claimtracker.models import spacy_pipeline

    return lru_cache(maxsize=4096)(spacy_pipeline())


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
    return ledger_path(Path(article_file).name.split(".")[0])


def ledger_path(name: str, directory: Path | None = None) -> Path:
    """<directory>/<slug>.yaml (default data/claims/): lower-case letters, digits and dashes."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "article"
    return Path(directory or DEFAULT_LEDGER_DIR) / f"{slug}.yaml"


def draft_for_review(text: str, *, source: str, tickers: tuple[str, ...] = (),
                     date: dt.date | None = None, db: Path | None = None) -> Draft:
    """`draft_text` with companies from the DB when it can be read (a locked or foreign DB is
    skipped: companies then come from the data files alone), as the app drafts."""
    store = None
    if db is not None and Path(db).exists():
        try:
            store = Store.open(db, read_only=True)
        except Exception:  # any unreadable DB (locked, foreign): draft without it
            store = None
    try:
        return draft_text(text, source=source, tickers=tickers, date=date,
                          con=store.con if store else None)
    finally:
        if store is not None:
            store.close()


def editable_claims(draft: Draft) -> list[dict[str, Any]]:
    """The draft's claims as a reviewer edits them: ledger fields plus one `why` line."""
    out = []
    for item in draft.drafts:
        claim = {k: v for k, v in item.items() if k not in _EXPLAIN}
        claim["why"] = f"line {item.get('line')}: {item.get('why', '')}".strip()
        out.append(claim)
    return out


def ledger_from_edited(article: dict[str, Any], claims: list[dict[str, Any]]) -> dict[str, Any]:
    """The ledger of edited claims: empty fields dropped, a narrative claim's metric dropped,
    and the article header's companies widened to every claim's ticker."""
    out = []
    for claim in claims:
        clean = {k: v for k, v in claim.items() if k != "why" and v not in (None, "", [], {})}
        if clean.get("kind") == "narrative":
            clean.pop("metric", None)
        out.append(clean)
    tickers = sorted({c["ticker"] for c in out if c.get("ticker")})
    header = {**article}
    if tickers:
        header["tickers"] = sorted(set(header.get("tickers") or []) | set(tickers))
        if header.get("ticker") not in tickers:
            header["ticker"] = tickers[0]
    return {"article": header, "claims": out}


def ledger_yaml(ledger: dict[str, Any]) -> str:
    return yaml.safe_dump(ledger, allow_unicode=True, sort_keys=False, width=100)


def validate_ledger_text(text: str, path: Path) -> Ledger:
    """The ledger `text` would be at `path`, validated in memory (ConfigError names path:line)."""
    return parse_ledger(text.encode("utf-8"), Path(path))


def write_ledger(text: str, path: Path, *, force: bool = False, drafted: bool = True) -> bool:
    """Validate and write atomically; False when the same ledger is already there.

    `drafted`: the text is the drafter's own, so a validation error is a drafter bug and says
    so; an edited ledger's error names the line to fix as is.
    """
    path = Path(path)
    if path.exists():
        if path.read_text(encoding="utf-8") == text:
            return False
        if not force:
            raise InputError(f"{path} already holds a different ledger; pass --force to replace "
                             "it, or --out FILE to write elsewhere.")
    try:
        validate_ledger_text(text, path)
    except ConfigError as exc:
        if not drafted:
            raise
        raise ConfigError(f"the drafted ledger for {path} does not validate ({exc}); "
                          "please report this with the article.") from exc
    _atomic_write(path, text)
    return True


def _atomic_write(path: Path, text: str) -> None:
    """Write beside the target, then rename over it: a reader never sees half a ledger."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".yaml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
