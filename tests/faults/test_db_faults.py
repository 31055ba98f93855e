"""Issue 12, scenarios 3, 5 and 6a: the DB is opened only as asked, and environment faults
(read-only folder, full disk, bad bytes on stdin, a killed run) end with a clear message.

Every case runs the real CLI in a subprocess on real files made by the test: a small DB built
from a ../shared transcript, a SQLite file from the sqlite3 module, another application's
DuckDB file, a read-only folder, a 2 MB tmpfs. Each asserts the message names the file and
the fix, the exit code, and that no file was created or changed.

Permissions: as root, chmod does not bite, so the permission cases run the CLI as root with
every capability dropped (`setpriv`): the files belong to root, so their mode bits apply.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from claimtracker.db import Store
from claimtracker.runs import process_gone, process_start

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
TRANSCRIPT = SHARED / "transcripts" / "AMZN" / "AMZN_3Q25.txt"
SECOND_TRANSCRIPT = SHARED / "transcripts" / "AMZN" / "AMZN_2Q25.txt"
CLI = [sys.executable, "-c", "from pipeline.cli import main; main()"]
STORAGE_EXIT = 74
INPUT_EXIT = 2

pytestmark = pytest.mark.skipif(not TRANSCRIPT.is_file(), reason="../shared is missing")


def run_cli(*args: str, cwd: Path, no_caps: bool = False, stdin: bytes | None = None,
            wrap: list[str] | None = None,
            preexec: Callable[[], None] | None = None) -> subprocess.CompletedProcess[str]:
    """`claimtracker ARGS` in a subprocess; `no_caps` drops root's capabilities first."""
    env = {**os.environ, "HOME": str(cwd), "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO)}
    prefix: list[str] = []
    if no_caps and os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: cannot drop capabilities")
        prefix = ["setpriv", "--inh-caps=-all", "--bounding-set=-all"]
    done = subprocess.run([*(wrap or []), *prefix, *CLI, *args], cwd=cwd, env=env, input=stdin,
                          capture_output=True, timeout=300, preexec_fn=preexec)
    return subprocess.CompletedProcess(done.args, done.returncode,
                                       done.stdout.decode("utf-8", "replace"),
                                       done.stderr.decode("utf-8", "replace"))


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file in the folder with its sha256: a created .wal or a changed byte shows."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file()}


def assert_clean_error(done: subprocess.CompletedProcess[str], code: int, *needles: str) -> None:
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith("Error: "), done.stderr
    for needle in needles:
        assert needle in done.stderr, (needle, done.stderr)


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A claimtracker DB holding one real Amazon call, checkpointed (no .wal)."""
    from ingest.transcripts.ingest import ingest_transcripts

    path = tmp_path_factory.mktemp("base") / "ct.duckdb"
    with Store.open(path) as store:
        ingest_transcripts(store, [TRANSCRIPT], progress=False)
        store.con.execute("CHECKPOINT")
    return path


@pytest.fixture
def db_copy(small_db: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "db"
    folder.mkdir()
    return Path(shutil.copy2(small_db, folder / "ct.duckdb"))


# -- scenario 3: --db reaches only where it is asked to -----------------------------------------
@pytest.mark.parametrize("command", [["status"], ["search", "custom chips"],
                                     ["facts", "--ticker", "AMZN"], ["calls"]])
def test_reading_command_never_creates_a_mistyped_db(command: list[str], tmp_path: Path) -> None:
    typo = tmp_path / "dta" / "claimtracker.duckdb"
    done = run_cli(*command, "--db", str(typo), cwd=tmp_path)
    assert_clean_error(done, INPUT_EXIT, str(typo), "does not exist", "claimtracker ingest",
                       "--init-db")
    assert not typo.parent.exists()


def test_init_db_is_the_explicit_way_to_create(tmp_path: Path) -> None:
    path = tmp_path / "new" / "ct.duckdb"
    done = run_cli("status", "--init-db", "--db", str(path), "--format", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["totals"]["calls"] == 0
    with Store.open(path, read_only=True) as store:
        assert not store.pending_migrations()


def test_another_applications_duckdb_is_refused_untouched(tmp_path: Path) -> None:
    other = tmp_path / "analytics.duckdb"
    with duckdb.connect(str(other)) as con:
        con.execute("CREATE TABLE orders AS SELECT range AS id, range * 2.5 AS amount "
                    "FROM range(1000)")
    before = fingerprint(tmp_path)
    for command in (["status"], ["ingest-transcripts", str(TRANSCRIPT), "--no-progress"]):
        done = run_cli(*command, "--db", str(other), cwd=tmp_path)
        assert_clean_error(done, INPUT_EXIT, str(other), "another application", "orders",
                           "--init-db", "left untouched")
        assert fingerprint(tmp_path) == before

    done = run_cli("status", "--init-db", "--db", str(other), cwd=tmp_path)  # asked: initialise
    assert done.returncode == 0, done.stderr
    with duckdb.connect(str(other), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM orders").fetchone() == (1000,)
        assert con.execute("SELECT count(*) FROM _migrations").fetchone()[0] >= 5


def test_sqlite_file_is_refused_without_reaching_for_an_extension(tmp_path: Path) -> None:
    lite = tmp_path / "notes.db"
    with sqlite3.connect(lite) as con:
        con.execute("CREATE TABLE notes (body TEXT)")
        con.execute("INSERT INTO notes VALUES ('margin harvest')")
    con.close()
    before = fingerprint(tmp_path)
    for command in (["status"], ["ingest-transcripts", str(TRANSCRIPT), "--no-progress"]):
        done = run_cli(*command, "--db", str(lite), "--init-db", cwd=tmp_path)
        assert_clean_error(done, INPUT_EXIT, str(lite), "SQLite database", "left untouched")
    assert fingerprint(tmp_path) == before
    assert not (tmp_path / ".duckdb").exists()  # DuckDB's extension folder under $HOME


def test_store_connections_never_install_or_autoload_extensions(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    lite = tmp_path / "notes.db"
    sqlite3.connect(lite).close()
    with Store.open(tmp_path / "ct.duckdb") as store:
        settings = store.con.execute(
            "SELECT current_setting('autoinstall_known_extensions'), "
            "current_setting('autoload_known_extensions')").fetchone()
        assert settings == (False, False)
        with pytest.raises(duckdb.Error, match="sqlite"):
            store.con.execute(f"ATTACH '{lite}' AS lite (TYPE sqlite)")
        store.load_fts()  # our one extension still loads, from its pip package
    assert not (tmp_path / ".duckdb").exists()


def test_status_reads_a_db_in_a_read_only_folder_without_writing(db_copy: Path) -> None:
    folder = db_copy.parent
    before = fingerprint(folder)
    folder.chmod(0o555)
    try:
        done = run_cli("status", "--db", str(db_copy), "--format", "json", cwd=folder.parent,
                       no_caps=True)
    finally:
        folder.chmod(0o755)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["totals"]["calls"] == 1
    assert fingerprint(folder) == before


def test_status_reports_pending_migrations_instead_of_applying_them(db_copy: Path) -> None:
    with duckdb.connect(str(db_copy)) as con:  # as an older claimtracker left it
        con.execute("DROP TABLE run_owners")
        con.execute("DELETE FROM _migrations WHERE name = '0005_run_owner'")
    before = fingerprint(db_copy.parent)
    done = run_cli("status", "--db", str(db_copy), cwd=db_copy.parent)
    assert done.returncode == 0, done.stderr
    assert "migrations pending (0005_run_owner)" in done.stdout
    assert fingerprint(db_copy.parent) == before

    with duckdb.connect(str(db_copy)) as con:  # a migration readers need: refused, not applied
        con.execute("DELETE FROM _migrations WHERE name = '0004_claims'")
    before = fingerprint(db_copy.parent)
    done = run_cli("status", "--db", str(db_copy), cwd=db_copy.parent)
    assert_clean_error(done, 1, str(db_copy), "0004_claims", "writing command")
    assert fingerprint(db_copy.parent) == before


# -- scenario 5: environment faults become StorageError / InputError ------------------------------
def test_writing_into_a_read_only_folder_names_the_folder_and_the_fix(db_copy: Path) -> None:
    folder = db_copy.parent
    before = fingerprint(folder)
    folder.chmod(0o555)
    try:
        done = run_cli("ingest-transcripts", str(SECOND_TRANSCRIPT), "--db", str(db_copy),
                       "--no-progress", cwd=folder.parent, no_caps=True)
    finally:
        folder.chmod(0o755)
    assert_clean_error(done, STORAGE_EXIT, f"{db_copy}.wal", "Permission denied",
                       f"make {folder}", "writable")
    assert fingerprint(folder) == before


def _tmpfs_wrap(mountpoint: Path) -> list[str] | None:
    """`unshare -m` + a 2 MB tmpfs private to the child, or None where mounting is not allowed."""
    if shutil.which("unshare") is None:
        return None
    probe = subprocess.run(["unshare", "-m", "sh", "-c",
                            f"mount -t tmpfs -o size=2m tmpfs {mountpoint}"],
                           capture_output=True)
    if probe.returncode != 0:
        return None
    return ["unshare", "-m", "sh", "-c",
            f'mount -t tmpfs -o size=2m tmpfs {mountpoint} && "$@"; rc=$?; '
            f"cp -a {mountpoint}/. {mountpoint}.after/; exit $rc", "sh"]


def test_disk_full_during_ingest_is_a_storage_error_and_loses_nothing(tmp_path: Path) -> None:
    """A real ENOSPC on a 2 MB tmpfs where mounting works; else RLIMIT_FSIZE (EFBIG)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    (tmp_path / "disk.after").mkdir()
    folders = [str(SHARED / "transcripts" / t) for t in ("MSFT", "AMZN", "NVDA")]
    wrap = _tmpfs_wrap(mount)
    if wrap is not None:
        done = run_cli("ingest-transcripts", *folders, "--db", str(mount / "ct.duckdb"),
                       "--no-progress", cwd=tmp_path, wrap=wrap)
        assert_clean_error(done, STORAGE_EXIT, f"{mount}/ct.duckdb", "the disk is full",
                           "No space left on device", "free space")
        after = tmp_path / "disk.after" / "ct.duckdb"
    else:
        def limit() -> None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (3_000_000, 3_000_000))

        done = run_cli("ingest-transcripts", *folders, "--db", str(mount / "ct.duckdb"),
                       "--no-progress", cwd=tmp_path, preexec=limit)
        assert_clean_error(done, STORAGE_EXIT, f"{mount}/ct.duckdb", "File too large",
                           "ulimit -f")
        after = mount / "ct.duckdb"
    # What was committed before the disk filled is there, and the run says it failed.
    report = run_cli("status", "--db", str(after), "--format", "json", cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    data = json.loads(report.stdout)
    assert data["totals"]["calls"] > 0
    assert data["runs"][0]["status"] == "failed"
    # With room again, the rerun completes it: as many calls as a run that never failed.
    roomy = tmp_path / "roomy"
    roomy.mkdir()
    resumed = Path(shutil.copy2(after, roomy / "ct.duckdb"))
    if after.with_name("ct.duckdb.wal").exists():
        shutil.copy2(after.with_name("ct.duckdb.wal"), roomy / "ct.duckdb.wal")
    clean = roomy / "clean.duckdb"
    for db in (resumed, clean):
        done = run_cli("ingest-transcripts", *folders, "--db", str(db), "--no-progress",
                       cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    with Store.open(resumed, read_only=True) as a, Store.open(clean, read_only=True) as b:
        count = "SELECT count(*) FROM calls"
        assert a.con.execute(count).fetchone() == b.con.execute(count).fetchone()


def test_tag_with_invalid_utf8_on_stdin_names_the_line(tmp_path: Path) -> None:
    text = TRANSCRIPT.read_text(encoding="utf-8").splitlines()[:3]
    payload = ("\n".join(text) + "\n").encode() + "매출 성장\n".encode("cp949")
    done = run_cli("tag", cwd=tmp_path, stdin=payload)
    assert_clean_error(done, INPUT_EXIT, "stdin line 4", "not valid UTF-8", "iconv")
    assert done.stdout == ""


# -- scenario 6a: a run whose process was killed -------------------------------------------------
_HOLDER = """
import sys, time
from claimtracker.db import Store
from claimtracker.runs import record_run
store = Store.open(sys.argv[1])
with record_run(store, "ingest-dir", {"path": "../shared/edgar"}):
    print("running", flush=True)
    time.sleep(120)
"""


def test_status_after_kill_9_shows_the_run_interrupted(db_copy: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(db_copy)], stdout=subprocess.PIPE,
                              text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "running"
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    before = fingerprint(db_copy.parent)
    done = run_cli("status", "--db", str(db_copy), "--format", "json", cwd=db_copy.parent)
    assert done.returncode == 0, done.stderr
    killed = json.loads(done.stdout)["runs"][0]
    assert (killed["kind"], killed["status"], killed["recorded_status"]) == (
        "ingest-dir", "interrupted", "running")
    text = run_cli("status", "--db", str(db_copy), cwd=db_copy.parent).stdout
    assert "ingest-dir interrupted (its process is gone)" in text
    assert fingerprint(db_copy.parent) == before  # status only reads

    # The next writer records it.
    done = run_cli("ingest-transcripts", str(SECOND_TRANSCRIPT), "--db", str(db_copy),
                   "--no-progress", cwd=db_copy.parent)
    assert done.returncode == 0, done.stderr
    with Store.open(db_copy, read_only=True) as store:
        rows = store.con.execute("SELECT kind, status FROM runs ORDER BY run_id").fetchall()
    assert rows[-2:] == [("ingest-dir", "interrupted"), ("transcripts", "ok")]


def test_a_recycled_pid_is_not_taken_for_the_run(tmp_path: Path) -> None:
    import socket

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        start = process_start(child.pid)
        here = socket.gethostname()
        assert not process_gone(child.pid, here, start)
        assert process_gone(child.pid, here, (start or 0) + 1)  # same pid, another process
        assert not process_gone(child.pid, "another-host", None)
    finally:
        child.kill()
        child.wait()
    assert process_gone(child.pid, socket.gethostname(), start)
