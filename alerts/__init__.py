"""Stage 4: what changed. Alerts on management's language, silence, tone, verdicts and numbers,
computed from what stages 1-3 stored; `update` runs it after scoring."""
