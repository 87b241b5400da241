"""How text becomes index terms, the same way for posts and for what users type.

- A hyphen inside a word joins: `sector-led` is indexed as `sector`, `led` at consecutive
  positions (so a phrase query finds it) and also as `sectorled` (so `wellbeing` finds
  `well-being`).
- British and American spellings meet (`organization` is indexed as `organisation`).
- Words are stemmed with the Snowball English stemmer (PyStemmer, in C). Whoosh's own Porter
  stemmer skips the "add e / undouble" rules of step 1b, so `pressurized` never met `pressure`.
- An acronym written as one (`SEND`, `EHCPs`, `DfE`) is also indexed as a marked term, so a
  search for `SEND` finds the acronym but not the verb "send".
"""

from __future__ import annotations

import re
from collections import Counter

import Stemmer
from whoosh.analysis import Filter, RegexTokenizer, STOP_WORDS

from indexer.vocabulary import acronym_written, british

# Words, with apostrophes and hyphens inside them kept together for the filter to split. (The
# same words as `\w+(?:['’]\w+)*(?:[-‐‑]\w+(?:['’]\w+)*)*`, found a fifth faster: snippets split
# every shown post's body with it.)
WORD_PATTERN = r"\w+(?:[-'’\u2010\u2011]\w+)*+"
_HYPHEN = re.compile(r"[-\u2010\u2011]")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
ACRONYM_MARK = "§"  # a marked term is the acronym, never the ordinary word
MIN_WORD_LENGTH = 2

_stemmer = Stemmer.Stemmer("english")


def normal_word(word: str) -> str:
    """A word without possessive or apostrophes, in lower case and British spelling."""
    word = _POSSESSIVE.sub("", word).replace("'", "").replace("’", "").lower()
    return british(word)


def stem(word: str) -> str:
    return _stemmer.stemWord(word)


def acronym_term(key: str) -> str:
    """The index term of an acronym written as one."""
    return ACRONYM_MARK + key


def is_stop_word(word: str) -> bool:
    return word in STOP_WORDS or len(word) < MIN_WORD_LENGTH


def compound_parts(word: str) -> list[str]:
    """`sector-led` -> [`sector`, `led`]; a word with no hyphen is its own only part."""
    return [part for part in _HYPHEN.split(word) if part]


# How each written word is analysed, cached: posts reuse a small vocabulary (Zipf), so most
# words are analysed once per process. Entries: (text, start, end, kind) with offsets inside
# the word, and kind one of the constants below.
_WORD, _STOPPED, _MARK, _JOINED = range(4)
_PLAN_CACHE_LIMIT = 500_000
_plans: dict[tuple[str, bool], tuple[tuple[str, int, int, int], ...]] = {}


def _plan(written: str, indexing: bool) -> tuple[tuple[str, int, int, int], ...]:
    key = (written, indexing)
    plan = _plans.get(key)
    if plan is not None:
        return plan
    entries = []
    parts = compound_parts(written)
    offset = 0
    for part in parts:
        offset = written.index(part, offset)
        word = normal_word(part)
        if is_stop_word(word):
            entries.append((word, offset, offset + len(part), _STOPPED))
        else:
            entries.append((stem(word), offset, offset + len(part), _WORD))
            acronym = acronym_written(part) if indexing else None
            if acronym is not None:
                entries.append((acronym_term(acronym.key), offset, offset + len(part), _MARK))
        offset += len(part)
    if indexing and len(parts) > 1 and any(kind == _WORD for *_, kind in entries):
        entries.append((stem(normal_word("".join(parts))), 0, len(written), _JOINED))
    if len(_plans) >= _PLAN_CACHE_LIMIT:
        _plans.clear()
    plan = _plans[key] = tuple(entries)
    return plan


def indexed_terms(written: str) -> tuple[tuple[str, int, int, int], ...]:
    """How the index analyses one written word: (term, start, end, kind) for each term it
    gives, stop words included, with offsets inside the word. Cached (see _plan)."""
    return _plan(written, True)


class SectorTextFilter(Filter):
    """Splits compounds, normalises spelling, drops stop words, stems, and marks acronyms.

    One filter does all of it because positions must agree: the joined form and the acronym mark
    sit at the position of the word they come from, and stop words take no position."""

    is_morph = True

    def __eq__(self, other):
        return type(other) is type(self)

    def __call__(self, tokens):
        position = 0
        for token in tokens:
            start = token.startchar if token.chars else 0
            first_position = None
            for text, begin, end, kind in _plan(token.text, token.mode == "index"):
                if kind == _STOPPED:
                    if not token.removestops:
                        yield self._set(token, text, position, start + begin, start + end, True)
                    continue
                if kind == _WORD:
                    if first_position is None:
                        first_position = position
                    yield self._set(token, text, position, start + begin, start + end)
                    position += 1
                elif kind == _MARK:
                    yield self._set(token, text, position - 1, start + begin, start + end)
                else:
                    yield self._set(token, text, first_position, start + begin, start + end)

    @staticmethod
    def _set(token, text, position, startchar, endchar, stopped=False):
        token.text = text
        token.stopped = stopped
        if token.positions:
            token.pos = position
        if token.chars:
            token.startchar, token.endchar = startchar, endchar
        return token


def text_analyzer():
    """Title and body: stemmed, with joined compounds and acronym marks."""
    return RegexTokenizer(WORD_PATTERN) | SectorTextFilter()


def index_positions(text: str) -> dict[str, list[int]]:
    """Each index term of a text and its positions, exactly as text_analyzer() gives them when
    indexing, without a Whoosh Token a word: for the writer processes of a large rebuild, where
    the token stream was a fifth of a post's cost."""
    positions: dict[str, list[int]] = {}
    position = 0
    plans = _index_plans
    for written in _WORD.findall(text):
        terms, advance = plans.get(written) or _index_plan(written)
        for term, offset in terms:
            found = positions.get(term)
            if found is None:
                positions[term] = [position + offset]
            else:
                found.append(position + offset)
        position += advance
    return positions


def index_term_counts(text: str) -> dict[str, int]:
    """How often each index term of a text occurs, exactly as text_analyzer() gives them when
    indexing (the length of each of index_positions's lists), counted a distinct written word at
    a time: more like this weighs a post's terms by these, and a Whoosh token a word was most of
    a document page's time."""
    counts: dict[str, int] = {}
    plans = _index_plans
    for written, times in Counter(_WORD.findall(text)).items():
        terms, _ = plans.get(written) or _index_plan(written)
        for term, _ in terms:
            counts[term] = counts.get(term, 0) + times
    return counts


# A written word's index terms with their positions relative to its first word, and how many
# positions it takes: _plan as SectorTextFilter reads it when indexing.
_index_plans: dict[str, tuple[tuple[tuple[str, int], ...], int]] = {}


def _index_plan(written: str) -> tuple[tuple[tuple[str, int], ...], int]:
    found = _index_plans.get(written)
    if found is None:
        terms, words = [], 0
        for text, _, _, kind in _plan(written, True):
            if kind == _WORD:
                terms.append((text, words))
                words += 1
            elif kind == _MARK:
                terms.append((text, words - 1))
            elif kind == _JOINED:
                terms.append((text, 0))
        if len(_index_plans) >= _PLAN_CACHE_LIMIT:
            _index_plans.clear()
        found = _index_plans[written] = (tuple(terms), words)
    return found


def words_of(text: str) -> list[str]:
    """Every word of a text as typed words are compared for spelling: lower case, unstemmed."""
    words: list[str] = []
    for written in _WORD.findall(text):
        words.extend(_spelling_words(written))
    return words


_WORD = re.compile(WORD_PATTERN)
# Each written word's spelling words, cached like the analyzer's plans: without it, normalising
# every word of every post again took most of the time spent building a post's fields.
_spellings: dict[str, tuple[str, ...]] = {}


def _spelling_words(written: str) -> tuple[str, ...]:
    words = _spellings.get(written)
    if words is None:
        parts = compound_parts(written)
        found = [normal_word(part) for part in parts]
        if len(parts) > 1:
            found.append(normal_word("".join(parts)))
        if len(_spellings) >= _PLAN_CACHE_LIMIT:
            _spellings.clear()
        words = _spellings[written] = tuple(found)
    return words
