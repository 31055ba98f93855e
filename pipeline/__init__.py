"""The top floor: `update` (ingest -> enrich -> score), the root CLI, status and the app's
read-models. It may import every stage; no stage imports it (see the import-linter contract
in pyproject.toml)."""
