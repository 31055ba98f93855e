"""Attention: how much of management's language in a quarter is about a claim's topics.

Exposure in the sense of Hassan et al. (2019) and Sautner et al. (2023): the share of a
company's management sentences (call turns by management, earnings releases, filing
narrative) that mention the topics, compared with the company's own trailing average, so a
quarter is "loud" or "quiet" relative to the company's habits, not to other companies.
"""

from __future__ import annotations

from dataclasses import dataclass

from claimtracker.db import Store
from claimtracker.quarters import FiscalQuarter
from nlp.provenance import MANAGEMENT_SQL

TRAILING = 4  # quarters with data averaged for the baseline



@dataclass(frozen=True)
class Attention:
    share: float
    sentences: int
    mentioning: int
    trailing: float | None

    @property
    def ratio(self) -> float | None:
        """share / trailing average (>1: more attention than usual); None without history."""
        if not self.trailing:
            return None
        return round(self.share / self.trailing, 3)

    def as_dict(self) -> dict[str, float | int | None]:
        return {"share": self.share, "sentences": self.sentences, "mentioning": self.mentioning,
                "trailing": self.trailing, "ratio": self.ratio}


def topic_shares(store: Store, ticker: str,
                 topics: tuple[str, ...]) -> dict[FiscalQuarter, tuple[int, int]]:
    """(management sentences, those mentioning any topic) per fiscal quarter."""
    rows = store.con.execute(
        f"""
        SELECT s.fiscal_year, s.fiscal_quarter, count(*) AS total,
               count(*) FILTER (WHERE s.sentence_id IN (
                   SELECT m.sentence_id FROM mentions m
                   WHERE m.topic IN (SELECT unnest(?::VARCHAR[])))) AS hits
        FROM sentences s
        WHERE upper(s.ticker) = upper(?) AND s.fiscal_year IS NOT NULL
          AND s.fiscal_quarter IS NOT NULL AND {MANAGEMENT_SQL}
        GROUP BY 1, 2
        """,
        [list(topics), ticker],
    ).fetchall()
    return {FiscalQuarter(y, q): (total, hits) for y, q, total, hits in rows}


def attention_timeline(store: Store, ticker: str,
                       topics: tuple[str, ...]) -> dict[FiscalQuarter, Attention]:
    """Attention for every quarter with management sentences, against the trailing average."""
    counts = topic_shares(store, ticker, topics)
    timeline: dict[FiscalQuarter, Attention] = {}
    history: list[float] = []
    for quarter in sorted(counts):
        total, hits = counts[quarter]
        share = round(hits / total, 4) if total else 0.0
        recent = history[-TRAILING:]
        trailing = round(sum(recent) / len(recent), 4) if recent else None
        timeline[quarter] = Attention(share, total, hits, trailing)
        history.append(share)
    return timeline
