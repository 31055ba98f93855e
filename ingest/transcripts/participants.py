"""The participant lists at the top of S&P-style and StreetEvents transcripts.

The lists decide roles: 'Company Participants' / 'Corporate Participants' are the company's
side (management, or investor_relations by title), 'Conference Call Participants' are analysts.
"""

from __future__ import annotations

import re

from ingest.transcripts.model import Participant
from ingest.transcripts.roles import company_side_role

COMPANY_HEADINGS = ("company participants", "corporate participants", "executives")
ANALYST_HEADINGS = (
    "conference call participants",
    "conference call participiants",  # StreetEvents' own spelling
    "analysts",
)
_CONTINUATION_RE = re.compile(
    r"^(?:[a-z&,(]|Inc\b|Incorporated|LLC|L\.P\.|Ltd|Limited|Corp|Co\.|Company|Research|"
    r"Securities|Division|Group|Bank|Bernstein|Partners)"
)


def split_name_rest(line: str) -> tuple[str, str | None]:
    """'Dave Fildes - Vice President of Investor Relations' -> (name, rest)."""
    name, sep, rest = line.partition(" - ")
    if not sep:
        return line.strip(), None
    return name.strip(), rest.strip() or None


def parse_sp_list(lines: list[str], side: str, company_name: str | None) -> list[Participant]:
    """S&P lists: one 'Name - Title' (company) or 'Name - Affiliation' (analyst) per line.

    Text extracted from two-column pages sometimes breaks an entry over a blank line
    ('Colin Sebastian - Robert W. Baird & Co.' / 'Incorporated, Research Division'); such a
    tail is joined back to the entry before it instead of becoming a person.
    """
    people: list[Participant] = []
    dangling = False  # the last entry was a bare name ('Elon R.'): its surname may follow
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        name, rest = split_name_rest(line)
        if dangling and rest and len(name.split()) == 1 and name[:1].isupper():
            # 'Elon R.' / '' / 'Musk - Co-Founder, ...' (TSLA_2Q25.txt): one entry.
            last = people[-1]
            last.name = f"{last.name} {name}"
            if side == "company":
                last.title, last.role = rest, company_side_role(rest)
            else:
                last.affiliation = rest
            dangling = False
            continue
        dangling = False
        if people and " - " not in line and _is_continuation(line, people[-1]):
            last = people[-1]
            if side == "company":
                last.title = f"{last.title or ''} {line}".strip()
            else:
                last.affiliation = f"{last.affiliation or ''} {line}".strip()
            continue
        dangling = rest is None
        if side == "company":
            people.append(
                Participant(name, company_side_role(rest), affiliation=company_name, title=rest)
            )
        else:
            people.append(Participant(name, "analyst", affiliation=rest, title=None))
    return people


def _is_continuation(line: str, previous: Participant) -> bool:
    tail = previous.title if previous.role != "analyst" else previous.affiliation
    if tail and tail.rstrip().endswith((".", ",", "&", "-")):
        return True
    return bool(_CONTINUATION_RE.match(line))


def parse_streetevents_list(lines: list[str], side: str) -> list[Participant]:
    """StreetEvents lists: ' * Name' then '   Affiliation - Title' on the next line."""
    people: list[Participant] = []
    for raw in lines:
        stripped = raw.strip()
        if not stripped:
            continue
        if stripped.startswith("*"):
            people.append(Participant(stripped.lstrip("* ").strip()))
            continue
        if not people:
            continue
        person = people[-1]
        affiliation, _, title = stripped.rpartition(" - ") if " - " in stripped else (
            stripped, "", ""
        )
        person.affiliation = affiliation.strip().strip("-").strip() or None
        person.title = title.strip() or None
    for person in people:
        person.role = company_side_role(person.title) if side == "company" else "analyst"
    return people
