"""Function words of the article languages (data/grammar.yaml): Korean particles, the words
that coordinate names, the words for "percent".

Why one module: the Korean subject particles decide which company a sentence is about
(claims/asides.py), the possessive and particles bound a segment's name (claims/stance_shape.py),
and percent words are read by the stance and figure rules; each reads the same lists here, so
no module keeps its own copy of a closed word class.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from claimtracker.errors import ConfigError
from claimtracker.yaml_lines import LINE, load_versioned, load_yaml

DEFAULT_GRAMMAR = Path(__file__).resolve().parent.parent / "data" / "grammar.yaml"
_KOREAN_KEYS = {"subject_particles", "topic_particles", "possessive_particle", "other_endings",
                "clause_end", "standing_nouns", "comitative_particles", "partner_words",
                "prospective_final", "prospective_nouns"}
_TOP_KEYS = {"korean", "coordination", "percent"}
_HANGUL = "\uac00-\ud7a3"
#: the final consonants of a Hangul syllable, in Unicode order (index 0: none)
_FINALS = ("", "ㄱ", "ㄲ", "ㄳ", "ㄴ", "ㄵ", "ㄶ", "ㄷ", "ㄹ", "ㄺ", "ㄻ", "ㄼ", "ㄽ", "ㄾ", "ㄿ",
           "ㅀ", "ㅁ", "ㅂ", "ㅄ", "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ")


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class Grammar:
    """The validated lists, and the patterns the rules match with them (compiled once per
    loaded version of the file: load_grammar caches the Grammar)."""

    subject_particles: tuple[str, ...]
    topic_particles: tuple[str, ...]
    possessive: str
    other_endings: tuple[str, ...]
    clause_end: tuple[str, ...]
    standing_nouns: tuple[str, ...]
    comitative: tuple[str, ...]
    partner_words: tuple[str, ...]
    prospective_final: str
    prospective_nouns: tuple[str, ...]
    coordination: tuple[str, ...]
    percent_words: tuple[str, ...]

    @cached_property
    def particles(self) -> tuple[str, ...]:
        """Every particle a noun may carry (stripped to find the noun: "엔비디아의" -> 엔비디아)."""
        return (self.possessive, *self.subject_particles)

    def _particle_after(self, marks: tuple[str, ...]) -> re.Pattern[str]:
        """One of `marks` right after a word (or after a noun standing for it: "마이크론
        쪽은"), then a space, a comma or the end."""
        standing = _alternation(self.standing_nouns)
        return re.compile(rf"(?:\s?(?:{standing}))?(?:{_alternation(marks)})(?:\s|,|$)")

    @cached_property
    def prospective(self) -> re.Pattern[str]:
        """A verb in the prospective modifier before its noun ("줄어들 것"): every syllable
        with the final consonant, then a space and a prospective noun."""
        final = _FINALS.index(self.prospective_final)
        syllables = "".join(chr(0xAC00 + lead_vowel * 28 + final) for lead_vowel in range(19 * 21))
        return re.compile(rf"[{syllables}]\s(?:{_alternation(self.prospective_nouns)})")

    @cached_property
    def partner_mark(self) -> re.Pattern[str]:
        """A comitative particle and a partner word right after a name ("인텔과 함께")."""
        return re.compile(rf"(?:{_alternation(self.comitative)})\s*"
                          rf"(?:{_alternation(self.partner_words)})")

    @cached_property
    def subject_mark(self) -> re.Pattern[str]:
        """A subject particle right after a word ("인텔은 ")."""
        return self._particle_after(self.subject_particles)

    @cached_property
    def topic_mark(self) -> re.Pattern[str]:
        return self._particle_after(self.topic_particles)

    @cached_property
    def marked_word(self) -> re.Pattern[str]:
        """A Hangul word ending in a subject particle, anywhere in a text."""
        return re.compile(rf"[{_HANGUL}]" + self.subject_mark.pattern)

    @cached_property
    def possessor(self) -> re.Pattern[str]:
        """The possessive, then up to three words without endings of their own, then a
        subject-marked head of two syllables or more ("주가" is no 주 + 가)."""
        endings = "".join(re.escape(e) for e in (*self.other_endings, self.possessive))
        return re.compile(
            rf"{re.escape(self.possessive)}\s+(?:[^\s.,;:!?]+(?<![{endings}])\s+){{0,3}}?"
            rf"[{_HANGUL}A-Za-z0-9]{{2,}}(?:{_alternation(self.subject_particles)})(?:\s|,|$)")

    @cached_property
    def short_run(self) -> re.Pattern[str]:
        """A short run with no clause end (between a Korean name and the cue after it)."""
        ends = "".join(re.escape(e) for e in self.clause_end)
        return re.compile(rf"^[^.;:!?{ends}]{{0,15}}$")

    @cached_property
    def coordinated(self) -> re.Pattern[str]:
        """Nothing but a coordinating word (or a comma) between two names."""
        joins = _alternation(self.coordination)
        return re.compile(rf"^\s*(?:{joins})?\s*(?:,|and|&)?\s*$", re.IGNORECASE)

    def percent_sign(self, *, word_end: bool = True) -> str:
        """The percent sign or word after a number, as a regex fragment; `word_end=False`
        also reads "percentage" ("20 percentage points")."""
        end = r"\b" if word_end else ""
        words = "|".join(rf"{re.escape(w)}{end}" if w.isascii() else re.escape(w)
                         for w in self.percent_words)
        return rf"(?:%|{words})"


def _fail(path: Path, line: Any, message: str) -> ConfigError:
    return ConfigError(f"{path}:{line}: {message}")


def _words(path: Path, section: dict[str, Any], key: str, *, single: bool = False,
           ) -> tuple[str, ...]:
    value = section.get(key)
    line = section.get(LINE, 1)
    if single:
        value = [value] if isinstance(value, str) else None
    if not isinstance(value, list) or not value or not all(
            isinstance(v, str) and v.strip() for v in value):
        shape = "one word, e.g. 의" if single else "a non-empty list of words, e.g. [은, 는]"
        raise _fail(path, line, f"`{key}` must be {shape}; restore it from data/grammar.yaml.")
    return tuple(v.strip() for v in value)


def _parse(path: Path, raw: bytes) -> Grammar:
    data = load_yaml(raw, path)
    if not isinstance(data, dict):
        raise _fail(path, 1, "the grammar file must be a mapping with keys "
                    f"{sorted(_TOP_KEYS)}.")
    for where, keys, name in ((data, _TOP_KEYS, "the file"),
                              (data.get("korean"), _KOREAN_KEYS, "korean")):
        if not isinstance(where, dict):
            raise _fail(path, data.get(LINE, 1), f"`{name}` must be a mapping with keys "
                        f"{sorted(keys)}.")
        unknown = sorted(str(k) for k in where if k != LINE and k not in keys)
        missing = sorted(k for k in keys if k not in where)
        if unknown or missing:
            raise _fail(path, where.get(LINE, 1), f"{name}: unknown key(s) {unknown}, "
                        f"missing key(s) {missing}; the keys are {sorted(keys)}.")
    korean = data["korean"]
    grammar = Grammar(
        subject_particles=_words(path, korean, "subject_particles"),
        topic_particles=_words(path, korean, "topic_particles"),
        possessive=_words(path, korean, "possessive_particle", single=True)[0],
        other_endings=_words(path, korean, "other_endings"),
        clause_end=_words(path, korean, "clause_end"),
        standing_nouns=_words(path, korean, "standing_nouns"),
        comitative=_words(path, korean, "comitative_particles"),
        partner_words=_words(path, korean, "partner_words"),
        prospective_final=_words(path, korean, "prospective_final", single=True)[0],
        prospective_nouns=_words(path, korean, "prospective_nouns"),
        coordination=_words(path, data, "coordination"),
        percent_words=_words(path, data, "percent"),
    )
    if grammar.prospective_final not in _FINALS[1:]:
        raise _fail(path, korean.get(LINE, 1), f"korean.prospective_final "
                    f"{grammar.prospective_final!r} is no final consonant; write one "
                    "jamo, e.g. ㄹ.")
    stray = sorted(set(grammar.topic_particles) - set(grammar.subject_particles))
    if stray:
        raise _fail(path, korean.get(LINE, 1), f"korean.topic_particles {stray} are not in "
                    "subject_particles: a topic particle marks a subject too.")
    return grammar


def load_grammar(path: str | Path | None = None) -> Grammar:
    """data/grammar.yaml (or `path`), validated, cached per file version."""
    return load_versioned(Path(path) if path else DEFAULT_GRAMMAR, _parse,
                          what="the grammar words", restore="restore data/grammar.yaml")
