"""Layout quirks of real files: a title or a name broken over lines, a label with only a title,
Event Briefs' inline <Sync/> tags. Expected values were read off the files by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimtracker.db import Store
from ingest.transcripts import calls_for, ingest_transcripts
from ingest.transcripts.detect import detect_format
from ingest.transcripts.reading import read_transcript_text


def _only_call(path: Path) -> dict:
    with Store.open(None) as store:
        summary = ingest_transcripts(store, [path], progress=False)
        assert summary.errors == [], summary.render()
        calls = calls_for(store)
    assert len(calls) == 1
    return calls[0]


def _listed(path: Path) -> tuple[list[str], list[str]]:
    """Names in the file's 'Company Participants' and 'Conference Call Participants' lists,
    read with plain string handling (independent of the parser)."""
    lines = [line.strip() for line in read_transcript_text(path).split("\n")]
    company = lines.index("Company Participants")
    analysts = lines.index("Conference Call Participants")
    end = lines.index("Presentation")

    def names(block: list[str]) -> list[str]:
        return [line.split(" - ")[0] for line in block if line]

    return names(lines[company + 1 : analysts]), names(lines[analysts + 1 : end])


@pytest.mark.parametrize("relative", ["AMD/AMD_4Q25.txt", "AVGO/AVGO_1Q26.txt"])
def test_title_over_two_lines_is_a_merged_call(transcripts_dir: Path, relative: str) -> None:
    # Line 1 is the company ('Broadcom Inc.'), line 3 '(AVGO) Q1 2026 Earnings Call March 4, ...'.
    path = transcripts_dir / relative
    assert detect_format(read_transcript_text(path), path) == "merged_columns"
    call = _only_call(path)
    company, analysts = _listed(path)
    roles = {p["name"]: p["role"] for p in call["participants"]}
    assert {n: roles[n] for n in analysts} == dict.fromkeys(analysts, "analyst")
    assert {roles[n] for n in company} <= {"management", "investor_relations"}
    # Everyone who speaks is listed (or the operator); nobody is left unknown.
    assert {t["speaker"] for t in call["turns"]} <= {*company, *analysts, "Operator"}
    assert "unknown" not in {t["role"] for t in call["turns"]}
    sections = [t["section"] for t in call["turns"]]
    assert sections[0] == "prepared" and sections[-1] == "qa"
    assert sections == sorted(sections, key=lambda s: s == "qa")
    first_qa = sections.index("qa")
    assert call["turns"][first_qa]["role"] == "operator"
    assert call["turns"][first_qa + 1]["role"] == "analyst"
    assert all(t["role"] != "analyst" for t in call["turns"][:first_qa])


def test_amd_4q25(transcripts_dir: Path) -> None:
    call = _only_call(transcripts_dir / "AMD" / "AMD_4Q25.txt")
    assert call["title"] == ("Advanced Micro Devices, Inc. (AMD) Q4 2025 Earnings Call "
                             "February 3, 2026 5:00 PM EST")
    assert (call["ticker"], call["fiscal_year"], call["fiscal_quarter"]) == ("AMD", 2025, 4)
    assert call["date"].isoformat() == "2026-02-03"
    roles = {p["name"]: p["role"] for p in call["participants"]}
    assert roles["Matthew Ramsay"] == "investor_relations"
    assert roles["Lisa Su"] == roles["Jean Hu"] == "management"
    su = next(t for t in call["turns"] if t["speaker"] == "Lisa Su")
    assert su["section"] == "prepared"
    assert "fourth quarter revenue grew 34% year-over-year to $10.3 billion" in su["text"]
    # 'Melius Research LLC: Lisa, I wanted to ask you about OpenAI.' is Ben Reitzes's firm.
    question = next(t for t in call["turns"]
                    if t["text"].startswith("Lisa, I wanted to ask you about OpenAI."))
    assert (question["speaker"], question["role"], question["section"]) == (
        "Benjamin Reitzes", "analyst", "qa")
    # 'Jean Hu: Executive VP, CFO & Treasurer Tim, thanks ...': the title is not speech.
    answer = next(t for t in call["turns"]
                  if t["text"].startswith("Tim, thanks for your question."))
    assert (answer["speaker"], answer["role"]) == ("Jean Hu", "management")


def test_avgo_1q26(transcripts_dir: Path) -> None:
    call = _only_call(transcripts_dir / "AVGO" / "AVGO_1Q26.txt")
    assert call["title"].startswith("Broadcom Inc. (AVGO) Q1 2026 Earnings Call March 4, 2026")
    assert (call["ticker"], call["fiscal_year"], call["fiscal_quarter"]) == ("AVGO", 2026, 1)
    roles = {p["name"]: p["role"] for p in call["participants"]}
    assert roles["Ji Yoo"] == "investor_relations"
    assert roles["Hock Tan"] == roles["Kirsten Spears"] == roles["Charlie Kawwas"] == "management"
    tan = next(t for t in call["turns"] if t["speaker"] == "Hock Tan")
    assert tan["section"] == "prepared"
    assert "In our fiscal Q1 2026, total revenue reached a record $19.3 billion" in tan["text"]
    # Line 135 is 'Charlie Kawwas: President of Semiconductor Solutions' and nothing else: no
    # turn of speech is made of his title; the operator's next introduction follows the question.
    texts = [t["text"] for t in call["turns"]]
    assert "President of Semiconductor Solutions" not in texts
    i = next(i for i, t in enumerate(texts) if t.endswith("Sorry to sneak that in."))
    assert call["turns"][i]["speaker"] == "Benjamin Reitzes"
    assert call["turns"][i + 1]["role"] == "operator"


def test_event_brief_keeps_the_summary_apart_and_the_verbatim_qa(transcripts_dir: Path) -> None:
    path = transcripts_dir / "AAPL" / "2019-Jan-29-AAPL.txt"
    raw = read_transcript_text(path)
    assert raw.count("<Sync id=") > 0
    call = _only_call(path)
    assert "Event Brief" in call["parse_notes"]
    assert [t["section"] for t in call["turns"]][:2] == ["summary", "summary"]
    assert {t["section"] for t in call["turns"]} == {"summary", "qa"}
    assert not any("<Sync" in t["text"] for t in call["turns"])
    # "I. 1Q19 Business Review (T.C.)" and "II. 1Q19 Financials (L.M.)": speakers by initials.
    review, financials = (t for t in call["turns"] if t["section"] == "summary")
    assert (review["speaker"], review["role"]) == ("Timothy D. Cook", "management")
    assert (financials["speaker"], financials["role"]) == ("Luca Maestri", "management")
    # A child bullet carries its parents, in plain words ("Dec. qtr.", "$84.3b", "YoverY").
    assert ("Highlights: December quarter revenue, $84.3 billion - Down 5% year over year, or 3% "
            "adjusting for FX.") in review["text"].splitlines()
    assert any(line.endswith("Services gross margin 62.8%.")
               for line in financials["text"].splitlines())
    qa = [t for t in call["turns"] if t["section"] == "qa"]
    assert (qa[0]["role"], qa[0]["text"]) == (
        "operator", "Our first question will come from Katy Huberty with Morgan Stanley.")
    cook = next(t for t in qa if t["speaker"] == "Timothy D. Cook")
    assert cook["role"] == "management" and cook["text"].startswith("Steve, it's Tim.")


def test_name_broken_over_lines_and_first_bare_speaker(transcripts_dir: Path) -> None:
    # TSLA_2Q25.txt lists 'Elon R.' / '' / 'Musk - Co-Founder, ...' (one person), and the body
    # starts with the bare name 'Travis Axelrod' right after the analyst list: he is the
    # Head of Investor Relations speaking, not one more analyst.
    path = transcripts_dir / "TSLA" / "TSLA_2Q25.txt"
    call = _only_call(path)
    roles = {p["name"]: p["role"] for p in call["participants"]}
    assert roles["Elon R. Musk"] == "management"
    assert "Musk" not in roles and "Elon R." not in roles
    assert roles["Travis Axelrod"] == "investor_relations"
    first = call["turns"][0]
    assert (first["speaker"], first["role"]) == ("Travis Axelrod", "investor_relations")
    assert first["text"].startswith("Good afternoon, everyone, and welcome to Tesla's")
    assert "unknown" not in {t["role"] for t in call["turns"]}
    assert {t["role"] for t in call["turns"] if t["speaker"] == "Travis Axelrod"} == {
        "investor_relations"}
