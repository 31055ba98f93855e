"""`--webhook`: alerts POSTed as JSON to a real HTTP server on 127.0.0.1, retried with backoff,
never twice to the same URL, and a clear error naming the URL when the receiver stays down."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from alerts.model import Alert, read_alerts, save_alerts
from alerts.webhook import WebhookPolicy, deliver, deliver_pending
from claimtracker.db import Store
from claimtracker.errors import WebhookError
from claimtracker.quarters import FiscalQuarter
from pipeline.cli import main

FIELDS = {"alert_id", "kind", "ticker", "quarter", "severity", "title", "detail", "evidence",
          "numbers", "raised_at"}


class Receiver:
    """A webhook receiver whose answers are scripted: `plan` holds the status of each next
    request (then 200), `retry_after` the header sent with them."""

    def __init__(self) -> None:
        self.plan: list[int] = []
        self.retry_after: str | None = None
        self.bodies: list[Any] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = receiver.plan.pop(0) if receiver.plan else 200
                receiver.statuses.append(status)
                if status == 200:
                    receiver.bodies.append(json.loads(body))
                self.send_response(status)
                if status != 200 and receiver.retry_after is not None:
                    self.send_header("Retry-After", receiver.retry_after)
                self.end_headers()
                self.wfile.write(b"busy" if status != 200 else b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def received_ids(self) -> list[str]:
        return [a["alert_id"] for body in self.bodies for a in body]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    thread = threading.Thread(target=r.server.serve_forever, daemon=True)
    thread.start()
    yield r
    r.server.shutdown()
    r.server.server_close()


def _alerts(quarter: FiscalQuarter) -> list[Alert]:
    """Alerts shaped like the engine's (a metric surprise, a first mention)."""
    return [
        Alert(kind="metric_surprise", ticker="AMZN", quarter=quarter, subject="operating_income",
              severity=1.0, title=f"operating_income turned negative in {quarter}",
              detail="Operating income was -$1.2B after $3.7B a year earlier.",
              evidence=[{"text": "Operating loss was $1.2 billion.", "source": f"{quarter} 10-Q",
                         "url": "https://www.sec.gov/Archives/edgar/data/1018724/x.htm"}],
              numbers={"value": -1.2e9, "previous": 3.7e9}),
        Alert(kind="first_mention", ticker="AMZN", quarter=quarter, subject="trainium",
              severity=0.6, title=f"First mention of trainium in the {quarter} earnings call",
              detail="AMZN names trainium for the first time in our data.",
              evidence=[{"text": "We announced Trainium, our training chip.",
                         "source": f"{quarter} earnings call", "url": None}],
              numbers={"term": "trainium", "sentences": 1}),
    ]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "hook.duckdb"
    with Store.open(path) as store:
        save_alerts(store, _alerts(FiscalQuarter(2022, 1)), None)
    return path


def _fast(sleeps: list[float], retries: int = 4) -> WebhookPolicy:
    return WebhookPolicy(retries=retries, backoff=0.01, timeout=5, sleep=sleeps.append)


def test_retries_503_then_delivers_the_issue_objects(db: Path, receiver: Receiver) -> None:
    receiver.plan = [503, 503]
    sleeps: list[float] = []
    with Store.open(db) as store:
        assert deliver(store, read_alerts(store), receiver.url, _fast(sleeps)) == 2
    assert receiver.statuses == [503, 503, 200]
    assert sleeps == [0.01, 0.02]  # exponential backoff
    (body,) = receiver.bodies
    assert len(body) == 2 and all(set(a) == FIELDS for a in body)
    assert {a["kind"] for a in body} == {"metric_surprise", "first_mention"}
    assert body[0]["evidence"][0]["source"].startswith("2022Q1")


def test_rerun_posts_nothing_twice(db: Path, receiver: Receiver) -> None:
    with Store.open(db) as store:
        assert deliver(store, read_alerts(store), receiver.url, _fast([])) == 2
        assert deliver(store, read_alerts(store), receiver.url, _fast([])) == 0
        save_alerts(store, _alerts(FiscalQuarter(2022, 2)), None)
        assert deliver(store, read_alerts(store), receiver.url, _fast([])) == 2
    ids = receiver.received_ids()
    assert len(ids) == 4 == len(set(ids)) and len(receiver.statuses) == 2  # none when empty


def test_failure_names_the_url_and_the_rerun_catches_up(db: Path, receiver: Receiver) -> None:
    receiver.plan = [503] * 3
    receiver.retry_after = "0.05"
    sleeps: list[float] = []
    with Store.open(db) as store:
        with pytest.raises(WebhookError) as failed:
            deliver(store, read_alerts(store), receiver.url, _fast(sleeps, retries=2))
        assert receiver.url in str(failed.value) and "HTTP 503" in str(failed.value)
        assert "3 attempts" in str(failed.value) and failed.value.url == receiver.url
        assert sleeps == [0.05, 0.05]  # Retry-After wins over the backoff
        assert receiver.bodies == []
        assert deliver(store, read_alerts(store), receiver.url, _fast([])) == 2
    assert len(receiver.received_ids()) == 2


def test_a_4xx_is_not_retried(db: Path, receiver: Receiver) -> None:
    receiver.plan = [400]
    with Store.open(db) as store, pytest.raises(WebhookError, match="HTTP 400"):
        deliver(store, read_alerts(store), receiver.url, _fast([]))
    assert receiver.statuses == [400]


def test_connection_refused_names_the_url(db: Path) -> None:
    url = "http://127.0.0.1:9/hook"  # discard port: nothing listens
    sleeps: list[float] = []
    with Store.open(db) as store, pytest.raises(WebhookError) as failed:
        deliver(store, read_alerts(store), url, _fast(sleeps, retries=1))
    assert url in str(failed.value) and "ConnectionError" in str(failed.value)
    assert sleeps == [0.01]


def test_cli_webhook_posts_once(db: Path, receiver: Receiver) -> None:
    args = ["alerts", "--db", str(db), "--kind", "first_mention", "--webhook", receiver.url]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "posted 1 alert(s)" in first.output
    second = CliRunner().invoke(main, args)
    assert second.exit_code == 0 and "posted 0 alert(s)" in second.output
    assert [a["kind"] for a in receiver.bodies[0]] == ["first_mention"]
    assert len(receiver.bodies) == 1
    bad = CliRunner().invoke(main, ["alerts", "--db", str(db), "--webhook", "ftp://x"])
    assert bad.exit_code == 2 and "not an http(s) URL" in bad.output


def test_update_step_posts_only_what_is_new(db: Path, receiver: Receiver) -> None:
    """First use of a URL posts the alerts of the latest update run, not the history."""
    with Store.open(db) as store:
        store.con.execute("INSERT INTO runs (kind, status, started_at) VALUES "
                          "('update', 'ok', current_timestamp)")
        save_alerts(store, _alerts(FiscalQuarter(2022, 2)), None)
        assert deliver_pending(store, receiver.url, _fast([])).posted == 2
        assert deliver_pending(store, receiver.url, _fast([])).posted == 0
    assert {a["quarter"] for a in receiver.bodies[0]} == {"2022Q2"}


def test_webhook_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from claimtracker import config
    from claimtracker.errors import ConfigError

    toml = tmp_path / "claimtracker.toml"
    toml.write_text('db = "x.duckdb"\n')
    monkeypatch.setenv("CLAIMTRACKER_CONFIG", str(toml))
    monkeypatch.delenv("CLAIMTRACKER_ALERTS_WEBHOOK", raising=False)
    assert config.alerts_webhook() is None
    monkeypatch.setenv("CLAIMTRACKER_ALERTS_WEBHOOK", "http://127.0.0.1:8080/hook ")
    assert config.alerts_webhook() == "http://127.0.0.1:8080/hook"
    monkeypatch.setenv("CLAIMTRACKER_ALERTS_WEBHOOK", "hooks.example.com")
    with pytest.raises(ConfigError, match="CLAIMTRACKER_ALERTS_WEBHOOK"):
        config.alerts_webhook()
