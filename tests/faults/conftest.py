"""Fault tests: run the CLI as a process for which file permissions bite.

The suite often runs as root (CI containers), and root reads a chmod-000 file because of its
capabilities (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH). So the permission scenarios run
`claimtracker` in a subprocess that stays root but has dropped every capability: the test's
files belong to root, so their mode bits apply. Staying root (rather than switching to
`nobody`) keeps the interpreter reachable wherever it is installed (e.g. under /root).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

CLI = [sys.executable, "-c", "from pipeline.cli import main; main()"]


def _drop_capabilities() -> list[str]:
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("tests run as root and setpriv is missing: cannot drop capabilities")
    return ["setpriv", "--inh-caps=-all", "--bounding-set=-all"]


@pytest.fixture
def shared_workdir(tmp_path: Path) -> Path:
    """The folder the unprivileged CLI works in (its HOME and cwd)."""
    return tmp_path


@pytest.fixture
def run_unprivileged(shared_workdir: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run `claimtracker ARGS...` without root's capabilities; returns the finished process."""
    repo = Path(__file__).resolve().parents[2]

    def run(*args: str, timeout: float = 600, stdin: str | None = None,
            ) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "HOME": str(shared_workdir), "HF_HUB_OFFLINE": "1",
               "PYTHONPATH": str(repo)}
        return subprocess.run([*_drop_capabilities(), *CLI, *args], cwd=shared_workdir, env=env,
                              input=stdin, capture_output=True, text=True, timeout=timeout)

    return run
