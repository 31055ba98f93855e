"""What one `ingest --ticker` run did, and which EDGAR errors stop a run rather than one filing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from claimtracker.errors import IdentityRejectedError, RateLimitedError

#: EDGAR blocked us (rate-limit page) or refused our identity: every further request would fail.
STOP = (RateLimitedError, IdentityRejectedError)



@dataclass
class EdgarSyncSummary:
    """What one `ingest --ticker` run did (same members as the other ingest summaries)."""

    companies: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    failed: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    ingest: dict[str, Any] | None = None

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def error(self, input_name: str, message: str) -> None:
        self.errors.append({"input": input_name, "error": message})

    @property
    def exit_code(self) -> int:
        return 1 if self.errors or self.failed else 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "companies": self.companies,
            "counts": dict(self.counts),
            "failed": self.failed,
            "errors": self.errors,
            "ingest": self.ingest,
            "exit_code": self.exit_code,
        }

    def render(self) -> str:
        c = self.counts
        lines = [
            f"EDGAR: {', '.join(self.companies) or 'no companies'}: "
            f"{c.get('listed', 0)} filings listed, {c.get('queued', 0)} new, "
            f"{c.get('downloaded', 0)} downloaded, {c.get('cached', 0)} already cached, "
            f"{c.get('ingested', 0)} ingested, {c.get('failed', 0)} failed; "
            f"{c.get('companyfacts_rows', 0)} companyfacts values; {c.get('requests', 0)} requests."
        ]
        for f in self.failed:
            lines.append(f"  failed {f['accession']} {f['form']}: {f['error']}")
        for e in self.errors:
            lines.append(f"  error {e['input']}: {e['error']}")
        return "\n".join(lines)
