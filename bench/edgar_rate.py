"""Request rate the EDGAR client achieves against a fast loopback server, and its ceiling.

    .venv/bin/python bench/edgar_rate.py [--requests 200] [--limit 10]

Half the requests go through our client, half through sec-edgar-downloader's gateway
(patched by ingest/edgar/sec_downloader.py), interleaved: both share the one limiter.
Arrival times are taken server-side, as EDGAR would see them. Prints the sustained rate
(requests after the first window's burst, over the time they took; target >= 9.0/s at a
limit of 10/s) and the most requests in any one-second window (must be <= the limit).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from edgar_server import EdgarServer  # noqa: E402

from ingest.edgar import sec_downloader as sec_downloader_adapter  # noqa: E402
from ingest.edgar.client import EdgarClient, RetryPolicy  # noqa: E402
from ingest.edgar.rate_limit import process_limiter  # noqa: E402

SMALL_FILE = "Archives/edgar/data/1045810/000104581026000024/0001045810-26-000024-index.html"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--limit", type=float, default=10.0)
    args = parser.parse_args()

    with EdgarServer() as server:
        client = EdgarClient(www=server.www, data=server.data,
                             identity="Claimtracker Bench bench@example.com", timeout=10,
                             retry=RetryPolicy(retries=0), limiter=process_limiter(args.limit))
        url = client.www_url(SMALL_FILE)
        started = time.monotonic()
        with sec_downloader_adapter.routed_through(client):
            for i in range(args.requests):
                if i % 2:
                    sec_downloader_adapter.download(client, url)
                else:
                    client.get(url)
        elapsed = time.monotonic() - started
        arrivals = sorted(h.at for h in server.hits)
        burst = int(args.limit)
        span = arrivals[-1] - arrivals[burst - 1] if len(arrivals) > burst else float("nan")
        sustained = (len(arrivals) - burst) / span if span else float("nan")
        print(f"requests            {len(arrivals)} (half via sec-edgar-downloader's gateway)")
        print(f"limit               {args.limit:g} per second")
        print(f"wall time           {elapsed:.2f} s  ({len(arrivals) / elapsed:.2f} req/s overall)")
        print(f"sustained rate      {sustained:.2f} req/s  (target >= {0.9 * args.limit:.1f})")
        print(f"max in any 1s window {server.max_in_window(1.0)}  (must be <= {burst})")


if __name__ == "__main__":
    main()
