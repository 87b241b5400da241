"""The article-body measure of the extraction test suites: 4-word shingle precision, recall and F1.

It is the measure of scrapinghub's article-extraction-benchmark (`evaluate.py`,
`string_shingle_matching`), which the Murrough-Foley 2025 benchmark and trafilatura's own
evaluation reuse. Written here to the same definition:

- words are the runs of `\\w` characters (Unicode), case kept, as the benchmark's `_TOKEN_RE`
  (its IGNORECASE flag changes nothing for `\\w`); `lowercase=True` folds case for a looser view;
- a text's shingles are its runs of 4 consecutive words, counted as a multiset; a text of fewer
  than 4 words is one shorter shingle; an empty text has none;
- true positives are the shingles both texts share (the smaller count of each), false positives
  the extra ones in the extraction, false negatives the ones it misses;
- a page's precision and recall follow from those counts, with the benchmark's edge cases (both
  texts empty: 1.0; nothing extracted: precision undefined, recall 0).

The benchmark's headline F1 is the harmonic mean of the mean precision and the mean recall over
pages (`suite_f1`); we also report each page's own F1 and their mean (`page_f1`, `mean`), which is
what "pages under 0.5" counts.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

SHINGLE_WORDS = 4
WORD = re.compile(r"\w+")


def words(text: str | None, lowercase: bool = False) -> list[str]:
    """The text's words as the benchmark tokenises them."""
    found = WORD.findall(text or "")
    return [word.lower() for word in found] if lowercase else found


def shingles(text: str | None, size: int = SHINGLE_WORDS, lowercase: bool = False) -> Counter:
    """How many times each run of `size` consecutive words occurs in the text."""
    tokens = words(text, lowercase)
    return Counter(
        tuple(tokens[start : start + size])
        for start in range(max(1, len(tokens) - size + 1))
        if tokens[start : start + size]
    )


@dataclass(frozen=True)
class PageScore:
    """One page's shingle counts and the scores that follow from them."""

    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float | None:
        """Share of the extracted shingles that are in the marked text; None when nothing was extracted."""
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        if fp == fn == 0:
            return 1.0
        if tp + fp == 0:
            return None
        return tp / (tp + fp)

    @property
    def recall(self) -> float | None:
        """Share of the marked text's shingles that were extracted; None when the marked text is empty."""
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        if fp == fn == 0:
            return 1.0
        if tp + fn == 0:
            return None
        return tp / (tp + fn)

    @property
    def f1(self) -> float:
        """The page's own F1 (0 when nothing right was extracted)."""
        precision, recall = self.precision or 0.0, self.recall or 0.0
        return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def score_page(gold: str | None, extracted: str | None, lowercase: bool = False) -> PageScore:
    """Compare an extracted body with the marked article text."""
    true, predicted = shingles(gold, lowercase=lowercase), shingles(extracted, lowercase=lowercase)
    shared = sum((true & predicted).values())
    return PageScore(shared, sum(predicted.values()) - shared, sum(true.values()) - shared)


@dataclass(frozen=True)
class SuiteScore:
    """Scores over a set of pages."""

    pages: int
    mean_f1: float
    precision: float
    recall: float
    suite_f1: float
    under_half: int


def score_suite(scores: Iterable[PageScore], low: float = 0.5) -> SuiteScore:
    """Mean page F1, the benchmark's F1 (from mean precision and mean recall), and pages under `low`."""
    scores = list(scores)
    if not scores:
        raise ValueError("no pages to score")
    precisions = [s.precision for s in scores if s.precision is not None]
    recalls = [s.recall for s in scores if s.recall is not None]
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    suite_f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    return SuiteScore(
        pages=len(scores),
        mean_f1=statistics.fmean(s.f1 for s in scores),
        precision=precision,
        recall=recall,
        suite_f1=suite_f1,
        under_half=sum(1 for s in scores if s.f1 < low),
    )
