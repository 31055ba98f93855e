"""What to search for a claim: an English query, its subjects, and the claim's own words.

Management speaks English; articles are often Korean. A claim is searched with English words
in any case: its English statement when it has one, else the Latin-script names the quote
already carries (Blackwell, H20, TPU), the English terms of the Korean words it uses
(data/glossary.yaml) and the English names of its metric. The quote itself is kept for the
cross-lingual reranker (claims.crosslingual). The subjects (what rises or falls) are handed
to the stance rules when the ledger gives no hand-written cues.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from claims.ledger import Claim
from claims.sentences import is_korean
from claimtracker.config import REPO_DATA_DIR
from claimtracker.errors import ConfigError
from claimtracker.yaml_lines import LINE, load_versioned, load_yaml

GLOSSARY_FILE = REPO_DATA_DIR / "glossary.yaml"
#: Latin-script names in Korean text: "Blackwell", "H20", "TPU", "AI", "GB300", "Azure".
_LATIN_NAME = re.compile(r"(?<![A-Za-z0-9])([A-Z][A-Za-z0-9&\-]*[A-Za-z0-9]|[A-Z]|[a-z]+[A-Z]\w*)"
                         r"(?:\s+[A-Z][A-Za-z0-9\-]*)*")
#: An English gloss in parentheses after a Korean word: "매진(sold out)", "램프업(ramp-up)".
_GLOSS = re.compile(r"[\uac00-\ud7a3]\s?\(([a-z][a-z\- ]*[a-z])\)")


@dataclass(frozen=True)
class NumberWords:
    """How a Korean amount reads in English: "1,500만 명" is "15 million", "375억 달러" is
    "$37.5 billion" (powers of ten of the Korean and English scale words, currency words)."""

    korean: dict[str, int]
    english: dict[str, int]
    currencies: dict[str, str]

    @cached_property
    def _amount(self) -> re.Pattern[str]:
        scales = "|".join(re.escape(k) for k in sorted(self.korean, key=len, reverse=True))
        money = "|".join(re.escape(k) for k in sorted(self.currencies, key=len, reverse=True))
        part = rf"\d[\d,]*(?:\.\d+)?\s?(?:{scales})"
        return re.compile(rf"((?:{part}\s?)+)(?:\s?({money}))?" if money else rf"((?:{part}\s?)+)")

    def english_figures(self, text: str) -> list[str]:
        """The Korean amounts of text in English words, in order."""
        if not self.korean or not self.english:
            return []
        out: list[str] = []
        scales = "|".join(re.escape(k) for k in self.korean)
        for match in self._amount.finditer(text):
            value = sum(float(num.replace(",", "")) * 10 ** self.korean[scale]
                        for num, scale in re.findall(rf"(\d[\d,]*(?:\.\d+)?)\s?({scales})",
                                                     match.group(1)))
            fitting = [(p, w) for w, p in self.english.items() if 10 ** p <= value]
            if not fitting:
                continue
            power, word = max(fitting)
            currency = self.currencies.get(match.group(2) or "", "") \
                if match.lastindex and match.lastindex >= 2 else ""
            figure = f"{currency}{value / 10 ** power:g} {word}"
            if figure not in out:
                out.append(figure)
        return out


@dataclass(frozen=True)
class Glossary:
    subjects: dict[str, tuple[str, ...]]
    modifiers: dict[str, tuple[str, ...]]
    synonyms: dict[str, tuple[str, ...]]
    numbers: NumberWords = NumberWords({}, {}, {})
    #: (pattern, replacements): other spellings of a name ("7nm" -> "7-nanometer")
    spellings: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = ()
    #: Latin words of a Korean article that name no subject (`latin_stop`: "YoY", "CEO")
    latin_stop: frozenset[str] = frozenset()

    def respell(self, term: str) -> list[str]:
        """Other spellings management uses for a claim term (`spellings:`): "10nm Ice Lake"
        -> "10-nanometer Ice Lake", "Ice Lake"; [] when none applies. Cached: the stance
        model asks for every sentence it judges."""
        return list(_respell(term, self.spellings))

    @cached_property
    def _synonym_patterns(self) -> list[tuple[re.Pattern[str], tuple[str, ...]]]:
        """Each synonym, key or listed, as a whole-word pattern with the other names of its
        entry: synonymy goes both ways ("remaining performance obligations" is "RPO" as much
        as "RPO" is it). Compiled once per glossary version."""
        names: dict[str, list[str]] = {}
        for key, others in self.synonyms.items():
            group = [key, *others]
            for name in group:
                bucket = names.setdefault(name.lower(), [])
                bucket.extend(o for o in group if o.lower() != name.lower() and o not in bucket)
        return [(re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE), tuple(others))
                for name, others in names.items()]

    def widen(self, subjects: list[str]) -> list[str]:
        """The subjects and the other names management uses for them: "commercial backlog"
        adds "commercial remaining performance obligation" and "remaining performance
        obligation"."""
        out = list(subjects)
        for subject in subjects:
            for pattern, others in self._synonym_patterns:
                if not pattern.search(subject):
                    continue
                for other in others:
                    if other.lower().endswith(" " + subject.lower()):
                        continue  # "Oracle Cloud Infrastructure" for "cloud infrastructure":
                        # the bare name already matches it, and would lose to it as qualified
                    out.append(pattern.sub(other, subject))
                    out.append(other)
        return out

    def translate(self, text: str) -> tuple[list[str], list[str]]:
        """(subject terms, modifier terms) for the Korean stems in text, longest stems first."""
        taken: list[tuple[int, int]] = []
        subjects: list[str] = []
        modifiers: list[str] = []
        entries = [(k, v, subjects) for k, v in self.subjects.items()]
        entries += [(k, v, modifiers) for k, v in self.modifiers.items()]
        for key, english, out in sorted(entries, key=lambda e: -len(e[0])):
            for match in re.finditer(re.escape(key), text):
                span = (match.start(), match.end())
                if any(s < span[1] and span[0] < e for s, e in taken):
                    continue
                taken.append(span)
                out.extend(t for t in english if t not in out)
        return subjects, modifiers


@lru_cache(maxsize=4096)
def _respell(term: str, spellings: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...],
             ) -> tuple[str, ...]:
    out: list[str] = []
    for pattern, replacements in spellings:
        if pattern.search(term):
            out += [pattern.sub(r, term).strip() for r in replacements]
    return tuple(o for o in dict.fromkeys(out) if o and o.lower() != term.lower())


def _section(path: Path, raw: dict[str, Any], key: str) -> dict[str, tuple[str, ...]]:
    section = raw.get(key) or {}
    if not isinstance(section, dict):
        raise ConfigError(f"{path}:{raw[LINE]}: `{key}` must map words to English lists.")
    out: dict[str, tuple[str, ...]] = {}
    for korean, english in section.items():
        if korean == LINE:
            continue
        if (not isinstance(english, list) or not english
                or not all(isinstance(t, str) and t.strip() for t in english)):
            raise ConfigError(f"{path}:{section[LINE]}: `{korean}` must map to a list of English "
                              f"terms, e.g. `{korean}: [revenue]`; got {english!r}.")
        out[str(korean)] = tuple(t.strip() for t in english)
    return out


def _parse(path: Path, raw_bytes: bytes) -> Glossary:
    raw = load_yaml(raw_bytes, path)
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected `subjects:` and `modifiers:` mappings.")
    unknown = sorted(str(k) for k in raw
                     if k not in (LINE, "subjects", "modifiers", "synonyms", "numbers",
                                  "spellings", "latin_stop"))
    if unknown:
        raise ConfigError(f"{path}:{raw[LINE]}: unknown key(s) {unknown}; allowed: subjects, "
                          "modifiers, synonyms, numbers, spellings, latin_stop.")
    stop = raw.get("latin_stop") or []
    if not isinstance(stop, list) or not all(isinstance(w, str) and w.strip() for w in stop):
        raise ConfigError(f"{path}:{raw[LINE]}: `latin_stop` must be a list of words, e.g. "
                          f"[YoY, CEO]; got {stop!r}.")
    return Glossary(_section(path, raw, "subjects"), _section(path, raw, "modifiers"),
                    _section(path, raw, "synonyms"), _numbers(path, raw),
                    _spellings(path, raw), frozenset(w.strip() for w in stop))


def _spellings(path: Path, raw: dict[str, Any]) -> tuple[tuple[re.Pattern[str],
                                                               tuple[str, ...]], ...]:
    """The `spellings:` section: a regular expression -> its replacement spellings."""
    out = []
    for pattern, replacements in _section(path, raw, "spellings").items():
        try:
            compiled = re.compile(pattern)
            for r in replacements:
                compiled.sub(r, "")  # a bad group reference fails here, not when scoring
        except re.error as exc:
            raise ConfigError(f"{path}: spellings: `{pattern}` is no valid regular expression "
                              f"or replacement ({exc}); fix it, e.g. `'(\\d+)nm': "
                              f"['\\1-nanometer']`.") from exc
        out.append((compiled, replacements))
    return tuple(out)


def _numbers(path: Path, raw: dict[str, Any]) -> NumberWords:
    """The `numbers:` section: `korean` and `english` scale words to powers of ten,
    `currencies` Korean currency words to their sign."""
    section = raw.get("numbers") or {}
    line = section.get(LINE, raw[LINE]) if isinstance(section, dict) else raw[LINE]
    if not isinstance(section, dict) or set(section) - {LINE, "korean", "english", "currencies"}:
        raise ConfigError(f"{path}:{line}: `numbers` takes `korean`, `english` and "
                          "`currencies` mappings, e.g. `korean: {억: 8}`.")
    maps: dict[str, dict[str, Any]] = {}
    for key, kind in (("korean", int), ("english", int), ("currencies", str)):
        value = section.get(key) or {}
        if not isinstance(value, dict) or not all(
                isinstance(v, kind) and not isinstance(v, bool) for k, v in value.items()
                if k != LINE):
            raise ConfigError(f"{path}:{line}: `numbers.{key}` must map words to "
                              f"{'powers of ten' if kind is int else 'currency signs'}; "
                              f"got {value!r}.")
        maps[key] = {str(k): v for k, v in value.items() if k != LINE}
    return NumberWords(maps["korean"], maps["english"], maps["currencies"])


def load_glossary(path: Path | None = None) -> Glossary:
    """The glossary, parsed once per file version."""
    return load_versioned(Path(path or GLOSSARY_FILE), _parse, what="the glossary",
                          restore="restore data/glossary.yaml from the repo")


def latin_names(text: str) -> list[str]:
    """Latin-script names inside a (Korean) text, in order, without duplicates, then the
    writer's English glosses in parentheses ("매진(sold out)"): the words management uses."""
    names: list[str] = []
    stop = load_glossary().latin_stop
    for match in _LATIN_NAME.finditer(text):
        name = match.group(0).strip()
        if name and name not in stop and name not in names:
            names.append(name)
    for match in _GLOSS.finditer(text):
        gloss = match.group(1).strip()
        if not any(gloss.lower() == n.lower() for n in names):
            names.append(gloss)
    return names


def company_names() -> frozenset[str]:
    """Every name and ticker of the company book (data/companies.yaml), lower-cased: in a
    Korean quote they say whose claim it is, not what it is about (products stay)."""
    from claims.companies import load_company_book

    try:
        book = load_company_book()
    except Exception:  # no company book: every Latin name stays a subject
        return frozenset()
    return frozenset(n.lower() for c in book.companies.values()
                     for n in (c.ticker, *c.tickers, *c.en, *c.ko))


def _metric_aliases(metric: str | None) -> list[str]:
    """English names of the claim's metric (the catalogue's first two)."""
    from claimtracker.metric_catalog import load_catalog

    return list(load_catalog().english_names(metric)[:2]) if metric else []


@dataclass(frozen=True)
class ClaimQuery:
    """An English search text, the subjects for stance, and the quote for reranking."""

    text: str
    subjects: tuple[str, ...]
    native: str
    crosslingual: bool
    #: The subjects by concept: each base subject with the other names the glossary gives it
    #: ("capex", "capital expenditures", "CapEx"): a sentence says one of them, not all.
    groups: tuple[tuple[str, ...], ...] = ()


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item and item.lower() not in seen:
            seen.add(item.lower())
            out.append(item)
    return out


def claim_query(claim: Claim, glossary: Glossary | None = None) -> ClaimQuery:
    """The search query of a claim (see module docstring)."""
    glossary = glossary or load_glossary()
    terms = list(getattr(claim, "terms", ()) or ())
    korean_quote = is_korean(claim.quote)
    statement = claim.statement if claim.statement and not is_korean(claim.statement) else ""
    english_terms = [t for t in terms if not is_korean(t)]
    korean_text = " ".join([claim.quote if korean_quote else "",
                            *(t for t in terms if is_korean(t))])
    subjects, modifiers = glossary.translate(korean_text) if korean_text.strip() else ([], [])
    companies = company_names() if korean_quote else frozenset()
    names = [n for n in latin_names(claim.quote) if n.lower() not in companies] \
        if korean_quote else []
    metric = _metric_aliases(claim.metric)
    bases = _unique([*english_terms, *names, *subjects, *metric])
    subject_list = _unique(glossary.widen(bases))
    groups = _groups(bases, glossary)
    if statement and (statement != claim.quote or not korean_quote):
        extra = [t for t in subject_list if t.lower() not in statement.lower()]
        text = " ".join([statement, *extra])
    else:
        figures = glossary.numbers.english_figures(claim.quote) if korean_quote else []
        text = " ".join(_unique([*subject_list, *modifiers, *figures]))
    return ClaimQuery(text=text.strip() or claim.quote, subjects=tuple(subject_list),
                      native=claim.quote, crosslingual=korean_quote and not statement,
                      groups=groups)


def _groups(bases: list[str], glossary: Glossary) -> tuple[tuple[str, ...], ...]:
    """Each base subject with its glossary names, a name already in an earlier group merged
    into it ("data center" and its "datacenter" are one concept)."""
    groups: list[list[str]] = []
    for base in bases:
        names = _unique(glossary.widen([base]))
        lowered = {n.lower() for n in names}
        home = next((g for g in groups if lowered & {n.lower() for n in g}), None)
        if home is None:
            groups.append(names)
        else:
            home.extend(n for n in names if n.lower() not in {h.lower() for h in home})
    return tuple(tuple(g) for g in groups)
