"""The sliding-window limiter: never more than N starts in any one-second window."""

from __future__ import annotations

import threading
import time

from edgar_server import max_in_window

from ingest.edgar.rate_limit import SlidingWindowLimiter, process_limiter


def hammer(limiter: SlidingWindowLimiter, threads: int, per_thread: int) -> list[float]:
    """Many threads acquiring at once; returns the start time of every 'request'."""
    starts: list[float] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(per_thread):
            slot = limiter.acquire()
            with lock:
                starts.append(time.monotonic())
            time.sleep(0.002)  # the request itself
            limiter.settle(slot)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return starts


def test_threads_never_exceed_the_limit_in_any_window() -> None:
    limiter = SlidingWindowLimiter(10, window=0.2)  # a short window keeps the test quick
    starts = hammer(limiter, threads=4, per_thread=15)
    assert len(starts) == 60
    assert max_in_window(starts, 0.2) <= 10
    # ...and it is not needlessly slow: 60 requests at 10 per 0.2 s take about 1 s.
    assert max(starts) - min(starts) < 1.6


def test_window_counts_from_the_answer_not_the_start() -> None:
    limiter = SlidingWindowLimiter(2, window=0.2)
    first = limiter.acquire()
    second = limiter.acquire()
    time.sleep(0.15)  # a slow answer
    limiter.settle(first)
    limiter.settle(second)
    began = time.monotonic()
    limiter.settle(limiter.acquire())
    assert time.monotonic() - began >= 0.19


def test_lower_rate_applies_in_place() -> None:
    limiter = SlidingWindowLimiter(10, window=0.2)
    limiter.set_rate(3)
    starts = hammer(limiter, threads=2, per_thread=6)
    assert max_in_window(starts, 0.2) <= 3


def test_process_limiter_is_one_instance_reconfigured() -> None:
    first = process_limiter(10)
    second = process_limiter(5)
    assert first is second and second.max_per_window == 5
    process_limiter(10)
