"""Load and check the hand labels of bench/claims_eval.py (data/labels/claims/*.yaml + the seed).

Why checked on load: a label whose quote is not in its article, or whose evidence is not a
sentence management said, silently lowers every figure the bench prints. `check_labels`
reports such slips by file and claim id; `python bench/claims_eval_labels.py` runs it alone.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from claimtracker.metric_catalog import load_catalog
from claimtracker.tickers import same_company_tickers
from ingest.transcripts.metadata import quarter_from_filename, quarter_from_title

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
LABEL_DIR = ROOT / "data" / "labels" / "claims"
SEED_LABELS = ROOT / "data" / "labels" / "claim_verdicts.yaml"
VERDICTS = ("supported", "mixed", "contradicted", "not_discussed")
#: Metric ids a label may name: the catalogue's (data/metrics.yaml), "segment_revenue" (the
#: labels' umbrella for any segment's revenue: the catalogue names each segment), or none.
METRICS: tuple[str | None, ...] = (*load_catalog().metrics, "segment_revenue", None)
_WORD = re.compile(r"[\w%$.]+", re.UNICODE)


def norm(text: str) -> str:
    """Lower-case, NFKC, curly quotes and ** markup folded, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text or "")
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = text.replace("*", "")
    return " ".join(text.lower().split())


def tokens(text: str) -> set[str]:
    return {t.strip(".") for t in _WORD.findall(norm(text)) if t.strip(".")}


def jaccard(a: str, b: str) -> float:
    ta, tb = tokens(a), tokens(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


@dataclass
class LabelQuarter:
    quarter: str
    verdict: str
    evidence: list[str]


@dataclass
class LabelClaim:
    id: str
    quote: str
    ticker: str | None
    metric: str | None
    direction: str | None
    horizon: str | None
    quarters: list[LabelQuarter] = field(default_factory=list)
    compare_to: str | None = None


@dataclass
class LabelSet:
    name: str
    article: Path
    claims: list[LabelClaim]
    not_claims: list[str]
    source: Path


def _quarter(value: Any) -> str:
    text = str(value)
    if not re.fullmatch(r"\d{4}Q[1-4]", text):
        raise ValueError(f"quarter {value!r} is not YYYYQn")
    return text


def load_label_file(path: Path) -> LabelSet:
    """One data/labels/claims/<stem>.yaml file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    claims = []
    for raw in data["claims"]:
        quarters = [LabelQuarter(_quarter(q["quarter"]), q["verdict"],
                                 list(q.get("evidence") or []))
                    for q in raw.get("quarters") or []]
        claims.append(LabelClaim(raw["id"], raw["quote"], raw.get("ticker"), raw.get("metric"),
                                 raw.get("direction"), raw.get("horizon"), quarters,
                                 raw.get("compare_to")))
    return LabelSet(path.name.removesuffix(".yaml"), ROOT / data["article"], claims,
                    list(data.get("not_claims") or []), path)


def load_seed(path: Path = SEED_LABELS) -> LabelSet:
    """The seed's labels, keyed by hand-ledger ids: quotes and fields come from that ledger."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    ledger_path = ROOT / data["ledger"]
    ledger = yaml.safe_load(ledger_path.read_text(encoding="utf-8"))
    article = (ROOT / ledger["article"]["file"]).resolve()
    default_ticker = ledger["article"].get("ticker")
    by_id: dict[str, LabelClaim] = {}
    for raw in ledger["claims"]:
        by_id[raw["id"]] = LabelClaim(raw["id"], raw["quote"], raw.get("ticker", default_ticker),
                                      raw.get("metric"), raw.get("direction"), raw.get("horizon"))
    for label in data["labels"]:
        by_id[label["claim"]].quarters.append(
            LabelQuarter(_quarter(label["quarter"]), label["verdict"],
                         list(label.get("evidence") or [])))
    return LabelSet("amazon-next-cycle (seed)", article, list(by_id.values()), [], path)


def label_files(pattern: str | None = None) -> list[Path]:
    return sorted(LABEL_DIR.glob(pattern or "*.yaml"))


@cache
def _file_quarter(path: Path) -> str:
    """A transcript file's fiscal quarter (YYYYQn) by ingest's own rules: the vendor file name
    ('AMZN_3Q25.txt') or else the title line of a dated file ('Q4 2018 Intel Corp Earnings
    Call' in 2019-Jan-24-INTC.txt); '' when neither names one."""
    quarter = quarter_from_filename(path)
    if quarter is None:
        with path.open(encoding="utf-8", errors="replace") as handle:
            head = [line for _, line in zip(range(40), handle, strict=False)]
        quarter = next((q for q in map(quarter_from_title, head) if q), None)
    return str(quarter) if quarter else ""


def _transcript_text(ticker: str, cache: dict[str, str], quarter: str = "") -> str:
    """A ticker's transcripts (every folder of the company: GOOG and GOOGL are Alphabet); with
    quarter (YYYYQn) only the calls of that fiscal quarter."""
    key = f"{ticker}/{quarter}"
    if key not in cache:
        folders = [SHARED / "transcripts" / t for t in same_company_tickers(None, ticker)]
        paths = sorted(p for folder in folders if folder.is_dir() for p in folder.glob("*.txt")
                       if not quarter or _file_quarter(p) == quarter)
        cache[key] = norm(" ".join(p.read_text(encoding="utf-8", errors="replace")
                                   for p in paths))
    return cache[key]


def check_labels(labels: LabelSet) -> list[str]:
    """Problems: quotes/fillers not in the article, bad fields, evidence absent from ../shared."""
    problems: list[str] = []
    where = labels.source.name
    article = norm(labels.article.read_text(encoding="utf-8")) if labels.article.exists() else ""
    if not article:
        return [f"{where}: article {labels.article} missing"]
    cache: dict[str, str] = {}
    for claim in labels.claims:
        if norm(claim.quote) not in article:
            problems.append(f"{where}: {claim.id}: quote not in the article")
        if claim.metric not in METRICS:
            problems.append(f"{where}: {claim.id}: metric {claim.metric!r} unknown")
        for lq in claim.quarters:
            if lq.verdict not in VERDICTS:
                problems.append(f"{where}: {claim.id} {lq.quarter}: verdict {lq.verdict!r}")
            if lq.verdict in ("supported", "contradicted") and not lq.evidence:
                problems.append(f"{where}: {claim.id} {lq.quarter}: {lq.verdict} without evidence")
            if labels.source == SEED_LABELS or not claim.ticker:
                continue  # seed evidence also comes from releases and filings
            corpus = _transcript_text(claim.ticker, cache, lq.quarter)
            for sentence in lq.evidence:
                found = norm(sentence) in corpus or any(
                    norm(sentence) in _transcript_text(t, cache, lq.quarter)
                    for t in _other_tickers()) or _in_compared_call(claim, sentence, cache)
                if not found:
                    problems.append(f"{where}: {claim.id} {lq.quarter}: evidence not found: "
                                    f"{sentence[:70]}")
    for filler in labels.not_claims:
        if norm(filler) not in article:
            problems.append(f"{where}: not_claim not in the article: {filler[:60]}")
    return problems


def uncovered_sentences(labels: LabelSet) -> list[str]:
    """Article sentences that are neither a labelled claim nor a listed not_claim (title/date
    lines excepted): each would make a draft claim count as spurious without a label to say so."""
    known = [norm(c.quote) for c in labels.claims] + [norm(f) for f in labels.not_claims]
    out = []
    for line in labels.article.read_text(encoding="utf-8").splitlines():
        if not re.search(r"[.!?]$", line.strip()):
            continue  # title, date line
        for sentence in re.split(r"(?<=[.!?])\s+", line.strip()):
            if not re.search(r"[.!?]$", sentence):
                continue  # title, date line
            if not any(norm(sentence) in k or k in norm(sentence) for k in known):
                out.append(sentence)
    return out


def _in_compared_call(claim: LabelClaim, sentence: str, cache: dict[str, str]) -> bool:
    """A comparative claim may cite the other company's call for the same calendar quarter,
    whose fiscal name differs when the fiscal years do (Micron's 2019Q3 is Intel's 2019Q2)."""
    return bool(claim.compare_to) and norm(sentence) in _transcript_text(claim.compare_to, cache)


def _other_tickers() -> list[str]:
    """Comparative claims cite the other company's call (e.g. AWS growth for a Google claim)."""
    return sorted(p.name for p in (SHARED / "transcripts").iterdir() if p.is_dir())


def main() -> None:
    sets = [load_label_file(p) for p in label_files(sys.argv[1] if len(sys.argv) > 1 else None)]
    sets.append(load_seed())
    problems = [p for s in sets for p in check_labels(s)]
    for s in sets:
        pairs = [q for c in s.claims for q in c.quarters]
        counts = {v: sum(q.verdict == v for q in pairs) for v in VERDICTS}
        print(f"{s.name}: {len(s.claims)} claims, {len(pairs)} claim-quarters {counts}, "
              f"{len(s.not_claims)} not_claims")
        if s.not_claims:
            problems += [f"{s.source.name}: sentence neither claim nor not_claim: {u[:70]}"
                         for u in uncovered_sentences(s)]
    print("\n".join(problems) or "labels OK")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
