"""POST new alerts to a webhook as JSON, with retries, and never the same alert twice per URL.

Why a delivery table: cron's `update` posts what it raised; if the receiver is down, the next
run must post what was missed and nothing already received. So an alert counts as delivered
to a URL only once the URL answered 2xx, recorded in `alert_deliveries(alert_id, url)`, and
each run posts the alerts (of the filters given) with no such row. Alerts go in batches of
`batch_size`, each recorded on success, so a failure midway keeps what got through.

Retries: connection errors, timeouts, 429 and 5xx are retried with exponential backoff
(`backoff * 2**attempt` seconds, or the server's Retry-After when it sends one, capped at
`max_wait`); any other 4xx is the receiver refusing the payload and fails at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import requests

from claimtracker.db import Store
from claimtracker.errors import WebhookError

_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass
class WebhookPolicy:
    """How hard to try; tests pass a tiny backoff and a recording `sleep`."""

    retries: int = 4
    backoff: float = 1.0
    max_wait: float = 60.0
    timeout: float = 15.0
    batch_size: int = 100
    sleep: Callable[[float], None] = time.sleep


def _retry_after(response: requests.Response) -> float | None:
    """Seconds from a numeric Retry-After header (the HTTP-date form is ignored)."""
    raw = response.headers.get("Retry-After")
    try:
        return max(0.0, float(raw)) if raw is not None else None
    except ValueError:
        return None


def post_json(url: str, payload: Any, policy: WebhookPolicy,
              session: requests.Session | None = None) -> int:
    """POST `payload`; return the number of attempts made. Raises WebhookError naming `url`."""
    http = session or requests.Session()
    last = ""
    for attempt in range(policy.retries + 1):
        wait = policy.backoff * (2 ** attempt)
        try:
            response = http.post(url, json=payload, timeout=policy.timeout,
                                 headers={"User-Agent": "claimtracker-alerts"})
        except (requests.ConnectionError, requests.Timeout) as exc:
            last = f"{type(exc).__name__}: {exc}"
        except requests.RequestException as exc:  # bad URL, bad scheme: retrying cannot help
            raise WebhookError(f"webhook {url}: {exc}; check the URL.", url=url) from exc
        else:
            if 200 <= response.status_code < 300:
                return attempt + 1
            last = f"HTTP {response.status_code}"
            if response.status_code not in _RETRY_STATUS:
                raise WebhookError(
                    f"webhook {url} refused the alerts with HTTP {response.status_code} "
                    f"({response.text[:200].strip()!r}); check the URL and what the receiver "
                    "expects.", url=url, status=response.status_code)
            asked = _retry_after(response)
            wait = wait if asked is None else asked
        if attempt < policy.retries:
            policy.sleep(min(wait, policy.max_wait))
    raise WebhookError(f"webhook {url} failed after {policy.retries + 1} attempts ({last}); "
                       "the alerts not delivered will be posted on the next run.", url=url)


def undelivered(store: Store, alerts: Sequence[dict[str, Any]], url: str) -> list[dict[str, Any]]:
    """The alerts (issue JSON objects) not yet delivered to `url`, in the given order."""
    done = {r[0] for r in store.con.execute(
        "SELECT alert_id FROM alert_deliveries WHERE url = ?", [url]).fetchall()}
    return [a for a in alerts if a["alert_id"] not in done]


def deliver(store: Store, alerts: Sequence[dict[str, Any]], url: str,
            policy: WebhookPolicy | None = None) -> int:
    """POST the alerts not yet delivered to `url` (a JSON list per batch, without the internal
    `subject`); record each batch once accepted. Returns how many were delivered now."""
    policy = policy or WebhookPolicy()
    todo = undelivered(store, alerts, url)
    sent = 0
    with requests.Session() as session:
        for start in range(0, len(todo), policy.batch_size):
            batch = todo[start:start + policy.batch_size]
            post_json(url, [{k: v for k, v in a.items() if k != "subject"} for a in batch],
                      policy, session)
            with store.transaction() as con:
                con.executemany("INSERT INTO alert_deliveries (alert_id, url) VALUES (?, ?) "
                                "ON CONFLICT DO NOTHING", [[a["alert_id"], url] for a in batch])
            sent += len(batch)
    return sent


@dataclass
class Delivery:
    """What a webhook step did, for update's one-line summary."""

    url: str
    posted: int

    def as_dict(self) -> dict[str, Any]:
        return {"counts": {"alerts posted": self.posted}, "url": self.url}


def deliver_pending(store: Store, url: str, policy: WebhookPolicy | None = None) -> Delivery:
    """`update`'s step: POST the alerts not yet delivered to `url` that were raised since the
    URL was first used (or by the latest update run, on its first use), so a configured
    webhook gets what is new, catches up after a failure, and is not sent the whole history."""
    from alerts.model import last_update_start, read_alerts

    (first,) = store.con.execute("SELECT min(delivered_at) FROM alert_deliveries WHERE url = ?",
                                 [url]).fetchone()
    since = first if first is not None else last_update_start(store)
    if since is None:
        return Delivery(url, 0)
    wanted = {r[0] for r in store.con.execute(
        "SELECT alert_id FROM alerts WHERE raised_at >= ?", [since]).fetchall()}
    pending = [a for a in read_alerts(store) if a["alert_id"] in wanted]
    return Delivery(url, deliver(store, pending, url, policy))
