"""DDL of the alert tables (stage 4, alerts/): migrations 0006-0008 of claimtracker.schema.

Why apart: claimtracker/schema.py owns the migration list and every other table; the alert
tables are one area that only writers use (`required_by_readers=False`), and keeping their DDL
here keeps schema.py under its size limit. Shipped DDL is never edited.
"""

# Alerts (stage 4, alerts/): what changed for a company in a quarter. The key is a hash of
# (kind, ticker, quarter, subject), so raising the same alert twice adds nothing; `run_id` is
# the update run that raised it (a column here, never on `runs`: see _0005_RUN_OWNER in
# schema.py on ADD COLUMN).
ALERTS = """
CREATE TABLE alerts (
    alert_id       VARCHAR PRIMARY KEY,     -- hash of (kind, ticker, quarter, subject)
    kind           VARCHAR NOT NULL,        -- verdict_flip | metric_surprise | went_quiet | ...
    ticker         VARCHAR NOT NULL,
    fiscal_year    INTEGER NOT NULL,
    fiscal_quarter INTEGER NOT NULL,
    subject        VARCHAR NOT NULL,        -- what the alert is about: claim, metric, topic, Item
    severity       DOUBLE NOT NULL,         -- 0-1, ranks alerts within a company-quarter
    title          VARCHAR NOT NULL,
    detail         VARCHAR,
    evidence       VARCHAR,                 -- JSON list of {text, source, url}
    numbers        VARCHAR,                 -- JSON object
    raised_at      TIMESTAMP NOT NULL DEFAULT current_timestamp,
    run_id         BIGINT                   -- runs.run_id of the update that raised it, or NULL
)
"""

# Alerts delivered to a webhook: one row per (alert, URL) once the URL answered 2xx, so a
# rerun after a failure posts only what was not delivered, and never an alert twice.
ALERT_DELIVERIES = """
CREATE TABLE alert_deliveries (
    alert_id      VARCHAR NOT NULL,         -- alerts.alert_id
    url           VARCHAR NOT NULL,         -- the webhook it was POSTed to
    delivered_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (alert_id, url)
)
"""

# What each company's alerts were last computed from (alerts/inputs.py): `update` recomputes
# only the companies whose digest changed.
ALERT_INPUTS = """
CREATE TABLE alert_inputs (
    ticker       VARCHAR PRIMARY KEY,
    digest       VARCHAR NOT NULL,          -- sentences, mentions, facts, verdicts, settings
    computed_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
)
"""
