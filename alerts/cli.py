"""`claimtracker alerts`: list the stored alerts (raised by `update`), filtered, in four formats.

Reads only: the DB is opened read-only, so a DB built before alerts existed simply lists none
(with a hint); `update` is what raises them.
"""

from __future__ import annotations

import click

from claimtracker.cli_support import db_option, echo_json, handle_errors, open_store
from claimtracker.errors import InputError
from claimtracker.quarters import FiscalQuarter


@click.command("alerts")
@click.option("--ticker", "tickers", multiple=True, metavar="T",
              help="Only this company (repeatable).")
@click.option("--kind", "kinds", multiple=True, metavar="K",
              help="Only this kind (repeatable): verdict_flip, metric_surprise, went_quiet, "
                   "language_change, tone_shift, first_mention.")
@click.option("--since", metavar="2025Q1", default=None,
              help="Only alerts of this fiscal quarter or later.")
@click.option("--new", "new_only", is_flag=True,
              help="Only alerts raised by the latest `update` run.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "md", "atom"]),
              default="table", show_default=True, help="Output format.")
@click.option("--webhook", metavar="URL", default=None,
              help="POST the listed alerts not yet delivered to URL as JSON (retried with "
                   "backoff; an alert is never posted twice to the same URL).")
@db_option
@handle_errors
def alerts_command(tickers: tuple[str, ...], kinds: tuple[str, ...], since: str | None,
                   new_only: bool, fmt: str, webhook: str | None, db) -> None:
    """What changed: verdict flips, metric surprises, topics that went quiet, rewritten
    filing Items and call remarks, shifts in management's tone, first mentions of products.

    Alerts are raised by `claimtracker update` after scoring (a rerun adds none); newest
    quarter first, by severity within a company-quarter.

    \b
    Example:
      claimtracker alerts --ticker AMZN --since 2025Q1
      claimtracker alerts --new --format atom > alerts.xml
      claimtracker alerts --new --webhook https://hooks.example.com/claimtracker
    """
    from alerts.engine import KINDS
    from alerts.model import has_alerts_table, read_alerts
    from alerts.render import render_atom, render_markdown, render_table

    if since and new_only:
        raise InputError("--since and --new cannot be combined: choose one.")
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise InputError(f"unknown alert kind(s) {', '.join(unknown)}; known: "
                         f"{', '.join(KINDS)}.")
    quarter = FiscalQuarter.parse(since) if since else None
    if webhook and not webhook.startswith(("http://", "https://")):
        raise InputError(f"--webhook {webhook!r} is not an http(s) URL; use e.g. "
                         "https://hooks.example.com/claimtracker.")
    # Posting records deliveries, so only --webhook opens the DB for writing.
    with open_store(db, read_only=not webhook) as store:
        if not has_alerts_table(store):
            click.echo("note: this DB has no alerts yet; run `claimtracker update` to raise "
                       "them.", err=True)
        if tickers:
            known = {str(t).upper() for (t,) in store.con.execute(
                "SELECT ticker FROM companies WHERE ticker IS NOT NULL").fetchall()}
            missing = [t for t in tickers if t.upper() not in known]
            if missing:
                raise InputError(f"no company {', '.join(missing)} in this DB; known: "
                                 f"{', '.join(sorted(known))}.")
        found = read_alerts(store, tickers=list(tickers) or None, kinds=list(kinds) or None,
                            since=quarter, new_only=new_only)
        if webhook:
            from alerts.webhook import deliver

            posted = deliver(store, found, webhook)
            click.echo(f"posted {posted} alert(s) to {webhook} ({len(found) - posted} of "
                       f"{len(found)} listed were delivered before).", err=True)
            return
    if fmt == "json":
        echo_json([{k: v for k, v in a.items() if k != "subject"} for a in found])
    elif fmt == "md":
        click.echo(render_markdown(found))
    elif fmt == "atom":
        click.echo(render_atom(found), nl=False)
    else:
        click.echo(render_table(found))


def register(main: click.Group) -> None:
    main.add_command(alerts_command)
