"""`claims extract`: draft a claim ledger from a new article (Korean or English).

Pipeline: split sentences (claims.sentences), keep the check-worthy ones
(claims.checkworthy), map each to taxonomy topics (claims.topic_map, multilingual-e5), guess
kind, metric, direction and horizon from cue words, and print a ledger YAML that loads with
`claims.ledger.load_ledger`. It is a draft: the user writes the English statements, checks
topics and directions, and deletes what is not a claim.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from claims.checkworthy import MIN_SCORE, check_worthiness
from claims.sentences import Sentence, split_sentences
from claimtracker.errors import InputError

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_NAMED_TICKER = re.compile(r"([^\s(（]+)\s*[(（](?:[^()]*?,\s*)?([A-Z]{1,5})[)）]")

#: Cue words -> facts metric (checked in order: the first match wins).
METRIC_CUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("operating_margin", ("영업이익률", "이익률", "마진", "OPM", "operating margin", "margin")),
    ("capex", ("Capex", "투자 비용", "설비 투자", "capital expenditure", "capex")),
    ("operating_leverage", ("레버리지", "operating leverage")),
    ("net_income", ("순이익", "net income")),
    ("operating_income", ("영업이익", "이익", "operating income", "profit")),
    ("revenue", ("매출", "revenue", "sales")),
    ("employees", ("직원", "인력", "관리자", "직급", "headcount", "employees", "managers")),
)
UP_CUES = ("개선", "증가", "상승", "성장", "폭발", "확대", "뛰", "극대화", "우위", "도입", "배치",
           "grow", "increas", "expand", "improv", "rise", "accelerat", "deploy")
DOWN_CUES = ("감소", "축소", "절감", "하락", "줄이", "줄어", "인하", "눌려", "decline", "reduc",
             "cut", "lower", "shrink")
FLAT_CUES = ("정체", "횡보", "flat", "stagnat")
FORECAST_CUES = ("것입니다", "될 것", "전망", "예상", "가능성", "내년", "직전", "지날수록",
                 "이어질", "will", "expect", "forecast")


def detect_language(text: str) -> str:
    return "ko" if len(_HANGUL.findall(text)) > 0.2 * max(1, len(re.findall(r"\w", text))) else "en"


def guess_ticker(text: str) -> str | None:
    """The ticker in "Name(TICKER)" / "Name (Name, TICKER)" whose name the article repeats most."""
    counts: Counter[str] = Counter()
    for name, ticker in _NAMED_TICKER.findall(text):
        stem = re.sub(r"^[*’‘'\"“”]+", "", name)[:4]
        counts[ticker] = max(counts[ticker], text.count(stem) if stem else 0)
    return counts.most_common(1)[0][0] if counts else None


def guess_direction(text: str) -> str:
    lower = text.lower()
    scores = {d: sum(lower.count(c.lower()) for c in cues)
              for d, cues in (("up", UP_CUES), ("down", DOWN_CUES), ("flat", FLAT_CUES))}
    best = max(scores, key=lambda d: scores[d])
    return best if scores[best] else "up"


def guess_metric(text: str) -> str | None:
    for metric, cues in METRIC_CUES:
        if any(c.lower() in text.lower() for c in cues):
            return metric
    return None


def _cues(taxonomy: Any, topics: list[str], direction: str) -> dict[str, str]:
    cues: dict[str, str] = {}
    for topic in topics:
        for term in [*taxonomy.topics[topic].terms, *taxonomy.topics[topic].case_terms][:3]:
            cues.setdefault(term, direction)
    return cues


def _slug(topics: list[str], used: set[str]) -> str:
    base = (topics[0] if topics else "claim").replace("_", "-")
    n = 1
    while f"{base}-{n}" in used:
        n += 1
    used.add(f"{base}-{n}")
    return f"{base}-{n}"


def propose_claims(sentences: list[Sentence], *, mapper: Any = None,
                   min_score: float | None = None) -> list[dict[str, Any]]:
    """Draft claim dicts (ledger keys, plus `line` and `worthiness`) for check-worthy sentences."""
    threshold = MIN_SCORE if min_score is None else min_score
    chosen = [(s, check_worthiness(s)) for s in sentences]
    chosen = [(s, w) for s, w in chosen if w.score >= threshold]
    if not chosen:
        return []
    if mapper is None:
        from claims.topic_map import TopicMapper

        mapper = TopicMapper()
    # Standardise topic scores over the whole article, not only the kept sentences.
    all_texts = [s.text for s in sentences]
    cosines = mapper.cosines(all_texts)
    by_text = dict(zip(all_texts, mapper.map(all_texts, cosines=cosines), strict=True))
    best_only = dict(zip(all_texts, mapper.map(all_texts, z_min=-99.0, max_topics=1,
                                               use_terms=False, cosines=cosines), strict=True))
    used: set[str] = set()
    drafts = []
    for sentence, worth in chosen:
        scores = by_text[sentence.text]
        topics = [t.topic for t in scores]
        if not topics:
            scores = best_only[sentence.text]
            topics = [t.topic for t in scores]
        direction = guess_direction(sentence.text)
        metric = guess_metric(sentence.text)
        kind = "both" if metric else "narrative"
        drafts.append({
            "id": _slug(topics, used),
            "quote": sentence.text,
            "statement": "TODO: the claim in English, as management would say it",
            "topics": topics,
            "kind": kind,
            **({"metric": metric} if metric else {}),
            "direction": direction,
            "horizon": "forecast" if any(c in sentence.text for c in FORECAST_CUES) else "past",
            "cues": _cues(mapper.taxonomy, topics, direction),
            "line": sentence.line,
            "worthiness": worth,
            "topic_scores": [(t.topic, t.z) for t in scores],
        })
    return drafts


def render_draft(article_file: Path, text: str, drafts: list[dict[str, Any]],
                 ticker: str | None) -> str:
    """The draft ledger as YAML, with a comment per claim saying why it was proposed."""
    header = {
        "article": {
            "title": next((ln.strip() for ln in text.splitlines() if ln.strip()),
                          article_file.stem),
            "source": str(article_file),
            "file": str(article_file),
            "language": detect_language(text),
            "date": dt.date.today(),
            "ticker": ticker or guess_ticker(text) or "TODO",
        }
    }
    out = [f"# Draft ledger proposed by `claimtracker claims extract {article_file}`.",
           "# Check every claim: write the English statement, fix topics / direction / horizon,",
           "# set the article's real publication date, delete what is not a claim.",
           yaml.safe_dump(header, allow_unicode=True, sort_keys=False).rstrip(), "claims:"]
    for draft in drafts:
        worth = draft["worthiness"]
        topics = ", ".join(f"{t} z={z:+.2f}" for t, z in draft["topic_scores"])
        body = {k: v for k, v in draft.items() if k not in ("line", "worthiness", "topic_scores")}
        block = yaml.safe_dump([body], allow_unicode=True, sort_keys=False, width=100)
        out.append(f"  # line {draft['line']}: check-worthiness {worth.score:g} "
                   f"({', '.join(worth.reasons)}); topics {topics}")
        out.extend("  " + line for line in block.rstrip().splitlines())
    return "\n".join(out) + "\n"


def extract_draft(article_file: Path, *, ticker: str | None = None,
                  min_score: float | None = None, mapper: Any = None) -> str:
    """Read an article and return a draft ledger YAML (see module docstring)."""
    try:
        text = Path(article_file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the article {article_file}: {exc}; "
                         "give a UTF-8 text file.") from exc
    if not text.strip():
        raise InputError(f"{article_file} is empty: nothing to extract.")
    drafts = propose_claims(split_sentences(text), mapper=mapper, min_score=min_score)
    return render_draft(Path(article_file), text, drafts, ticker.upper() if ticker else None)
