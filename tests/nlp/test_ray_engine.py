"""`enrich_with_ray` on a real call equals the local `enrich`: ids, mentions, vectors, reruns.

One local Ray (2 CPUs, module-scoped) serves every test: starting Ray costs ~15 s.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from claimtracker.db import Store

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def local_ray() -> Iterator[Any]:
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, configure_logging=False, log_to_driver=False)
    yield ray
    ray.shutdown()


def snapshot(store: Store) -> dict[str, Any]:
    """Everything enrich writes, in a comparable form (vectors as one matrix)."""
    con = store.con
    vectors = con.execute(
        "SELECT text_hash, model, vector FROM embeddings ORDER BY 1, 2").fetchall()
    return {
        "sentences": con.execute("SELECT * FROM sentences ORDER BY sentence_id").fetchall(),
        "sources": con.execute("SELECT * FROM sentence_sources ORDER BY source_id").fetchall(),
        "mentions": con.execute("SELECT * FROM mentions ORDER BY mention_id").fetchall(),
        "vector_keys": [(h, m) for h, m, _ in vectors],
        "vectors": np.array([v for _, _, v in vectors], dtype=np.float32),
    }


def assert_same(ray_db: Store, local_db: Store) -> None:
    got, want = snapshot(ray_db), snapshot(local_db)
    assert [r[0] for r in got["sentences"]] == [r[0] for r in want["sentences"]]
    assert got["sentences"] == want["sentences"]  # text, offsets, glossed text, hashes, digests
    assert got["sources"] == want["sources"]
    assert got["mentions"] == want["mentions"]
    assert got["vector_keys"] == want["vector_keys"]
    np.testing.assert_allclose(got["vectors"], want["vectors"], atol=1e-5)


def _edit(store: Store) -> None:
    """A changed turn (re-split) and sentences whose tags and vectors were lost (re-tagged)."""
    con = store.con
    turn_id, text = con.execute(
        "SELECT turn_id, text FROM turns WHERE text LIKE '%fully subscribed on Trainium2%'"
    ).fetchone()
    con.execute("UPDATE turns SET text = ? WHERE turn_id = ?",
                [text + " We are adding Trainium3 capacity in every region.", turn_id])
    lost = [r[0] for r in con.execute(
        "SELECT sentence_id FROM sentences WHERE source_id <> ? ORDER BY sentence_id LIMIT 40",
        [turn_id]).fetchall()]
    con.execute("DELETE FROM mentions WHERE sentence_id IN (SELECT unnest(?::VARCHAR[]))", [lost])
    con.execute("DELETE FROM embeddings WHERE text_hash IN (SELECT text_hash FROM sentences "
                "WHERE sentence_id IN (SELECT unnest(?::VARCHAR[])))", [lost])
    con.execute("UPDATE sentences SET tagged_with = NULL, semantic_with = NULL "
                "WHERE sentence_id IN (SELECT unnest(?::VARCHAR[]))", [lost])


def test_incremental_ray_run_equals_local(local_ray: Any, mini_enriched: Store,
                                          mini_enriched_path: Path, tmp_path: Path) -> None:
    from nlp.enrich import enrich
    from nlp.ray_engine import enrich_with_ray

    shutil.copy(mini_enriched_path, tmp_path / "local.duckdb")
    with Store.open(tmp_path / "local.duckdb") as local:
        _edit(local)
        local_summary = enrich(local, progress=False)
        _edit(mini_enriched)
        summary = enrich_with_ray(mini_enriched, progress=False, work_dir=tmp_path)
        assert_same(mini_enriched, local)
    assert summary.counts["sources_split"] == local_summary.counts["sources_split"] == 1
    assert summary.counts["embedded"] == local_summary.counts["embedded"] > 1
    assert list(tmp_path.glob("claimtracker-ray-*")) == []  # work files are cleaned up


def test_ray_is_imported_only_by_the_ray_engine() -> None:
    import subprocess
    import sys

    code = ("import sys, nlp.cli, nlp.enrich, nlp.ray_engine; "
            "sys.exit('ray' in sys.modules or 'ray.data' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_address_comes_from_the_argument_or_ray_address(monkeypatch) -> None:
    from claimtracker.errors import ConfigError
    from nlp.ray_engine import resolve_address

    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    assert resolve_address(None) is None  # a local Ray with this machine's CPUs
    monkeypatch.setenv("RAY_ADDRESS", "10.0.0.5:6379")
    assert resolve_address(None) == "10.0.0.5:6379"
    assert resolve_address("auto") == "auto"
    with pytest.raises(ConfigError, match="head node"):
        resolve_address("ray://10.0.0.5:10001")  # the driver must sit next to the DB file


def test_update_engine_ray_from_the_cli_equals_local_and_rerun_adds_nothing(
        local_ray: Any, mini_db_path: Path, mini_enriched_path: Path, tmp_path: Path,
        monkeypatch) -> None:
    """`claimtracker update --engine ray` runs its enrich step on Ray (the Ray this process
    already started stands in for a cluster) and writes what the local engine writes; a rerun
    with nothing new starts no Ray and loads no model. (One Ray enrich of the mini DB serves
    both checks: each costs ~30 s on 2 cores.)"""
    import json

    from click.testing import CliRunner

    import nlp.ray_engine
    from nlp.ray_engine import enrich_with_ray
    from pipeline.cli import main

    path = mini_db_path  # not enriched yet
    result = CliRunner().invoke(main, [
        "update", "--no-fetch", "--skip-score", "--engine", "ray", "--no-progress",
        "--log-file", str(tmp_path / "update.log"), "--db", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    steps = {s["step"]: s for s in json.loads(result.output)["steps"]}
    assert steps["enrich"]["ok"] and "ray" in json.dumps(steps["enrich"])
    detail = steps["enrich"]["detail"]
    assert detail["counts"]["sentences_added"] > 300
    assert detail["totals"]["ray_workers"] == 3
    with Store.open(path, read_only=True) as ray_db, \
            Store.open(mini_enriched_path, read_only=True) as local:
        assert_same(ray_db, local)
        assert detail["counts"]["embedded"] == len(snapshot(ray_db)["vector_keys"])

    def forbidden(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a rerun with nothing new must not start Ray or load a model")

    monkeypatch.setattr(nlp.ray_engine, "ray_session", forbidden)
    with Store.open(path) as ray_db:
        before = snapshot(ray_db)
        again = enrich_with_ray(ray_db, progress=False)
        after = snapshot(ray_db)
    assert not any(again.counts.get(k) for k in ("sentences_added", "embedded", "tagged"))
    assert after["sentences"] == before["sentences"] and after["mentions"] == before["mentions"]
    assert after["vector_keys"] == before["vector_keys"]


def test_ray_address_without_engine_ray_is_refused(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from pipeline.cli import main

    result = CliRunner().invoke(main, ["enrich", "--ray-address", "10.0.0.1:6379", "--db",
                                       str(tmp_path / "x.duckdb"), "--init-db"])
    assert result.exit_code == 2
    assert "--ray-address 10.0.0.1:6379 is only used with --engine ray" in result.output
