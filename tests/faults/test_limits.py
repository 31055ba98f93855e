"""Issue 12, scenario 4 and the last two of 6: bounded work on big input, friendlier answers.

Inputs are real files made big by the test: the seed article of ../shared/articles repeated
past the limits, Amazon's Q3 2024 earnings 8-K from ../shared/edgar with one exhibit padded
with its own kind of prose, the seed ledger copied under a second name. Bounds come from
data/limits.yaml, or (for the padded filing, to stay fast) from a small limits file the test
writes and points CLAIMTRACKER_LIMITS at.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from claimtracker.errors import ConfigError
from claimtracker.limits import LIMITS_ENV, load_limits
from pipeline.cli import main

ARTICLE = "articles/amazon-next-cycle.ko.txt"
FILING = ("edgar/mirror/www.sec.gov/Archives/edgar/data/1018724/000101872424000158/"
          "0001018724-24-000158.txt")
SEED_LEDGER = Path(__file__).resolve().parents[2] / "data" / "claims" / "amazon-next-cycle.yaml"


def _run(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


def _repeated(source: Path, target: Path, copies: int) -> Path:
    """`copies` copies of a real article, one after the other (blank line between)."""
    target.write_text("\n\n".join([source.read_text(encoding="utf-8")] * copies),
                      encoding="utf-8")
    return target


# -- scenario 4: articles ---------------------------------------------------------------------
def test_article_past_the_character_limit_is_refused_before_any_work(shared_dir: Path,
                                                                     tmp_path: Path) -> None:
    limit = load_limits().article_chars
    seed = shared_dir / ARTICLE
    copies = limit // len(seed.read_text(encoding="utf-8")) + 1
    article = _repeated(seed, tmp_path / "long.ko.txt", copies)
    out = tmp_path / "ledger.yaml"
    for command in (["claims", "extract"], ["claims", "add", "--out", str(out)]):
        result = _run(*command, str(article), "--ticker", "AMZN", "--no-progress")
        assert result.exit_code == 2, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        message = result.stderr
        chars = len(article.read_text(encoding="utf-8"))
        assert f"{article} is {chars:,} characters" in message
        assert f"more than the {limit:,} an article may have" in message
        assert "article.max_chars" in message and "--max-chars" in message
        assert "Traceback" not in result.output
        assert result.stdout == ""
    assert not out.exists()


def test_article_past_the_sentence_limit_is_refused_and_the_flag_raises_it(
        shared_dir: Path, tmp_path: Path) -> None:
    article = _repeated(shared_dir / ARTICLE, tmp_path / "three.ko.txt", 3)
    refused = _run("claims", "extract", str(article), "--ticker", "AMZN", "--max-sentences", "100")
    assert refused.exit_code == 2
    sentences = int(re.search(r"has ([\d,]+) sentences", refused.stderr).group(1).replace(",", ""))
    assert sentences > 100
    assert "more than the 100 an article may have (--max-sentences 100)" in refused.stderr
    assert "Split it into smaller articles" in refused.stderr
    allowed = _run("claims", "extract", str(article), "--ticker", "AMZN",
                   "--max-sentences", str(sentences), "--date", "2025-11-30")
    assert allowed.exit_code == 0, allowed.output
    assert allowed.stdout.startswith("# Ledger drafted")
    # stderr is not a terminal here: no progress bar, only the summary line
    assert re.fullmatch(r"\d+ claims; companies AMZN \(\d+\).*; date 2025-11-30 \(from --date\)\n",
                        allowed.stderr), allowed.stderr


def test_progress_bar_goes_to_a_terminal_stderr(shared_dir: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from claims.extract import build_context, propose_claims

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    text = (shared_dir / ARTICLE).read_text(encoding="utf-8")
    ctx = build_context(text, tickers=("AMZN",), progress=True)
    drafts = propose_claims(ctx=ctx, progress=True)
    assert drafts
    shown = screen.getvalue()
    assert f"reading sentences:   0%|          | 0/{len(ctx.sentences)}" in shown, shown
    assert "drafting claims" in shown
    quiet = Terminal()
    monkeypatch.setattr("sys.stderr", quiet)
    build_context(text, tickers=("AMZN",), progress=False)
    assert quiet.getvalue() == ""


# -- scenario 4: filings ----------------------------------------------------------------------
def _padded_filing(shared_dir: Path, folder: Path, megabytes: float) -> Path:
    """Amazon's 8-K with its EX-99.2 body padded (inside <body>) by repeating a paragraph of
    the press release until the document is `megabytes` bigger."""
    raw = (shared_dir / FILING).read_bytes()
    exhibit = raw.index(b"<TYPE>EX-99.2")
    body_end = raw.index(b"</body>", exhibit)
    paragraph = (b"<p>AWS segment sales increased 19% year-over-year to $27.5 billion. "
                 b"Operating income increased to $17.4 billion in the third quarter.</p>\n")
    pad = paragraph * int(megabytes * 1e6 / len(paragraph))
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / Path(FILING).name
    target.write_bytes(raw[:body_end] + pad + raw[body_end:])
    return target


def _small_limits(path: Path) -> Path:
    text = load_limits().file.read_text(encoding="utf-8")
    text = re.sub(r"max_document_bytes: \d+", "max_document_bytes: 1000000", text)
    text = re.sub(r"max_document_chars: \d+", "max_document_chars: 200000", text)
    text = re.sub(r"max_section_chars: \d+", "max_section_chars: 30000", text)
    path.write_text(text, encoding="utf-8")
    return path


def _documents(db: Path) -> dict[str, tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        docs = {t: (truncated, text, sha) for t, truncated, text, sha in con.execute(
            "SELECT type, truncated, text, sha256 FROM documents").fetchall()}
        sections = con.execute(
            "SELECT d.type, list(s.text ORDER BY s.ord) FROM sections s "
            "JOIN documents d USING (document_id) GROUP BY d.type").fetchall()
        filing = con.execute("SELECT status, error FROM filings").fetchall()
    finally:
        con.close()
    return {"docs": docs, "sections": dict(sections), "filing": filing}


def test_oversized_document_is_stored_cut_and_flagged_and_the_filing_ingests(
        shared_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original_dir = tmp_path / "original"
    original_dir.mkdir()
    shutil.copyfile(shared_dir / FILING, original_dir / Path(FILING).name)
    plain = _run("ingest", "--from-dir", str(original_dir), "--db", str(tmp_path / "a.duckdb"),
                 "--no-progress")
    assert plain.exit_code == 0, plain.output
    before = _documents(tmp_path / "a.duckdb")
    assert before["filing"] == [("ok", None)]  # the real filing is within the bounds

    monkeypatch.setenv(LIMITS_ENV, str(_small_limits(tmp_path / "limits.yaml")))
    padded = _padded_filing(shared_dir, tmp_path / "padded", 3)
    result = _run("ingest", "--from-dir", str(padded.parent), "--db", str(tmp_path / "b.duckdb"),
                  "--no-progress", "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["parsed"], summary["failed"]) == (1, 0)
    [note] = [t["note"] for t in summary["truncated"]]
    raw = padded.read_bytes()
    start = raw.index(b"<TEXT>", raw.index(b"<TYPE>EX-99.2")) + len(b"<TEXT>")
    size = raw.index(b"</TEXT>", start) - start
    assert size > 3_000_000
    assert "document 3 EX-99.2 (amzn-20240930xex992.htm) is oversized" in note
    assert f"({size:,} bytes, parsed from its first 1,000,000; " in note
    assert re.search(r"; [\d,]+ characters of text, 200,000 kept; bounds in ", note), note
    assert str(tmp_path / "limits.yaml") in note

    after = _documents(tmp_path / "b.duckdb")
    assert after["filing"][0][0] == "truncated" and after["filing"][0][1] == note
    cut, text, _ = after["docs"]["EX-99.2"]
    assert cut is True and len(text) == 200_000
    assert text.startswith(before["docs"]["EX-99.2"][1][:1000])
    exhibit_sections = after["sections"]["EX-99.2"]
    assert len(exhibit_sections) > 1 and max(map(len, exhibit_sections)) <= 30_000
    # nothing else changed: every other document and its sections as in the real filing
    for doc_type, row in before["docs"].items():
        if doc_type != "EX-99.2":
            assert after["docs"][doc_type] == row, doc_type
            assert after["sections"].get(doc_type) == before["sections"].get(doc_type), doc_type


def test_primary_document_past_the_text_bound_is_kept_cut(shared_dir: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A bare 10-K (sec-edgar-downloader layout) with bounds below its size: cut, flagged."""
    source = shared_dir / "edgar/sec-edgar-filings/META/10-K/0001326801-24-000012"
    folder = tmp_path / "sec-edgar-filings/META/10-K/0001326801-24-000012"
    folder.mkdir(parents=True)
    shutil.copyfile(source / "primary-document.html", folder / "primary-document.html")
    monkeypatch.setenv(LIMITS_ENV, str(_small_limits(tmp_path / "limits.yaml")))
    result = _run("ingest", "--from-dir", str(tmp_path / "sec-edgar-filings"), "--db",
                  str(tmp_path / "db.duckdb"), "--no-progress", "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["parsed"], summary["failed"]) == (1, 0)
    [note] = [t["note"] for t in summary["truncated"]]
    size = (source / "primary-document.html").stat().st_size
    assert note.startswith(f"primary-document.html is oversized ({size:,} bytes, parsed from "
                           "its first 1,000,000; "), note
    stored = _documents(tmp_path / "db.duckdb")
    truncated, text, _ = stored["docs"]["10-K"]
    assert truncated is True and len(text) <= 200_000
    assert max(map(len, stored["sections"]["10-K"])) <= 30_000


def test_limits_file_errors_name_file_and_line(tmp_path: Path) -> None:
    text = load_limits().file.read_text(encoding="utf-8")
    bad = tmp_path / "limits.yaml"
    bad.write_text(text.replace("max_query_chars: 1000", "max_query_chars: lots"),
                   encoding="utf-8")
    line = next(i for i, ln in enumerate(bad.read_text().splitlines(), 1) if "lots" in ln)
    with pytest.raises(ConfigError, match=rf"{re.escape(str(bad))}:{line}: `search."
                                          r"max_query_chars` must be a positive whole number"):
        load_limits(bad)
    bad.write_text(text.replace("max_query_chars:", "max_query_char:"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"unknown bound `search.max_query_char`; allowed: "
                                          r"max_query_chars"):
        load_limits(bad)


# -- scenario 4 (search) and 6b ---------------------------------------------------------------
@pytest.fixture(scope="module")
def filing_db(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> Path:
    """A DB holding one real filing (Amazon's Q3 2024 8-K): the companies table knows AMZN."""
    root = tmp_path_factory.mktemp("filing-db")
    (root / "in").mkdir()
    shutil.copyfile(shared_dir / FILING, root / "in" / Path(FILING).name)
    result = _run("ingest", "--from-dir", str(root / "in"), "--db", str(root / "db.duckdb"),
                  "--no-progress")
    assert result.exit_code == 0, result.output
    return root / "db.duckdb"


def test_search_for_an_unknown_ticker_names_the_known_ones(filing_db: Path) -> None:
    before = filing_db.read_bytes()
    result = _run("search", "custom AI chips", "--ticker", "AMZM", "--db", str(filing_db))
    assert result.exit_code == 2
    assert result.stderr.strip() == ("Error: no company AMZM in this DB; known: AMZN. "
                                     "Did you mean AMZN?")
    assert "enrich" not in result.output
    assert filing_db.read_bytes() == before


def test_long_search_query_is_cut_with_a_notice(filing_db: Path, shared_dir: Path) -> None:
    limit = load_limits().query_chars
    words = (shared_dir / ARTICLE).read_text(encoding="utf-8").split()
    query = " ".join(words * (100_000 // len(" ".join(words)) + 1))[:100_000]
    result = _run("search", query, "--ticker", "amzn", "--db", str(filing_db), "--format", "json")
    assert result.exit_code == 0, result.output
    notice = re.fullmatch(r"note: the query is 100,000 characters; only its first ([\d,]+) are "
                          rf"searched \(the limit is {limit:,}: .*search\.max_query_chars\)\.\n",
                          result.stderr)
    assert notice, result.stderr
    kept = int(notice.group(1).replace(",", ""))
    assert limit // 2 < kept <= limit and query[kept] == " "  # cut at a word boundary
    assert json.loads(result.stdout) == []  # this DB has no sentences: a clean empty answer


# -- scenario 6c: a ledger copied under a second name -----------------------------------------
def _scores(db: Path) -> tuple[list, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        articles = con.execute("SELECT article_id FROM articles ORDER BY 1").fetchall()
        scores = con.execute("SELECT count(*) FROM claim_scores").fetchone()[0]
    finally:
        con.close()
    return articles, scores


def test_a_copied_ledger_is_named_and_not_scored_twice(filing_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    shutil.copyfile(filing_db, db)
    original = tmp_path / "amazon-next-cycle.yaml"
    shutil.copyfile(SEED_LEDGER, original)
    first = _run("score", "--claims", str(original), "--db", str(db), "--no-progress")
    assert first.exit_code == 0, first.output
    articles, scores = _scores(db)
    assert articles == [("amazon-next-cycle",)] and scores > 0

    copy = tmp_path / "my-copy.yaml"
    copy.write_text("# my notes\n" + original.read_text(encoding="utf-8"), encoding="utf-8")
    both = _run("score", "--claims", str(copy), "--claims", str(original), "--db", str(db),
                "--no-progress")
    assert both.exit_code == 0, both.output
    assert (f"warning: {copy} holds the same " in both.stderr
            and f"claims as {original} (article 'amazon-next-cycle'): not scored" in both.stderr)
    assert _scores(db) == (articles, scores)

    alone = _run("score", "--claims", str(copy), "--db", str(db), "--no-progress")
    assert alone.exit_code == 2
    assert alone.stderr.startswith(f"Error: {copy} holds the same ")
    assert str(original) in alone.stderr and "delete one of the two files" in alone.stderr
    assert _scores(db) == (articles, scores)
