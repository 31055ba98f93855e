"""Read model of the Topics page: mentions per topic and quarter per 1,000 management sentences.

"Management language" is `nlp.provenance.MANAGEMENT_SQL`, the same rule the scorer's
attention uses, so the heatmap's denominators are the scorer's.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from claimtracker.db import Store
from claimtracker.quarters import FiscalQuarter
from nlp.provenance import MANAGEMENT_SQL


def topic_heatmap(store: Store, ticker: str, *, calls_only: bool = False,
                  methods: tuple[str, ...] = ("ruler", "semantic")) -> dict[str, Any]:
    """Mentions per topic and quarter per 1,000 management sentences, with quiet flags.

    A sentence counts once per topic however many terms it names. `went_quiet` marks a
    topic mentioned in two or more quarters that is absent from every later quarter with data.
    Returns {"quarters": [{quarter, management_sentences}], "cells": [{topic, quarter,
    sentences, per_1000}], "topics": [{topic, first, last, quarters_mentioned, went_quiet,
    quiet_quarters, total}]}.
    """
    doc_filter = "AND s.doc_type = 'transcript'" if calls_only else ""
    base_rows = store.con.execute(
        f"SELECT s.fiscal_year, s.fiscal_quarter, count(*) FROM sentences s "
        f"WHERE s.ticker = ? AND s.fiscal_year IS NOT NULL AND s.fiscal_quarter IS NOT NULL "
        f"AND {MANAGEMENT_SQL} {doc_filter} GROUP BY ALL ORDER BY 1, 2",
        [ticker],
    ).fetchall()
    base = {str(FiscalQuarter(y, q)): n for y, q, n in base_rows}
    hit_rows = store.con.execute(
        f"SELECT m.topic, s.fiscal_year, s.fiscal_quarter, count(DISTINCT m.sentence_id) "
        f"FROM mentions m JOIN sentences s ON s.sentence_id = m.sentence_id "
        f"WHERE s.ticker = ? AND s.fiscal_year IS NOT NULL AND s.fiscal_quarter IS NOT NULL "
        f"AND {MANAGEMENT_SQL} {doc_filter} AND list_contains(?, m.method) "
        f"GROUP BY ALL ORDER BY 1, 2, 3",
        [ticker, list(methods)],
    ).fetchall()
    quarters = list(base)
    cells = []
    mentioned: dict[str, dict[str, int]] = defaultdict(dict)
    for topic, year, quarter, n in hit_rows:
        label = str(FiscalQuarter(year, quarter))
        mentioned[topic][label] = n
        cells.append({"topic": topic, "quarter": label, "sentences": n,
                      "per_1000": 1000.0 * n / base[label]})
    topics = []
    for topic in sorted(mentioned):
        seen = [q for q in quarters if q in mentioned[topic]]
        later = quarters[quarters.index(seen[-1]) + 1:]
        topics.append({
            "topic": topic, "first": seen[0], "last": seen[-1], "quarters_mentioned": len(seen),
            "went_quiet": len(seen) >= 2 and bool(later), "quiet_quarters": len(later),
            "total": sum(mentioned[topic].values()),
        })
    return {
        "quarters": [{"quarter": q, "management_sentences": n} for q, n in base.items()],
        "cells": cells,
        "topics": topics,
    }
