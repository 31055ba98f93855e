"""Issue 12, scenarios 1 and 2: `ingest --from-dir` never loses a better copy of a filing and
never stops on one bad file.

Every folder is built by the test from Amazon's real Q3 2024 earnings 8-K in ../shared/edgar:
the whole submission copied, a copy cut short, symlink loops, dangling links, files and
folders made unreadable (those run the CLI as an unprivileged user: see conftest.py).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimtracker.db import Store
from claimtracker.errors import InputError
from ingest.filings.discover import discover
from ingest.filings.local import ingest_dir
from ingest.filings.parse import parse_unit
from ingest.filings.writer import write_filing
from pipeline.cli import main

ACCESSION = "0001018724-24-000158"
MIRROR = "mirror/www.sec.gov/Archives/edgar/data/1018724/000101872424000158"
SUBMISSION = f"{ACCESSION}.txt"
CUT_AT = 375_557  # inside the EX-99.1 press release, as in the issue


def _copy_files(source: Path, target: Path) -> None:
    """Copy a folder's files writable (../shared is read-only; copytree would keep that)."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.iterdir()):
        shutil.copyfile(path, target / path.name)


def _complete(edgar_dir: Path, root: Path) -> Path:
    """The whole 8-K in the EDGAR mirror layout under `root`; returns the submission file."""
    folder = root / "1018724" / "000101872424000158"
    _copy_files(edgar_dir / MIRROR, folder)
    return folder / SUBMISSION


def _cut(edgar_dir: Path, target: Path, at: int = CUT_AT) -> Path:
    """A copy of the whole submission cut at byte `at`, written to `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes((edgar_dir / MIRROR / SUBMISSION).read_bytes()[:at])
    return target


def _filing(store: Store) -> dict:
    """What the DB holds of the 8-K: status, source, counts, EX-99.1 size, row digests."""
    con = store.con

    def one(sql: str) -> tuple:
        return con.execute(sql, [ACCESSION]).fetchone()

    return {
        "filing": one("SELECT status, source_path FROM filings WHERE accession = ?"),
        "documents": one("SELECT count(*) FROM documents WHERE accession = ?")[0],
        "sections": one("SELECT count(*) FROM sections WHERE accession = ?")[0],
        "ex991_chars": one("SELECT length(text) FROM documents WHERE accession = ? "
                           "AND type = 'EX-99.1'")[0],
        "rows": [one(f"SELECT count(*), sum(hash(t)) FROM (SELECT * FROM {table} "
                     "WHERE accession = ?) t") for table in ("documents", "sections", "facts")],
    }


@pytest.fixture
def reference(tmp_path: Path, edgar_dir: Path) -> dict:
    """The 8-K as a clean ingest of the whole submission stores it."""
    store = Store.open(None)
    try:
        ingest_dir(store, _complete(edgar_dir, tmp_path / "reference").parents[2],
                   progress=False)
        return _filing(store)
    finally:
        store.close()


# -- scenario 1: a worse copy never replaces a better one ---------------------------------------
def test_truncated_copy_does_not_replace_the_complete_filing(
        tmp_path: Path, edgar_dir: Path, fresh_db: Store) -> None:
    good = _complete(edgar_dir, tmp_path / "good")
    cut = _cut(edgar_dir, tmp_path / "cut" / SUBMISSION)
    assert ingest_dir(fresh_db, tmp_path / "good", progress=False).parsed == [ACCESSION]
    before = _filing(fresh_db)
    assert before["filing"] == ("ok", str(good)) and before["documents"] == 15
    assert before["ex991_chars"] == 34_321

    for _ in range(2):  # told again on every run, never stored
        summary = ingest_dir(fresh_db, tmp_path / "cut", progress=False)
        assert summary.parsed == [] and summary.failed == [] and summary.exit_code == 0
        [(accession, rejected, kept, reason)] = summary.kept_better
        assert (accession, rejected, kept) == (ACCESSION, str(cut), str(good))
        assert "this copy is truncated, 2 documents" in reason
        assert "the stored copy is ok, 15 documents" in reason
        assert "1 worse copy not stored" in summary.render()
        assert f"{ACCESSION}  {cut}: worse copy of {ACCESSION}, not stored" in summary.render()
        assert summary.as_dict()["kept_better"] == [
            {"accession": ACCESSION, "rejected_path": str(cut), "kept_path": str(good),
             "reason": reason}]
        assert _filing(fresh_db) == before
    # The complete source is still "unchanged" and stays the stored copy.
    again = ingest_dir(fresh_db, tmp_path / "good", progress=False)
    assert again.unchanged == [ACCESSION] and again.parsed == [] and not again.replaced_worse
    assert _filing(fresh_db) == before


def test_complete_copy_wins_when_it_comes_second(
        tmp_path: Path, edgar_dir: Path, fresh_db: Store, reference: dict) -> None:
    cut = _cut(edgar_dir, tmp_path / "cut" / SUBMISSION)
    first = ingest_dir(fresh_db, tmp_path / "cut", progress=False)
    assert first.parsed == [ACCESSION] and [t[0] for t in first.truncated] == [ACCESSION]
    damaged = _filing(fresh_db)
    assert damaged["filing"] == ("truncated", str(cut)) and damaged["documents"] == 2
    assert damaged["ex991_chars"] == 21_528

    good = _complete(edgar_dir, tmp_path / "reference")  # the path `reference` stored
    summary = ingest_dir(fresh_db, tmp_path / "reference", progress=False)
    assert summary.parsed == [ACCESSION] and summary.exit_code == 0
    [(accession, path, replaced, reason)] = summary.replaced_worse
    assert (accession, path, replaced) == (ACCESSION, str(good), str(cut))
    assert reason.startswith("better copy stored: this copy is ok, 15 documents")
    assert "Better copies stored over worse ones [1]" in summary.render()
    assert _filing(fresh_db) == reference


def test_unchanged_complete_file_restores_a_filing_a_cut_copy_replaced(
        tmp_path: Path, edgar_dir: Path, fresh_db: Store, reference: dict) -> None:
    """A DB damaged by an earlier version: the cut copy was written over the complete one.
    The complete file is unchanged by size, mtime and hash, yet it must win its place back."""
    _complete(edgar_dir, tmp_path / "reference")
    assert ingest_dir(fresh_db, tmp_path / "reference", progress=False).parsed == [ACCESSION]
    cut = _cut(edgar_dir, tmp_path / "cut" / SUBMISSION)
    [unit] = discover(cut).units
    filing = parse_unit(unit, discover(cut), {})
    write_filing(fresh_db, filing, cut, [])  # what the previous version did
    assert _filing(fresh_db)["filing"] == ("truncated", str(cut))

    summary = ingest_dir(fresh_db, tmp_path / "reference", progress=False)
    assert summary.parsed == [ACCESSION] and summary.unchanged == []
    assert [r[2] for r in summary.replaced_worse] == [str(cut)]
    assert _filing(fresh_db) == reference


def test_unparseable_copy_does_not_delete_the_stored_filing(
        tmp_path: Path, edgar_dir: Path, fresh_db: Store, reference: dict) -> None:
    _complete(edgar_dir, tmp_path / "reference")
    ingest_dir(fresh_db, tmp_path / "reference", progress=False)
    # Cut inside the SEC header, in a folder named after the accession (sec-edgar-downloader).
    bad = _cut(edgar_dir, tmp_path / "cut" / f"sec-edgar-filings/AMZN/8-K/{ACCESSION}"
               / "full-submission.txt", at=600)
    summary = ingest_dir(fresh_db, tmp_path / "cut", progress=False)
    [(path, reason)] = summary.failed
    assert path == str(bad) and summary.exit_code == 1
    assert "no <SEC-HEADER> block, so not an EDGAR submission; the stored copy (ok, " in reason
    assert "the stored copy (ok, 15 documents" in reason and reason.endswith("is kept")
    assert _filing(fresh_db) == reference


def test_equal_copy_elsewhere_is_not_written_again(
        tmp_path: Path, edgar_dir: Path, fresh_db: Store, reference: dict) -> None:
    _complete(edgar_dir, tmp_path / "reference")
    ingest_dir(fresh_db, tmp_path / "reference", progress=False)
    copy = _cut(edgar_dir, tmp_path / "copy" / SUBMISSION, at=10**9)  # the whole file
    summary = ingest_dir(fresh_db, tmp_path / "copy", progress=False)
    assert summary.parsed == [] and not summary.kept_better and summary.exit_code == 0
    assert (str(copy), f"same filing as {reference['filing'][1]} (ok, 15 documents, "
            "41,122 characters), already stored") in summary.skipped
    assert ingest_dir(fresh_db, tmp_path / "copy", progress=False).unchanged == [ACCESSION]
    assert _filing(fresh_db) == reference


def test_cli_names_the_worse_copy_in_text_and_json(tmp_path: Path, edgar_dir: Path) -> None:
    db = str(tmp_path / "ct.duckdb")
    good = _complete(edgar_dir, tmp_path / "good")
    cut = _cut(edgar_dir, tmp_path / "cut" / SUBMISSION)
    runner = CliRunner()
    ok = runner.invoke(main, ["ingest", "--from-dir", str(tmp_path / "good"), "--db", db,
                              "--no-progress"])
    assert ok.exit_code == 0, ok.output
    text = runner.invoke(main, ["ingest", "--from-dir", str(cut.parent), "--db", db,
                                "--no-progress"])
    assert text.exit_code == 0, text.output
    assert "0 filings parsed, 0 unchanged, 0 files skipped, 0 failed, " \
           "1 worse copy not stored." in text.output
    assert "Worse copies NOT stored, the better stored copy kept [1]:" in text.output
    as_json = runner.invoke(main, ["ingest", "--from-dir", str(cut.parent), "--db", db,
                                   "--no-progress", "--format", "json"])
    assert as_json.exit_code == 0
    [kept] = json.loads(as_json.output)["kept_better"]
    assert kept["rejected_path"] == str(cut) and kept["kept_path"] == str(good)


# -- scenario 2: one bad file never aborts the run ----------------------------------------------
def test_symlink_loops_and_dangling_links_are_skipped(
        tmp_path: Path, edgar_dir: Path, fresh_db: Store, reference: dict) -> None:
    root = tmp_path / "reference"
    submission = _complete(edgar_dir, root)
    (root / "loop-a.txt").symlink_to(root / "loop-b.txt")
    (root / "loop-b.txt").symlink_to(root / "loop-a.txt")
    (root / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (submission.parent / "self.htm").symlink_to(submission.parent / "self.htm")  # in a filing
    os.mkfifo(root / "pipe.txt")  # opening it would wait forever for a writer
    summary = ingest_dir(fresh_db, root, progress=False)
    assert summary.parsed == [ACCESSION] and summary.exit_code == 1
    failed = {Path(p).name: r for p, r in summary.failed}
    loop = "symbolic link loop (Too many levels of symbolic links): skipped; fix or remove the link"
    assert failed == {
        "loop-a.txt": loop, "loop-b.txt": loop, "self.htm": loop,
        "gone.txt": f"dangling symbolic link to {tmp_path / 'nowhere.txt'} (no such file): "
                    "skipped; fix or remove the link",
        "pipe.txt": "not a regular file (a pipe, socket or device): skipped",
    }
    assert f"  {root / 'gone.txt'}: dangling symbolic link" in summary.render()
    assert len(summary.as_dict()["failed_files"]) == 5
    assert _filing(fresh_db) == reference
    run = fresh_db.con.execute("SELECT status, errors FROM runs").fetchone()
    assert run[0] == "failed" and len(json.loads(run[1])) == 5
    # Given as the folder itself, a broken link is an error naming it, not a traceback.
    with pytest.raises(InputError, match=r"loop-a\.txt is a symbolic link loop"):
        ingest_dir(fresh_db, root / "loop-a.txt", progress=False)
    with pytest.raises(InputError, match=r"gone\.txt is a dangling symbolic link to"):
        ingest_dir(fresh_db, root / "gone.txt", progress=False)


def test_unreadable_files_and_folders_are_skipped(
        shared_workdir: Path, run_unprivileged, edgar_dir: Path, reference: dict) -> None:
    root = shared_workdir / "edgar"
    submission = _complete(edgar_dir, root)
    secret = root / "secret.txt"
    secret.write_bytes((edgar_dir / MIRROR / SUBMISSION).read_bytes()[:5000])
    locked = root / "locked"
    _copy_files(edgar_dir / MIRROR, locked / "1018724" / "000101872424000158")
    exhibit = submission.parent / "amzn-20240930xex992.htm"
    for path in (secret, locked, exhibit):
        path.chmod(0)
    db = str(shared_workdir / "ct.duckdb")
    done = run_unprivileged("ingest", "--from-dir", str(root), "--db", db, "--no-progress",
                            "--format", "json")
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    summary = json.loads(done.stdout)
    assert summary["parsed"] == 1 and summary["accessions_parsed"] == [ACCESSION]
    assert {f["path"]: f["reason"] for f in summary["failed_files"]} == {
        str(secret): "not readable (Permission denied): skipped; check its permissions",
        str(exhibit): "not readable (Permission denied): skipped; check its permissions",
        str(locked): "folder not readable (Permission denied): its files were skipped; "
                     "check its permissions",
    }
    text = run_unprivileged("ingest", "--from-dir", str(root), "--db", db, "--no-progress")
    assert text.returncode == 1 and "Traceback" not in text.stderr
    assert f"  {locked}: folder not readable (Permission denied)" in text.stdout
    assert "1 unchanged, " in text.stdout and ", 3 failed." in text.stdout
    store = Store.open(db, read_only=True)
    try:
        stored = _filing(store)
    finally:
        store.close()
    # The unreadable exhibit's separate copy does not matter: the whole submission holds it.
    assert {k: v for k, v in stored.items() if k != "filing"} == \
        {k: v for k, v in reference.items() if k != "filing"}
    assert stored["filing"] == ("ok", str(submission))
