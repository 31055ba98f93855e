"""Format detection and the less common shapes: single-file S&P, unlisted speakers, twins."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from claimtracker.db import Store
from ingest.transcripts import calls_for, ingest_transcripts
from ingest.transcripts.detect import detect_format
from ingest.transcripts.reading import read_transcript_text

ACME = Path(__file__).resolve().parent.parent / "fixtures" / "transcripts" / "ACME"


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("AMZN/2016-Jan-28-AMZN.txt", "streetevents"),
        ("AMZN/2020-Jul-30-AMZN.txt", "streetevents"),  # 'Refinitiv StreetEvents'
        ("AMZN/AMZN_2Q25.txt", "merged_columns"),
        ("AMZN/AMZN_3Q25.txt", "merged_columns"),
        ("AMZN/AMZN_4Q25.txt", "merged_columns"),
        ("GOOG/GOOG_3Q25.txt", "merged_columns"),
        ("AMZN/AMZN_3Q25_presentation.txt", "sp"),
        ("AMZN/AMZN_3Q25_qna.txt", "sp_qna"),
        ("META/META_3Q25_qna.txt", "sp_qna"),
    ],
)
def test_detect_format(transcripts_dir: Path, relative: str, expected: str) -> None:
    path = transcripts_dir / relative
    assert detect_format(read_transcript_text(path), path) == expected


def _pair(folder: Path, call: str) -> list[Path]:
    """The presentation + Q&A files of one split call (not the whole, growing folder)."""
    return [folder / f"{call}_presentation.txt", folder / f"{call}_qna.txt"]


def _only_call(paths: list[Path]) -> dict:
    with Store.open(None) as store:
        summary = ingest_transcripts(store, paths, progress=False)
        assert summary.errors == [], summary.render()
        calls = calls_for(store)
    assert len(calls) == 1
    return calls[0]


def test_single_file_sp_equals_the_split_pair(transcripts_dir: Path, tmp_path: Path) -> None:
    nvda = transcripts_dir / "NVDA"
    whole = tmp_path / "NVDA" / "NVDA_3Q26.txt"
    whole.parent.mkdir()
    whole.write_text(
        (nvda / "NVDA_3Q26_presentation.txt").read_text(encoding="utf-8") + "\n\n"
        + (nvda / "NVDA_3Q26_qna.txt").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    single = _only_call([whole])
    pair = _only_call(_pair(nvda, "NVDA_3Q26"))
    assert single["format"] == "sp" and pair["format"] == "sp_split"
    assert single["call_id"] == pair["call_id"]
    keys = ("order", "speaker", "role", "section", "text")
    assert [{k: t[k] for k in keys} for t in single["turns"]] == [
        {k: t[k] for k in keys} for t in pair["turns"]
    ]


def test_unlisted_speakers_are_kept_never_dropped() -> None:
    call = _only_call([ACME / "ACME_2Q25.txt"])
    assert (call["ticker"], call["fiscal_year"], call["fiscal_quarter"]) == ("ACME", 2025, 2)
    by_text = {t["text"]: (t["speaker"], t["role"], t["section"]) for t in call["turns"]}
    assert by_text["Could you repeat the margin figure?"] == (
        "Unidentified Analyst", "analyst", "qa")
    # Not listed, but the title line names a research firm: an analyst.
    assert by_text["And one more on robotics, please."] == ("Bob Jones", "analyst", "qa")
    # Not listed, no firm, no officer title: unknown, kept.
    assert by_text["I can add some color on that."] == ("Mystery Person", "unknown", "qa")
    assert by_text["Thank you. With me today is Jane Roe, our CEO. Jane?"][1] == (
        "investor_relations")
    assert "Mystery Person" in call["parse_notes"]
    roles = {p["name"]: p["role"] for p in call["participants"]}
    assert roles["Mystery Person"] == "unknown" and roles["Bob Jones"] == "analyst"


def test_streetevents_unlisted_speakers() -> None:
    call = _only_call([ACME / "ACME_2Q25_streetevents.txt"])
    by_speaker = {t["speaker"]: t["role"] for t in call["turns"]}
    assert by_speaker["Carl Diaz"] == "management"       # the company named in the header
    assert by_speaker["Dana Wu"] == "analyst"            # an outside firm
    assert by_speaker["Unidentified Participant"] == "unknown"
    last = call["turns"][-1]
    assert last["text"] == "A follow-up on margins?"     # the Definitions page is not speech
    assert call["date"].isoformat() == "2025-07-24"


def test_two_versions_of_one_call_are_one_call(transcripts_dir: Path, tmp_path: Path) -> None:
    """Same ticker, quarter and date but edited words (another vendor): still one call."""
    edited = tmp_path / "NVDA"
    edited.mkdir()
    originals = _pair(transcripts_dir / "NVDA", "NVDA_3Q26")
    for path in originals:
        shutil.copy(path, edited / path.name)
    qna = edited / "NVDA_3Q26_qna.txt"
    qna.write_text(qna.read_text(encoding="utf-8").replace("Inferencing...", "Inference..."),
                   encoding="utf-8")
    with Store.open(None) as store:
        ingest_transcripts(store, originals, progress=False)
        summary = ingest_transcripts(store, [edited], progress=False)
        assert summary.as_dict()["calls_duplicate"] == 1
        call, = calls_for(store)
        assert len(call["source_files"]) == 4
        assert any(t["text"] == "Inferencing..." for t in call["turns"])  # the first kept


def test_a_changed_parse_of_the_same_file_is_rewritten(transcripts_dir: Path) -> None:
    with Store.open(None) as store:
        msft = _pair(transcripts_dir / "MSFT", "MSFT_1Q26")
        ingest_transcripts(store, msft, progress=False)
        store.con.execute("UPDATE turns SET role = 'unknown' WHERE ord = 6")
        summary = ingest_transcripts(store, msft, progress=False)
        assert summary.as_dict()["calls_updated"] == 1
        role = store.con.execute("SELECT role FROM turns WHERE ord = 6").fetchone()[0]
        assert role == "analyst"  # Keith Weiss's question, as the file says


def test_merged_columns_small_example() -> None:
    path = ACME / "ACME_3Q25.txt"
    assert detect_format(read_transcript_text(path), path) == "merged_columns"
    call = _only_call([path])
    got = [(t["speaker"], t["role"], t["section"], t["text"]) for t in call["turns"]]
    assert got == [
        ("Operator", "operator", "prepared",
         "Welcome to the Acme third quarter call. I will now hand over to our CEO. "
         "Please go ahead."),
        ("Jane Roe", "management", "prepared",
         "Revenue grew 9% to $1.3 billion.\nLooking Ahead: we expect capital expenditures to "
         "fall in 2026. With that, let's take questions."),
        ("Operator", "operator", "qa",
         "Our first question comes from Ann Lee with Morgan Stanley."),
        ("Ann Lee", "analyst", "qa", "How fast will capex fall?"),
        ("Jane Roe", "management", "qa", "Gradually, over two years."),
        ("Unidentified Analyst", "analyst", "qa", "And the margin?"),
        ("Jane Roe", "management", "qa", "About 10%."),
    ]
