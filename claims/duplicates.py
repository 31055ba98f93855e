"""One article, one timeline: a ledger copied under a second file name is not scored twice.

`article_id` is the ledger's file name, so `cp amazon.yaml amazon-copy.yaml` used to make a
second article with the same claims and a second set of scores. Two ledgers are the same
article when their claims are the same (the canonical `Claim.spec_json` of each, in any
order); the one scored first (stored in the DB, else named first) keeps the timeline.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from claims.ledger import Ledger, load_ledger
from claimtracker.db import Store
from claimtracker.errors import ClaimtrackerError


def fingerprint(ledger: Ledger) -> str:
    """The ledger's claims, canonical and order-free (comments, layout and file name aside)."""
    specs = sorted(claim.spec_json() for claim in ledger.claims)
    return hashlib.sha256("\n".join(specs).encode("utf-8")).hexdigest()


def _stored_ledgers(store: Store, running: set[str]) -> list[tuple[str, Path]]:
    """(article id, ledger file) of articles scored before and not in this run, whose ledger
    file is still there (a file that is gone was renamed or deleted: no duplicate)."""
    rows = store.con.execute("SELECT article_id, ledger_path FROM articles "
                             "WHERE ledger_path IS NOT NULL ORDER BY article_id").fetchall()
    return [(aid, Path(path)) for aid, path in rows
            if aid not in running and Path(path).is_file()]


def drop_duplicates(store: Store, ledgers: list[Ledger]) -> tuple[list[Ledger], list[str]]:
    """The ledgers to score, and one message per ledger left out as a copy of another.

    A ledger already stored in the DB with these claims wins over a new file holding them;
    between two new files the first named wins.
    """
    stored_ids = {aid for (aid,) in store.con.execute("SELECT article_id FROM articles").fetchall()}
    prints = {id(lg): fingerprint(lg) for lg in ledgers}
    owner: dict[str, tuple[str, Path]] = {}
    for aid, path in _stored_ledgers(store, {lg.article.article_id for lg in ledgers}):
        try:
            owner.setdefault(fingerprint(load_ledger(path)), (aid, path))
        except ClaimtrackerError:
            continue  # a broken ledger elsewhere is its own run's problem
    first_stored = sorted(ledgers, key=lambda lg: lg.article.article_id not in stored_ids)
    dropped: dict[int, str] = {}
    for ledger in first_stored:
        mine = prints[id(ledger)]
        if mine not in owner:
            owner[mine] = (ledger.article.article_id, ledger.path)
            continue
        other_id, other_path = owner[mine]
        if Path(other_path).resolve() == Path(ledger.path).resolve():
            continue  # the same file named twice
        dropped[id(ledger)] = (
            f"{ledger.path} holds the same {len(ledger.claims)} claims as {other_path} "
            f"(article {other_id!r}): not scored, so its claims get no second timeline; delete "
            "one of the two files, or change the claims if it is another article.")
    kept = [lg for lg in ledgers if id(lg) not in dropped]
    return kept, [dropped[id(lg)] for lg in ledgers if id(lg) in dropped]
