"""Storing calls: one call per content, idempotent runs, bad files, filing links."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from claimtracker.db import Store
from claimtracker.errors import InputError
from ingest.transcripts import calls_for, ingest_transcripts
from ingest.transcripts.identity import normalise_text

BAD = Path(__file__).resolve().parent.parent / "fixtures" / "transcripts" / "bad"
_TABLES = ("calls", "call_participants", "turns", "call_filings")


def _counts(store: Store) -> dict[str, int]:
    return {t: store.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in _TABLES}


def _management_text(call: dict) -> str:
    return normalise_text(" ".join(t["text"] for t in call["turns"] if t["role"] == "management"))


def test_amzn_3q25_one_file_and_two_files_are_one_call(transcripts_dir: Path) -> None:
    amzn = transcripts_dir / "AMZN"
    with Store.open(None) as merged, Store.open(None) as split, Store.open(None) as both:
        ingest_transcripts(merged, [amzn / "AMZN_3Q25.txt"], progress=False)
        ingest_transcripts(
            split, [amzn / "AMZN_3Q25_presentation.txt", amzn / "AMZN_3Q25_qna.txt"],
            progress=False,
        )
        one, = calls_for(merged)
        two, = calls_for(split)
        assert (one["format"], two["format"]) == ("merged_columns", "sp_split")
        assert one["call_id"] == two["call_id"]
        assert _management_text(one) == _management_text(two)
        assert len(_management_text(one)) > 20_000
        assert [(t["speaker"], t["role"], t["section"]) for t in one["turns"]] == [
            (t["speaker"], t["role"], t["section"]) for t in two["turns"]
        ]
        # All three files in one run: ONE call, kept from the better-structured pair.
        summary = ingest_transcripts(both, [amzn], progress=False)
        calls = calls_for(both, ticker="AMZN", quarter="2025Q3")
        assert len(calls) == 1
        assert calls[0]["format"] == "sp_split"
        assert sorted(Path(f).name for f in calls[0]["source_files"]) == [
            "AMZN_3Q25.txt", "AMZN_3Q25_presentation.txt", "AMZN_3Q25_qna.txt",
        ]
        assert summary.as_dict()["calls_replaced"] == 1


def test_second_run_changes_nothing(pinned_transcripts: Path, pinned_calls: dict) -> None:
    # Calls are read once per file, or once per presentation + Q&A pair.
    readings = sum(1 if len(p) == 1 else len(p) - 1 for p in pinned_calls.values())
    with Store.open(None) as store:
        first = ingest_transcripts(store, [pinned_transcripts], progress=False)
        before = _counts(store)
        snapshot = store.con.execute(
            "SELECT call_id, ord, speaker, role, section, text FROM turns ORDER BY ALL"
        ).fetchall()
        second = ingest_transcripts(store, [pinned_transcripts], progress=False)
        assert first.as_dict()["calls_new"] == len(pinned_calls)
        assert second.as_dict()["calls_new"] == 0
        # AMZN_3Q25.txt and the AMZN_3Q25 pair: two readings of one call.
        assert readings > len(pinned_calls)
        assert second.as_dict()["calls_unchanged"] == readings
        assert _counts(store) == before
        assert store.con.execute(
            "SELECT call_id, ord, speaker, role, section, text FROM turns ORDER BY ALL"
        ).fetchall() == snapshot
        runs = store.con.execute("SELECT kind, status FROM runs ORDER BY run_id").fetchall()
        assert runs == [("transcripts", "ok"), ("transcripts", "ok")]


def test_a_renamed_copy_is_the_same_call(transcripts_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "NVDA" / "nvidia-call-Q3-FY2026.txt"
    copy.parent.mkdir()
    shutil.copy(transcripts_dir / "AMZN" / "2019-Oct-24-AMZN.txt", copy)
    with Store.open(None) as store:
        ingest_transcripts(store, [transcripts_dir / "AMZN" / "2019-Oct-24-AMZN.txt"],
                           progress=False)
        summary = ingest_transcripts(store, [copy], progress=False)
        assert summary.as_dict()["calls_duplicate"] == 1
        assert _counts(store)["calls"] == 1


def test_bad_inputs_are_named_and_skipped(transcripts_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(BAD, folder / "bad")
    good = folder / "NVDA"
    good.mkdir()
    for name in ("NVDA_3Q26_presentation.txt", "NVDA_3Q26_qna.txt"):
        shutil.copy(transcripts_dir / "NVDA" / name, good / name)
    with Store.open(None) as store:
        summary = ingest_transcripts(store, [folder], progress=False)
        errors = {Path(e["input"]).name: e["error"] for e in summary.errors}
        assert set(errors) == {"empty.txt", "binary.txt", "latin1.txt", "no_structure.txt"}
        assert "empty" in errors["empty.txt"]
        assert "binary" in errors["binary.txt"]
        assert "not UTF-8" in errors["latin1.txt"]
        assert "no recognisable transcript structure" in errors["no_structure.txt"]
        for name, message in errors.items():
            assert name in message  # the message names the file
        assert summary.exit_code == 1
        calls = calls_for(store)
        assert [c["ticker"] for c in calls] == ["NVDA"]  # the good call carried on
        assert store.con.execute("SELECT status FROM runs").fetchone()[0] == "failed"


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with Store.open(None) as store, pytest.raises(InputError, match="no such file"):
        ingest_transcripts(store, [tmp_path / "nope"], progress=False)


def _nvda_3q26(transcripts: Path) -> list[Path]:
    """NVIDIA's fiscal 2026 Q3 call (presentation + Q&A), not the whole NVDA folder."""
    return [transcripts / "NVDA" / f"NVDA_3Q26_{part}.txt" for part in ("presentation", "qna")]


def _add_company_and_filing(store: Store, accession: str, year: int, quarter: int) -> None:
    store.con.execute(
        "INSERT OR IGNORE INTO companies (cik, ticker, name, fiscal_year_end) "
        "VALUES (1045810, 'NVDA', 'NVIDIA CORP', '0126')"
    )
    store.con.execute(
        "INSERT INTO filings (accession, cik, form, fiscal_year, fiscal_quarter, status) "
        "VALUES (?, 1045810, '10-Q', ?, ?, 'ok')",
        [accession, year, quarter],
    )


def test_calls_link_to_filings_of_the_same_fiscal_quarter(transcripts_dir: Path) -> None:
    with Store.open(None) as store:
        _add_company_and_filing(store, "0001045810-25-000230", 2026, 3)
        _add_company_and_filing(store, "0001045810-25-000209", 2026, 2)
        summary = ingest_transcripts(store, _nvda_3q26(transcripts_dir), progress=False)
        assert summary.links_added == 1
        call, = calls_for(store, ticker="NVDA")
        assert call["cik"] == 1045810
        assert [f["accession"] for f in call["filings"]] == ["0001045810-25-000230"]


def test_filings_arriving_later_are_linked_on_the_next_run(transcripts_dir: Path) -> None:
    with Store.open(None) as store:
        ingest_transcripts(store, _nvda_3q26(transcripts_dir), progress=False)
        assert _counts(store)["call_filings"] == 0
        _add_company_and_filing(store, "0001045810-25-000230", 2026, 3)
        summary = ingest_transcripts(store, _nvda_3q26(transcripts_dir), progress=False)
        assert summary.links_added == 1
        assert calls_for(store)[0]["filings"][0]["accession"] == "0001045810-25-000230"


def test_folders_skip_notes_hidden_and_non_text_files(tmp_path: Path) -> None:
    from ingest.transcripts import collect_files

    for name in ("AMZN/AMZN_1Q26.txt", "AMZN/README.md", "AMZN/.draft.txt", "AMZN/slides.pdf",
                 ".cache/x.txt", "notes.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = [p.relative_to(tmp_path).as_posix() for p in collect_files([tmp_path])]
    assert found == ["AMZN/AMZN_1Q26.txt", "notes.md"]
    # A file named explicitly is always taken.
    assert collect_files([tmp_path / "AMZN" / "slides.pdf"]) == [tmp_path / "AMZN" / "slides.pdf"]
