"""What one `ingest --from-dir` run did: `render()` for people, `as_dict()` for scripts (JSON)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class IngestSummary:
    """What one `ingest --from-dir` run did; `render()` for people, `as_dict()` for scripts."""

    root: Path
    parsed: list[str] = field(default_factory=list)  # accessions written this run
    unchanged: list[str] = field(default_factory=list)  # accessions whose files had not changed
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    truncated: list[tuple[str, str, str]] = field(default_factory=list)  # accession, path, note
    # (accession, path of the worse copy not stored, path of the stored copy kept, why)
    kept_better: list[tuple[str, str, str, str]] = field(default_factory=list)
    # (accession, path of the better copy stored, path of the worse copy it replaced, why)
    replaced_worse: list[tuple[str, str, str, str]] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    companyfacts: list[tuple[str, int, int]] = field(default_factory=list)  # path, cik, rows
    companyfacts_unchanged: list[str] = field(default_factory=list)  # paths
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "root": str(self.root),
            "parsed": len(self.parsed),
            "unchanged": len(self.unchanged),
            "skipped": len(self.skipped),
            "failed": len(self.failed),
            "rows_written": self.rows,
            "accessions_parsed": self.parsed,
            "skipped_files": [{"path": p, "reason": r} for p, r in self.skipped],
            "failed_files": [{"path": p, "reason": r} for p, r in self.failed],
            "truncated": [{"accession": a, "path": p, "note": n} for a, p, n in self.truncated],
            "kept_better": [{"accession": a, "rejected_path": p, "kept_path": k, "reason": r}
                            for a, p, k, r in self.kept_better],
            "replaced_worse": [{"accession": a, "path": p, "replaced_path": k, "reason": r}
                               for a, p, k, r in self.replaced_worse],
            "companyfacts_merged": [{"path": p, "cik": c, "rows": n}
                                    for p, c, n in self.companyfacts],
            "companyfacts_unchanged": len(self.companyfacts_unchanged),
            "seconds": round(self.seconds, 2),
        }

    def render(self) -> str:
        lines = [
            f"Ingested {self.root} in {self.seconds:.1f}s: {len(self.parsed)} filings parsed, "
            f"{len(self.unchanged)} unchanged, {len(self.skipped)} files skipped, "
            f"{len(self.failed)} failed"
            + (f", {len(self.kept_better)} worse "
               f"{'copy' if len(self.kept_better) == 1 else 'copies'} not stored"
               if self.kept_better else "")
            + ".",
        ]
        if self.rows:
            lines.append("Rows written: " + ", ".join(f"{k} {v}" for k, v in self.rows.items()))
        if self.companyfacts or self.companyfacts_unchanged:
            lines.append(f"companyfacts JSON: {len(self.companyfacts)} merged ("
                         f"{sum(n for _, _, n in self.companyfacts)} values), "
                         f"{len(self.companyfacts_unchanged)} unchanged.")
        if self.truncated:
            lines.append(f"Truncated submissions, complete documents kept "
                         f"[{len(self.truncated)}]:")
            lines += [f"  {a}  {n}" for a, _, n in self.truncated]
        if self.kept_better:
            lines.append(f"Worse copies NOT stored, the better stored copy kept "
                         f"[{len(self.kept_better)}]:")
            lines += [f"  {a}  {p}: {r}" for a, p, _, r in self.kept_better]
        if self.replaced_worse:
            lines.append(f"Better copies stored over worse ones [{len(self.replaced_worse)}]:")
            lines += [f"  {a}  {p}: {r}" for a, p, _, r in self.replaced_worse]
        if self.skipped:
            reasons: dict[str, int] = {}
            for _, reason in self.skipped:
                reasons[reason] = reasons.get(reason, 0) + 1
            lines.append("Skipped (not filings, or covered by a whole submission):")
            lines += [f"  {n:3d} x {reason}" for reason, n in sorted(reasons.items())]
        if self.failed:
            lines.append("FAILED:")
            lines += [f"  {p}: {r}" for p, r in self.failed]
        return "\n".join(lines)
