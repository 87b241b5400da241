"""Correcting a mistyped word from the collection's own unstemmed words and the sector's names.

Whoosh's corrector compares typed words with stemmed index terms, so the right word is often too
far away, and it "corrects" words it has never seen (`what` → `heat`). SymSpell finds every word
within two edits of the typed one by looking up precomputed deletions, so a lookup costs well
under a millisecond however large the collection; the rules here decide which of those words is
safe to offer. This module does not touch Whoosh: the caller hands in the word counts.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from symspellpy import SymSpell, Verbosity
from symspellpy.editdistance import DistanceAlgorithm, EditDistance

logger = logging.getLogger(__name__)

MIN_LENGTH = 4  # shorter words give too little to go on: `how` must not become `flow`
MAX_LENGTH = 30  # longer input is not a word; bounding it bounds the lookup's work
MIN_COUNT = 2  # a word seen in one post only may itself be a typo
EXTRA_WORD_COUNT = 2  # organisation and acronym words: always known, but ranked below real usage
MAX_DISTANCE = 2
# SymSpell stores deletions of each word's first letters only. Over 50,000 words, 5 letters hold
# 48 MB and build in ~1 s with lookups of ~0.15 ms; its default of 7 holds 195 MB and takes ~2 s.
PREFIX_LENGTH = 5

WORD = re.compile(r"\w+")


def max_distance(word: str) -> int:
    """One edit for a word of 4-5 letters, two for longer: two edits in a short word is another word."""
    return 1 if len(word) <= 5 else MAX_DISTANCE


def post_word_counts(texts: Iterable[str]) -> Counter[str]:
    """Lower-case word -> how many of the texts use it, the counts a `SpellingCorrector` wants."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(set(WORD.findall(text.lower())))
    return counts


def _may_correct(word: str) -> bool:
    """Whether a typed word is one we try to correct at all (before looking it up)."""
    if not MIN_LENGTH <= len(word) <= MAX_LENGTH or not word.isalpha():
        return False  # too short, too long, a number, or has digits or punctuation
    return not word.isupper()  # an acronym typed in capitals means the acronym


def _same_start(typed: str, candidate: str) -> bool:
    """People rarely get the first letter wrong, except by swapping the first two."""
    return typed[0] == candidate[0] or typed[:2] == candidate[1::-1]


class SpellingCorrector:
    """Offers the word a user most likely meant, drawn only from words the collection uses.

    The SymSpell dictionary is built on first use, not in __init__, so a service that never
    meets a typo pays nothing; after that a correction is a lookup.
    """

    def __init__(self, word_counts: Mapping[str, int], extra_words: Iterable[str] = ()):
        """word_counts: lower-case unstemmed word -> how many posts use it. extra_words: words that
        are always known and may be corrected to (from organisation names and the acronym list), given
        a modest count."""
        self._counts: dict[str, int] = {}
        for word, count in word_counts.items():
            key = word.lower()
            self._counts[key] = self._counts.get(key, 0) + count
        self._extra: set[str] = set()
        for phrase in extra_words:
            for word in WORD.findall(phrase.lower()):
                self._extra.add(word)
                self._counts[word] = max(self._counts.get(word, 0), EXTRA_WORD_COUNT)
        self._symspell: SymSpell | None = None
        self._lock = threading.Lock()

    def knows(self, word: str) -> bool:
        """Whether the collection or the extra words have this word, in any case."""
        return word.lower() in self._counts

    def correct(self, word: str) -> str | None:
        """The word the user most likely meant, or None when the word is known, cannot be corrected safely, or nothing is close."""
        if not _may_correct(word) or self.knows(word):
            return None
        typed = word.lower()
        suggestions = self._dictionary().lookup(typed, Verbosity.ALL, max_distance(typed))
        candidates = [s for s in suggestions if _same_start(typed, s.term)]
        if not candidates:
            return None
        best = min(candidates, key=lambda s: (s.distance, -s.count, s.term)).term
        return best.capitalize() if word.istitle() else best

    def correct_words(self, words: Sequence[str]) -> dict[str, str]:
        """typed word -> correction, for the words that have one."""
        corrections = {}
        for word in words:
            if word not in corrections and (correction := self.correct(word)):
                corrections[word] = correction
        return corrections

    def _dictionary(self) -> SymSpell:
        """The SymSpell dictionary of words safe to offer, built once however many threads ask."""
        if self._symspell is None:
            with self._lock:
                if self._symspell is None:
                    self._symspell = self._build()
        return self._symspell

    def _build(self) -> SymSpell:
        # Only words we would offer go in: fewer deletions to store, and no rule to re-check.
        symspell = SymSpell(
            MAX_DISTANCE,
            PREFIX_LENGTH,
            count_threshold=1,
            distance_comparer=EditDistance(DistanceAlgorithm.DAMERAU_OSA_FAST),
        )
        for word, count in self._counts.items():
            if word.isalpha() and len(word) <= MAX_LENGTH and (count >= MIN_COUNT or word in self._extra):
                symspell.create_dictionary_entry(word, count)
        logger.info("Spelling dictionary built: %d words", symspell.word_count)
        return symspell
