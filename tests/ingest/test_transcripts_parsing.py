"""Transcript parsing checked against the files in ../shared/transcripts (counted by hand)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimtracker.db import Store
from ingest.transcripts import calls_for, ingest_transcripts


@pytest.fixture(scope="module")
def store(pinned_transcripts: Path) -> Iterator[Store]:
    """The pinned shared transcripts (every AMZN call, a few of each format) ingested once."""
    s = Store.open(None)
    summary = ingest_transcripts(s, [pinned_transcripts], progress=False)
    assert summary.errors == [], summary.render()
    yield s
    s.close()


def _call(store: Store, ticker: str, quarter: str) -> dict:
    calls = calls_for(store, ticker=ticker, quarter=quarter)
    assert len(calls) == 1, [c["call_id"] for c in calls]
    return calls[0]


def _roles(call: dict) -> dict[str, str]:
    return {p["name"]: p["role"] for p in call["participants"]}


def test_every_pinned_transcript_is_in_a_call(
    store: Store, pinned_transcripts: Path, pinned_calls: dict
) -> None:
    files = sorted(str(p) for p in pinned_transcripts.rglob("*.txt"))
    stored = sorted(
        f for (sources,) in store.con.execute("SELECT source_files FROM calls").fetchall()
        for f in sources
    )
    assert stored == files
    # One call per dated StreetEvents file or per '<TICKER>_<n>Q<yy>' name (a whole file and
    # a presentation + Q&A pair of the same call are one call, kept from the pair).
    assert store.con.execute("SELECT count(*) FROM calls").fetchone()[0] == len(pinned_calls)
    expected: dict[str, int] = {}
    for (_folder, name), paths in pinned_calls.items():
        if re.match(r"\d{4}-", name):
            kind = "streetevents"
        elif len(paths) > 1:
            kind = "sp_split"
        else:
            kind = "merged_columns"
        expected[kind] = expected.get(kind, 0) + 1
    formats = dict(store.con.execute("SELECT format, count(*) FROM calls GROUP BY 1").fetchall())
    assert formats == expected


def test_every_call_has_both_sides_and_both_sections(store: Store) -> None:
    briefs = 0
    for call in calls_for(store):
        roles = {t["role"] for t in call["turns"]}
        assert {"management", "analyst", "operator"} <= roles, call["call_id"]
        assert "unknown" not in roles, call["call_id"]
        sections = [t["section"] for t in call["turns"]]
        # An Event Brief's prepared remarks are a vendor's bullet summary, kept as `summary`.
        brief = "Event Brief" in (call["parse_notes"] or "")
        briefs += brief
        assert sections[0] == ("summary" if brief else "prepared"), call["call_id"]
        assert sections[-1] == "qa", call["call_id"]
        # Sections never go back from Q&A to prepared remarks.
        assert sections == sorted(sections, key=lambda s: s == "qa"), call["call_id"]
        assert all(t["role"] != "analyst" for t in call["turns"] if t["section"] != "qa")
        assert not any("<Sync" in t["text"] for t in call["turns"]), call["call_id"]
    assert briefs == 1  # AAPL/2019-Jan-29-AAPL.txt


def test_streetevents_participants_and_roles(store: Store) -> None:
    # 2016-Jan-28-AMZN.txt: 'Corporate Participants' lists Brian Olsavsky (CFO) and Phil Hardin
    # (Director of IR); 'Conference Call Participiants' lists 19 analysts.
    call = _call(store, "AMZN", "2015Q4")
    assert call["date"].isoformat() == "2016-01-28"
    roles = _roles(call)
    assert roles["Brian Olsavsky"] == "management"
    assert roles["Phil Hardin"] == "investor_relations"
    analysts = [p for p in call["participants"] if p["role"] == "analyst"]
    assert len(analysts) == 19
    assert {"name": "Neil Doshi", "role": "analyst", "affiliation": "Mizuho Securities Co., Ltd.",
            "title": "Analyst"} in call["participants"]


def test_sp_split_participants_and_roles(store: Store) -> None:
    # NVDA_3Q26_presentation.txt lists 3 company participants and 8 analysts.
    call = _call(store, "NVDA", "2026Q3")
    roles = _roles(call)
    assert roles["Toshiya Hari"] == "investor_relations"
    assert roles["Colette Kress"] == "management"
    assert roles["Jen-Hsun Huang"] == "management"
    assert sorted(n for n, r in roles.items() if r == "analyst") == sorted([
        "Joseph Moore", "Christopher Muse", "Vivek Arya", "Benjamin Reitzes", "James Schneider",
        "Timothy Arcuri", "Stacy Rasgon", "Aaron Rakers",
    ])
    kress = next(p for p in call["participants"] if p["name"] == "Colette Kress")
    assert kress["title"] == "Executive VP & CFO"


def test_merged_columns_participants_and_roles(store: Store) -> None:
    # GOOG_3Q25.txt: 'James Friedland' is listed without a title; the operator introduces him
    # as 'Head of Investor Relations'. 'Mark Shmulik - Sanford C.' / 'Bernstein & Co., LLC.,
    # Research Division' is one entry broken over a blank line.
    call = _call(store, "GOOG", "2025Q3")
    roles = _roles(call)
    assert roles["James Friedland"] == "investor_relations"
    for name in ("Sundar Pichai", "Philipp Schindler", "Anat Ashkenazi"):
        assert roles[name] == "management"
    analysts = {p["name"]: p for p in call["participants"] if p["role"] == "analyst"}
    assert len(analysts) == 8
    assert analysts["Mark Shmulik"]["affiliation"] == (
        "Sanford C. Bernstein & Co., LLC., Research Division"
    )
    assert "Bernstein & Co., LLC., Research Division" not in roles


def test_merged_columns_labels_by_title_and_affiliation(store: Store) -> None:
    # GOOG_3Q25.txt writes Sundar Pichai's Q&A turns as 'CEO & Director: ...' and
    # Michael Nathanson's as 'MoffettNathanson LLC: ...'.
    call = _call(store, "GOOG", "2025Q3")
    waymo = next(t for t in call["turns"] if t["text"].startswith("And Brian, on Waymo"))
    assert (waymo["speaker"], waymo["role"]) == ("Sundar Pichai", "management")
    question = next(t for t in call["turns"] if t["text"].startswith("I have 2, 1 for Philipp"))
    assert (question["speaker"], question["role"]) == ("Michael Nathanson", "analyst")


def test_merged_columns_name_inside_a_line(store: Store) -> None:
    # AMZN_2Q25.txt line 118: 'Operator: Our next question comes from Mark Mahaney with
    # Evercore. Mark Stephen F. Mahaney Okay. I'll stick with AWS ...'
    call = _call(store, "AMZN", "2025Q2")
    turns = call["turns"]
    i = next(i for i, t in enumerate(turns) if t["text"].startswith("Okay. I'll stick with AWS"))
    assert (turns[i]["speaker"], turns[i]["role"]) == ("Mark Stephen F. Mahaney", "analyst")
    assert turns[i - 1]["role"] == "operator"
    assert turns[i - 1]["text"].endswith("Mark Mahaney with Evercore.")


def test_analyst_questions_counted_by_hand(store: Store) -> None:
    # NVDA_3Q26_qna.txt: the operator introduces 8 questions (Moore, Muse, Arya, Reitzes,
    # Schneider, Arcuri, Rasgon, Rakers), each asked in one turn.
    nvda = _call(store, "NVDA", "2026Q3")
    questions = [t for t in nvda["turns"] if t["role"] == "analyst" and not t["is_boilerplate"]]
    assert len(questions) == 8
    assert all(t["section"] == "qa" for t in questions)
    # 2016-Jan-28-AMZN.txt: all 19 listed analysts speak in Q&A, in 24 turns (Stephen Ju,
    # Jason Helfstein, Heath Terry and Brian Pitz come back with follow-ups or thanks).
    amzn = _call(store, "AMZN", "2015Q4")
    analyst_turns = [t for t in amzn["turns"] if t["role"] == "analyst"]
    assert len(analyst_turns) == 24
    assert len({t["speaker"] for t in analyst_turns}) == 19


def test_first_management_answer_of_the_qa(store: Store) -> None:
    nvda = _call(store, "NVDA", "2026Q3")
    first = next(t for t in nvda["turns"] if t["section"] == "qa" and t["role"] == "management")
    assert first["speaker"] == "Colette Kress"
    assert first["text"].startswith(
        "Yes. Thanks, Joe. I'll start first with a response here on that."
    )
    amzn = _call(store, "AMZN", "2015Q4")
    first = next(t for t in amzn["turns"] if t["section"] == "qa" and t["role"] == "management")
    assert first["speaker"] == "Brian Olsavsky"
    assert first["text"].startswith("Yes, thanks, Stephen. No, I don't have a usage growth number")


def test_fiscal_quarters_as_the_company_reports_them(store: Store) -> None:
    quarters = {
        (c["ticker"], c["fiscal_year"], c["fiscal_quarter"]): c["date"].isoformat()
        for c in calls_for(store)
    }
    assert quarters[("NVDA", 2026, 3)] == "2025-11-19"   # 'Q3 2026' held in November 2025
    assert quarters[("NVDA", 2017, 2)] == "2016-08-11"   # 'Q2 2017 NVIDIA Corp Earnings Call'
    assert quarters[("MU", 2020, 1)] == "2019-12-18"     # Micron's fiscal 2020 Q1
    assert quarters[("AMZN", 2015, 4)] == "2016-01-28"   # 'Q4 2015 Amazon.com Inc Earnings Call'
    assert quarters[("AMZN", 2025, 4)] == "2026-02-05"


def test_streetevents_analysts_never_labelled_management(
    store: Store, transcripts_dir: Path
) -> None:
    """Independent of the parser: every StreetEvents header naming an outside firm is an analyst."""
    header = re.compile(r"^(?P<name>[^,\n]+), +(?P<firm>\S.*?) - .*\[\d+\]\s*$", re.MULTILINE)
    outside: set[str] = set()
    for path in transcripts_dir.glob("AMZN/20*-AMZN.txt"):
        text = path.read_text(encoding="utf-8").replace("\r", "")
        outside |= {m["name"].strip() for m in header.finditer(text) if "Amazon" not in m["firm"]}
    assert len(outside) > 40
    rows = store.con.execute(
        "SELECT DISTINCT speaker, role FROM turns JOIN calls USING (call_id) "
        "WHERE calls.format = 'streetevents'"
    ).fetchall()
    assert {role for speaker, role in rows if speaker in outside} == {"analyst"}


def test_operator_boilerplate_is_kept_and_marked(store: Store) -> None:
    call = _call(store, "AMZN", "2015Q4")
    operator = [t for t in call["turns"] if t["role"] == "operator"]
    assert operator and all(t["is_boilerplate"] for t in operator)
    thanks = [
        t for t in call["turns"] if t["speaker"] == "Stephen Ju" and t["text"] == "Thank you."
    ]
    assert len(thanks) == 1 and thanks[0]["is_boilerplate"]
    assert not any(t["is_boilerplate"] for t in call["turns"] if t["role"] == "management")


_INTRO = re.compile(
    r"\b(?:from|of)\s+(?:analyst,?\s+|the line of\s+)?"
    r"(?P<name>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*?)\s+(?:with|from|of)\s+[A-Z]"
)


def test_each_introduced_question_is_asked_by_an_analyst(store: Store) -> None:
    """Independent of the participant lists: after the operator says 'next question comes
    from X with Firm', X speaks as an analyst before the operator speaks again."""
    introduced, matched, without_analyst = 0, 0, []
    calls = calls_for(store)
    for call in calls:
        turns = call["turns"]
        for i, turn in enumerate(turns):
            if turn["role"] != "operator" or "question" not in turn["text"].lower():
                continue
            found = list(_INTRO.finditer(turn["text"]))
            if not found:
                continue
            last_name = found[-1]["name"].split()[-1]
            segment = []
            for later in turns[i + 1 :]:
                if later["role"] == "operator":
                    break
                segment.append(later)
            introduced += 1
            analysts = [t for t in segment if t["role"] == "analyst"]
            if not analysts:
                without_analyst.append((call["ticker"], call["fiscal_year"], turn["text"][:80]))
            matched += any(t["speaker"].split()[-1] == last_name for t in analysts)
    assert introduced >= 5 * len(calls)  # every call of the pinned set takes 5+ questions
    assert without_analyst == []
    # One real exception: AMZN Q2 2016, Jason Helfstein is announced, Ray McDonough asks.
    assert matched == introduced - 1
