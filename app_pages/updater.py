"""Running `claimtracker update` from the Data page, with its tqdm progress shown in the app.

The update runs as a child process (the same command cron runs) rather than inside the
Streamlit server: the server never holds the write lock or loads the NLP models for it, and
other sessions keep reading (they see the "database is busy" message until it finishes).
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

_TQDM = re.compile(r"(?:(?P<desc>[^\r\n|]*?):\s*)?(?P<pct>\d{1,3})%\|")
READONLY_ENV = "CLAIMTRACKER_APP_READONLY"


@dataclass
class UpdateResult:
    exit_code: int
    output: str

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    @property
    def summary(self) -> str:
        lines = [ln for ln in self.output.replace("\r", "\n").splitlines()
                 if ln.strip() and not _TQDM.search(ln)]
        return lines[-1] if lines else ""


def claimtracker_executable() -> list[str]:
    script = Path(sys.executable).with_name("claimtracker")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from pipeline.cli import main; main()"]


def update_command(db: Path, extra: list[str]) -> list[str]:
    return [*claimtracker_executable(), "update", "--db", str(db), *extra]


def shell_line(command: list[str]) -> str:
    """The command as a user would type it from the repository root."""
    parts = list(command)
    with contextlib.suppress(ValueError):
        parts[0] = os.path.relpath(parts[0])
    return shlex.join(parts)


def why_app_cannot_write(db: Path) -> str | None:
    """None when the app may run an update on `db`; else the reason, for the page to show
    (in the reader's language: called from a page)."""
    from app_pages.i18n import t

    if os.environ.get(READONLY_ENV, "") not in ("", "0"):
        return t("updater.readonly", env=READONLY_ENV)
    target = db if db.exists() else db.parent
    if not target.exists():
        target = Path.cwd()
    if not os.access(target, os.W_OK):
        return t("updater.not_writable", path=target)
    return None


def parse_progress(chunk: str) -> tuple[float, str] | None:
    """The last tqdm state in `chunk`: (fraction done, label), or None."""
    matches = list(_TQDM.finditer(chunk))
    if not matches:
        return None
    last = matches[-1]
    desc = (last.group("desc") or "").strip() or "…"
    return min(int(last.group("pct")), 100) / 100, f"{desc}: {last.group('pct')}%"


def run_with_progress(command: list[str], *, on_progress: Callable[[float, str], None],
                      on_line: Callable[[str], None]) -> UpdateResult:
    """Run `command`, reporting tqdm progress and the output's tail as it comes."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env=env, text=True, bufsize=1)
    assert proc.stdout is not None
    output = []
    while True:
        chunk = proc.stdout.read(256)
        if not chunk:
            break
        output.append(chunk)
        state = parse_progress(chunk)
        if state:
            on_progress(*state)
        text = "".join(output).replace("\r", "\n")
        tail = [ln for ln in text.splitlines() if ln.strip() and not _TQDM.search(ln)][-8:]
        if tail:
            on_line("\n".join(tail))
    return UpdateResult(proc.wait(), "".join(output))
