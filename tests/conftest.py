"""Shared fixtures: a fresh in-memory store, and the real-data DBs built once per session.

Real data is read from ../shared (relative to the repo root), never copied into the repo.
The session DB holds every EDGAR file in ../shared/edgar but only the pinned transcripts
(every AMZN call and a few of each format): whole-corpus checks live in bench/transcripts.py
and in the `corpus`-marked test, deselected by default.
Expensive fixtures (the DB built from ../shared, the enriched DB, loaded models) are
session-scoped so the whole suite stays well under 15 minutes on 2 cores. The suite runs on
two pytest-xdist workers (`make test`): `built_once` makes the first worker that needs a
fixture build it under a file lock and every other worker reuse the same files.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import pickle
import re
import shutil
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock

from claimtracker.db import Store

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _this_machine() -> set[str]:
    """The addresses of this machine besides loopback: its host name's, and the one its
    default route leaves from (Ray's node address; a UDP "connect" sends nothing)."""
    own: set[str] = set()
    with contextlib.suppress(OSError):  # no resolvable host name
        own |= {str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None)}
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe, \
            contextlib.suppress(OSError):  # no route at all: loopback only
        probe.connect(("8.8.8.8", 80))
        own.add(probe.getsockname()[0])
    return own


def _local(host: object, own: set[str]) -> bool:
    if not isinstance(host, str):
        return True  # a Unix socket path (bytes) or a family we do not guard
    if host == "localhost" or host in own:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False  # a host name outside this machine: DNS and the network


@pytest.fixture(autouse=True, scope="session")
def no_network() -> Iterator[None]:
    """No test reaches the network: a TCP connection to any address outside this machine
    fails at once, naming it. EDGAR is served on 127.0.0.1 by the tests' own server; Ray and
    Streamlit talk over loopback."""
    own = _this_machine()
    connect, connect_ex = socket.socket.connect, socket.socket.connect_ex

    def check(sock: socket.socket, address: Any) -> None:
        if sock.type == socket.SOCK_STREAM and sock.family in (socket.AF_INET, socket.AF_INET6) \
                and not _local(address[0], own):
            raise OSError(f"tests must not reach the network: connection to {address!r} "
                          "refused by tests/conftest.py (serve a recorded response on "
                          "127.0.0.1 instead)")

    def guarded(sock: socket.socket, address: Any) -> None:
        check(sock, address)
        return connect(sock, address)

    def guarded_ex(sock: socket.socket, address: Any) -> int:
        check(sock, address)
        return connect_ex(sock, address)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", guarded)
        patch.setattr(socket.socket, "connect_ex", guarded_ex)
        yield


def _require(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"{path} is missing: the tests read real data from ../shared beside the repo.")
    return path


def built_once(factory: pytest.TempPathFactory, name: str,
               build: Callable[[Path], Any]) -> tuple[Path, Any]:
    """`build(folder)` run once for the whole test run, whichever xdist worker asks first.

    Returns the folder and what build returned (pickled beside the files, so a worker that
    did not build gets it too). Without xdist this is a plain session-scoped build."""
    root = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's base folder, shared by every worker
    folder, done = root / f"once-{name}", root / f"once-{name}.pickle"
    with FileLock(str(root / f"once-{name}.lock")):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a failed build left behind
            folder.mkdir()
            done.write_bytes(pickle.dumps(build(folder)))
    return folder, pickle.loads(done.read_bytes())


@pytest.fixture(scope="session")
def build_once(tmp_path_factory: pytest.TempPathFactory,
               ) -> Callable[[str, Callable[[Path], Any]], tuple[Path, Any]]:
    """`built_once` for the fixtures of the test folders' own conftest files."""
    return lambda name, build: built_once(tmp_path_factory, name, build)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return _require(SHARED)


@pytest.fixture(scope="session")
def edgar_dir(shared_dir: Path) -> Path:
    return _require(shared_dir / "edgar")


@pytest.fixture(scope="session")
def transcripts_dir(shared_dir: Path) -> Path:
    return _require(shared_dir / "transcripts")


#: Transcripts the suite ingests besides every AMZN file (the enriched DB, the seed ledger and
#: the app tests are about Amazon): one or two of each format and quirk, not the whole corpus
#: (../shared/transcripts keeps growing; `bench/transcripts.py` parses all of it).
PINNED_TRANSCRIPTS = (
    "NVDA/2016-Aug-11-NVDA.txt",        # StreetEvents, fiscal year ahead ('Q2 2017' in Aug 2016)
    "MU/2019-Dec-18-MU.txt",            # StreetEvents, September fiscal year end
    "AAPL/2019-Jan-29-AAPL.txt",        # StreetEvents Event Brief: summary + <Sync/>-tagged Q&A
    "NVDA/NVDA_3Q26_presentation.txt",  # S&P presentation + Q&A pair of another company
    "NVDA/NVDA_3Q26_qna.txt",
    "GOOG/GOOG_3Q25.txt",               # merged columns, 'Name:' / 'Title:' / 'Firm:' labels
    "GOOG/GOOG_1Q25.txt",               # merged columns, bare-name speakers; header says 2024
    "META/META_1Q25.txt",               # merged columns, bare-name speakers
    "GOOGL/2019-Apr-29-GOOGL.txt",      # Alphabet as GOOGL: one company with the GOOG files
    "AMD/AMD_4Q25.txt",                 # title broken over two lines ('Company' / '(AMD) Q4 ...')
    "AVGO/AVGO_1Q26.txt",               # the same, and a label followed only by its title
)


def pinned_transcript_files(transcripts: Path) -> list[Path]:
    """Every AMZN transcript plus PINNED_TRANSCRIPTS, as real paths under `transcripts`."""
    files = sorted((transcripts / "AMZN").glob("*.txt"))
    files += [transcripts / relative for relative in PINNED_TRANSCRIPTS]
    for path in files:
        _require(path)
    return files


@pytest.fixture(scope="session")
def pinned_transcripts(tmp_path_factory: pytest.TempPathFactory, transcripts_dir: Path) -> Path:
    """A folder of symlinks <TICKER>/<file> to the pinned transcripts (what the suite ingests).

    A folder (not a file list) so that `claimtracker update --transcripts` and the app's
    Data page can be pointed at exactly the files the session DB was built from."""
    def build(root: Path) -> None:
        for path in pinned_transcript_files(transcripts_dir):
            link = root / "transcripts" / path.parent.name / path.name
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(path)

    return built_once(tmp_path_factory, "pinned", build)[0] / "transcripts"


_PART = re.compile(r"_(presentation|qna)$")


def calls_by_file_name(files: list[Path]) -> dict[tuple[str, str], list[Path]]:
    """What the file names alone say about calls: {(folder, call): files}.

    A dated StreetEvents file ('2019-Apr-29-GOOGL') is one call; 'AMZN_3Q25.txt',
    'AMZN_3Q25_presentation.txt' and 'AMZN_3Q25_qna.txt' are all the call 'AMZN_3Q25'.
    Expected counts are derived from this, never from the parser under test."""
    calls: dict[tuple[str, str], list[Path]] = {}
    for path in files:
        calls.setdefault((path.parent.name, _PART.sub("", path.stem)), []).append(path)
    return calls


@pytest.fixture(scope="session")
def group_by_file_name() -> Callable[[list[Path]], dict[tuple[str, str], list[Path]]]:
    """calls_by_file_name, for tests that group other file sets (the whole corpus)."""
    return calls_by_file_name


@pytest.fixture(scope="session")
def pinned_calls(pinned_transcripts: Path) -> dict[tuple[str, str], list[Path]]:
    """The pinned transcripts grouped into calls by file name (see calls_by_file_name)."""
    return calls_by_file_name(sorted(pinned_transcripts.rglob("*.txt")))


@pytest.fixture
def fresh_db() -> Iterator[Store]:
    """An empty in-memory store with the full schema."""
    store = Store.open(None)
    yield store
    store.close()


@pytest.fixture(scope="session")
def shared_db_path(tmp_path_factory: pytest.TempPathFactory, edgar_dir: Path,
                   pinned_transcripts: Path) -> Path:
    """A DB file holding every filing in ../shared/edgar and the pinned transcripts (built
    once per session; see PINNED_TRANSCRIPTS)."""
    from ingest.filings.local import ingest_dir
    from ingest.transcripts import ingest_transcripts

    def build(folder: Path) -> None:
        with Store.open(folder / "claimtracker.duckdb") as store:
            ingest_dir(store, edgar_dir, progress=False)
            summary = ingest_transcripts(store, [pinned_transcripts], progress=False)
        assert summary.errors == [], summary.render()

    return built_once(tmp_path_factory, "shared-db", build)[0] / "claimtracker.duckdb"


@pytest.fixture
def shared_db(shared_db_path: Path, tmp_path: Path) -> Iterator[Store]:
    """A private writable copy of the shared-data DB (tests may change it)."""
    copy = tmp_path / "copy.duckdb"
    shutil.copy(shared_db_path, copy)
    store = Store.open(copy)
    yield store
    store.close()


@pytest.fixture(scope="session")
def enriched_db_path(tmp_path_factory: pytest.TempPathFactory, shared_db_path: Path) -> Path:
    """The shared-data DB after `enrich` of Amazon's sources (sentences, embeddings, mentions).

    Scoped to AMZN (its transcripts, earnings releases, 10-Qs and 10-Ks: about half the
    corpus) so that the embedding work stays around two minutes on 2 cores; the other
    companies' filings are still in the DB, just not split into sentences.
    """
    from nlp.enrich import enrich

    def build(folder: Path) -> None:
        shutil.copy(shared_db_path, folder / "claimtracker.duckdb")
        with Store.open(folder / "claimtracker.duckdb") as store:
            enrich(store, progress=False, tickers=["AMZN"])

    return built_once(tmp_path_factory, "enriched-db", build)[0] / "claimtracker.duckdb"


@pytest.fixture
def enriched_db(enriched_db_path: Path) -> Iterator[Store]:
    """The enriched DB, read-only (copy it yourself if a test must write)."""
    store = Store.open(enriched_db_path, read_only=True)
    yield store
    store.close()


SEED_LEDGER = REPO_ROOT / "data" / "claims" / "amazon-next-cycle.yaml"


@pytest.fixture(scope="session")
def scored_run(tmp_path_factory: pytest.TempPathFactory,
               enriched_db_path: Path) -> tuple[Path, list[dict[str, Any]]]:
    """A copy of the enriched DB scored against the seed ledger, and the results (built once)."""
    from claims.score import score_claims

    def build(folder: Path) -> list[dict[str, Any]]:
        shutil.copy(enriched_db_path, folder / "claimtracker.duckdb")
        with Store.open(folder / "claimtracker.duckdb") as store:
            return score_claims(store, [SEED_LEDGER])

    folder, results = built_once(tmp_path_factory, "scored-db", build)
    return folder / "claimtracker.duckdb", results
