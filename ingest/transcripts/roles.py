"""Who is speaking, and on which side of the call: the rules downstream relies on.

The NLP stage separates management's words from analysts' by `role`, so a wrong
"management" label would put an analyst's question in management's mouth. Hence the rule:
a speaker is management (or investor_relations) ONLY when matched to a company-side
participant or when the transcript itself names the company as their affiliation;
analyst when matched to a call participant or an outside affiliation; otherwise unknown.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from ingest.transcripts.model import Participant, Turn

_IR_RE = re.compile(r"\bIR\b|investor relations", re.IGNORECASE)
_ANALYST_RE = re.compile(
    r"analyst|research|securities|capital|partners|advisors|asset management|"
    r"\bbank\b|\bLLC\b|\bL\.?P\.?\b|investments?|equity|division",
    re.IGNORECASE,
)
_EXECUTIVE_RE = re.compile(
    r"\b(?:CEO|CFO|COO|CTO|Chief|President|Chairman|Chairwoman|Founder|Treasurer|EVP|SVP|"
    r"Executive Vice President|Senior Vice President|General Counsel)\b"
)
UNIDENTIFIED_RE = re.compile(
    r"^(?:unidentified|unknown|unverified)\s+(?:analyst|participant|speaker|"
    r"company representative|executive|audience member)$",
    re.IGNORECASE,
)
_COURTESY_RE = re.compile(
    r"^(?:(?:ok(?:ay)?|great|all right|yes|yeah|perfect|got it|understood|excellent)[,.!]?\s*)*"
    r"(?:thank you|thanks)(?: (?:very|so) much)?(?:,? (?:\w+)){0,3}[.!]?$",
    re.IGNORECASE,
)
# Common short forms heard on calls, so "Doug Anmuth" matches the listed "Douglas Anmuth".
_NICKNAMES = {
    "andy": "andrew", "doug": "douglas", "ron": "ronald", "ken": "kenneth", "ben": "benjamin",
    "jim": "james", "kash": "kasthuri", "cj": "christopher", "joe": "joseph", "dave": "david",
    "mike": "michael", "brad": "bradley", "tim": "timothy", "steve": "stephen", "rob": "robert",
    "bob": "robert", "greg": "gregory", "tony": "anthony", "jensen": "jen-hsun", "matt": "matthew",
    "chris": "christopher", "alex": "alexander", "jon": "jonathan", "nick": "nicholas",
}


def norm_name(name: str) -> str:
    """Accent-, case- and punctuation-free form of a name for matching."""
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s-]", " ", ascii_only.lower()).split())


def company_side_role(title: str | None) -> str:
    """A listed company participant: investor relations if the title says so, else management."""
    return "investor_relations" if title and _IR_RE.search(title) else "management"


def looks_like_analyst(affiliation: str | None, title: str | None) -> bool:
    return bool(
        (affiliation and _ANALYST_RE.search(affiliation)) or (title and _ANALYST_RE.search(title))
    )


def is_courtesy(text: str) -> bool:
    """'Thank you.' / 'Okay, thanks.' turns: kept, but marked as boilerplate."""
    return len(text) < 60 and bool(_COURTESY_RE.match(" ".join(text.split())))


class SpeakerResolver:
    """Matches the speaker labels of a transcript against its participant lists."""

    def __init__(self, participants: Iterable[Participant], company_names: Iterable[str] = ()):
        self.participants = list(participants)
        self._by_name = {norm_name(p.name): p for p in self.participants}
        names = [*company_names] + [
            p.affiliation or ""
            for p in self.participants
            if p.role in ("management", "investor_relations")
        ]
        self.company_names = {key for key in map(norm_name, names) if key}

    # -- lookups ------------------------------------------------------------------------------
    def by_name(self, label: str) -> Participant | None:
        key = norm_name(label)
        if not key:
            return None
        if key in self._by_name:
            return self._by_name[key]
        tokens = key.split()
        first, last = tokens[0], tokens[-1]
        first = _NICKNAMES.get(first, first)
        candidates = []
        for participant in self.participants:
            p_tokens = norm_name(participant.name).split()
            if not p_tokens or p_tokens[-1] != last:
                continue
            p_first = _NICKNAMES.get(p_tokens[0], p_tokens[0])
            same_first = p_first == first or p_first.startswith(first) or first.startswith(p_first)
            if same_first or len(tokens) == 1:
                candidates.append(participant)
        return candidates[0] if len(candidates) == 1 else None

    def by_title_or_affiliation(self, label: str) -> Participant | None:
        """GOOG's 'CEO & Director:' or 'MoffettNathanson LLC:' labels: unique title/affiliation."""
        key = norm_name(label)
        if not key:
            return None
        for attribute in ("title", "affiliation"):
            matches = [
                p for p in self.participants if norm_name(getattr(p, attribute) or "") == key
            ]
            if len(matches) == 1:
                return matches[0]
        return None

    def is_known_label(self, label: str) -> bool:
        return (
            is_operator(label)
            or self.by_name(label) is not None
            or self.by_title_or_affiliation(label) is not None
        )

    def is_company(self, affiliation: str | None) -> bool:
        if not affiliation:
            return False
        key = norm_name(affiliation)
        return any(key == c or key.startswith(c) or c.startswith(key) for c in self.company_names)

    # -- resolution ---------------------------------------------------------------------------
    def resolve(self, turn: Turn) -> None:
        """Set turn.speaker and turn.role; unknown speakers become participants (role unknown)."""
        label = turn.label.strip()
        if is_operator(label):
            turn.speaker, turn.role = "Operator", "operator"
            return
        participant = self.by_name(label) or self.by_title_or_affiliation(label)
        if participant is None:
            participant = self._from_turn_details(turn)
        turn.speaker, turn.role = participant.name, participant.role

    def _from_turn_details(self, turn: Turn) -> Participant:
        """A speaker missing from the lists: decide from the affiliation the header gives.

        'Unidentified Analyst' is an analyst; an unidentified company representative stays
        unknown (the transcript does not say who it is, so it is not quoted as management)."""
        unidentified = UNIDENTIFIED_RE.match(turn.label.strip())
        if unidentified:
            role = "analyst" if "analyst" in turn.label.lower() else "unknown"
        elif self.is_company(turn.affiliation):
            role = company_side_role(turn.title)
        elif (turn.affiliation or "").strip() or looks_like_analyst(None, turn.title):
            role = "analyst"  # an outside firm, or an analyst's title
        elif turn.title and _EXECUTIVE_RE.search(turn.title):
            role = company_side_role(turn.title)  # an officer's title and no outside firm
        else:
            role = "unknown"
        participant = Participant(
            name=turn.label.strip(),
            role=role,
            affiliation=turn.affiliation or None,
            title=turn.title or None,
        )
        self.participants.append(participant)
        self._by_name[norm_name(participant.name)] = participant
        return participant


def is_operator(label: str) -> bool:
    return norm_name(label) in ("operator", "the operator", "conference operator")


def mark_boilerplate(turns: Iterable[Turn]) -> None:
    """Operator turns and bare courtesies ('Thank you.') carry no claims: mark, never drop."""
    for turn in turns:
        turn.is_boilerplate = turn.role == "operator" or is_courtesy(turn.text)
