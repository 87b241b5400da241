"""How matches are shown: escaped text with <mark> around matched words, in passages that read.

Whoosh finds and scores the passages; this module only makes them start and end where a reader
expects (at a sentence's edge when one is near, with "…" where text was cut) and keeps <mark> the
only markup they carry.
"""

from __future__ import annotations

import html
import re
import threading
from bisect import bisect_right
from itertools import accumulate

from whoosh import highlight

from indexer.analysis import WORD_PATTERN, indexed_terms

SNIPPET_CHARS = 240
SENTENCE_REACH = 80  # how far a passage may stretch to reach its sentence's start or end
SURROUND = 60  # characters of context before a passage's first match and after its last
LEAD_READ = 4 * SNIPPET_CHARS  # characters of a body read for its lead, unless mostly spaces
# Characters of a body read for its snippet: a long report's passages come from its first
# SNIPPET_READ characters (a snippet of a 6 MB post read all of it, 3 s). Posts are rarely
# a tenth as long, and theirs are read whole.
SNIPPET_READ = 100_000
_WORD_SPLIT = re.compile(f"({WORD_PATTERN})")  # a group: split() keeps the words
_SENTENCE_END = re.compile(r"[.!?…](?=\s|$)|\n")
# Marked words with only a hyphen, a space or a small word between them are one lit term
# ("sector-led", "special educational needs and disabilities").
_ADJACENT_MARKS = re.compile(r"</mark>([-\u2010\u2011]| | (?:of|and|the|for|in|on|to|&amp;) )<mark>")


class MarkFormatter(highlight.HtmlFormatter):
    """Escapes all text and wraps matches in a bare <mark>; marks cut edges with "…"."""

    template = "<%(tag)s>%(t)s</%(tag)s>"

    def __init__(self):
        super().__init__(tagname="mark", between=" ")

    def format_fragment(self, fragment, replace=False):
        out = _ADJACENT_MARKS.sub(r"\1", super().format_fragment(fragment, replace))
        before = fragment.text[: fragment.startchar].rstrip()
        if before and before[-1] not in ".!?…":
            out = "… " + out
        if fragment.text[fragment.endchar :].strip() and not out.rstrip().endswith((".", "!", "?", "…")):
            out += " …"
        return out

    def format(self, fragments, replace=False):
        """Passages joined by one "…" where text between them was left out, never two."""
        return super().format(fragments, replace).replace("… …", "…")


class PassageFragmenter(highlight.ContextFragmenter):
    """Whoosh's context passages, stretched to the nearest sentence edges within reach: what
    `snippet` gives, the way Whoosh's highlighter would give it (tests compare the two)."""

    def __init__(self):
        super().__init__(maxchars=SNIPPET_CHARS, surround=SURROUND, charlimit=None)

    def fragment_tokens(self, text, tokens):
        for fragment in super().fragment_tokens(text, tokens):
            fragment.startchar = _sentence_start(text, fragment.startchar)
            fragment.endchar = _sentence_end(text, fragment.endchar)
            yield fragment


def _sentence_start(text: str, start: int) -> int:
    low = max(0, start - SENTENCE_REACH)
    ends = [match.end() for match in _SENTENCE_END.finditer(text, low, start)]
    if ends:
        start = ends[-1]
    elif low == 0:
        start = 0
    while start < len(text) and text[start].isspace():
        start += 1
    return start


def _sentence_end(text: str, end: int) -> int:
    match = _SENTENCE_END.search(text, end, min(len(text), end + SENTENCE_REACH))
    if match is None:
        return end
    return match.start() if match.group() == "\n" else match.end()


class WrittenWords:
    """Which written words give each index term, learnt from the posts' words as snippets are
    made. Finding a post's lit words is then a few set operations, where analysing each of its
    distinct words again (some 300 a post) was most of a snippet's time. Bounded: once it
    knows `limit` words it starts afresh. One for the process, so shared by threads: a lock
    keeps one from reading a set while another adds to it."""

    def __init__(self, limit: int = 200_000):
        self.limit = limit
        self._known: set[str] = set()
        self._by_term: dict[str, set[str]] = {}
        self._lock = threading.Lock()

    def giving(self, words: set[str], terms: frozenset[str]) -> set[str]:
        """Those of `words` that give any of `terms`."""
        with self._lock:
            new = words - self._known
            if new:
                if len(self._known) + len(new) > self.limit:
                    self._known, self._by_term = set(), {}
                    new = words
                for word in new:
                    for term, *_ in indexed_terms(word):
                        self._by_term.setdefault(term, set()).add(word)
                self._known |= new
            return {word for term in terms for word in self._by_term.get(term, ()) if word in words}


_WRITTEN = WrittenWords()


def snippet(text: str, terms: frozenset[str], top: int = 2) -> str:
    """Passages of a post with the terms marked: what Whoosh's highlighter gives for a hit
    (analyse the text, mark matched tokens, merge overlapping ones, cut passages around them,
    keep the best two), with the first four steps done in one loop (_passages) instead of
    chained generators of tokens: they were most of a results page's time."""
    if not terms or not text:
        return ""
    scorer = highlight.BasicFragmentScorer()
    fragments = _passages(text, terms, SNIPPET_READ)
    if len(fragments) > top:  # only those scoring as well as the top ones can be shown
        scores = [scorer(fragment) for fragment in fragments]
        least = sorted(scores, reverse=True)[top - 1]
        fragments = [fragment for fragment, score in zip(fragments, scores) if score >= least]
    for fragment in fragments:  # where a passage starts can settle a tie between two
        fragment.startchar = _sentence_start(text, fragment.startchar)
    fragments = highlight.top_fragments(fragments, top, scorer, highlight.FIRST, minscore=1)
    for fragment in fragments:  # where one ends only changes how it reads: only those shown
        fragment.endchar = _sentence_end(text, fragment.endchar)
    return MarkFormatter().format(fragments)


class _Match:
    """A matched token, as much of Whoosh's Token as its fragments, scorer and formatter read (a
    Token costs four times as much to make, and a post can have a hundred matches)."""

    __slots__ = ("text", "startchar", "endchar")
    boost = 1.0
    matched = True

    def __init__(self, text: str, startchar: int, endchar: int):
        self.text, self.startchar, self.endchar = text, startchar, endchar


def _passages(text: str, terms: frozenset[str], read: int | None = None) -> list[highlight.Fragment]:
    """The passages Whoosh's ContextFragmenter cuts from the text's tokens (the index's tokens,
    stop words too, matched ones marked and those that overlap merged, as Whoosh's
    set_matched_filter and _merge_matched_tokens leave them), worked out without making a Token
    a word.

    Outside a passage an unmatched token only matters for where the next passage starts: the
    first token starting within SURROUND of the last one's end. So the words (split out in one
    C call) are checked for matches first, and long runs of words outside passages are stepped
    over to just before the next matched word: most of a post, most of the time.

    With `read`, only the text up to the last space within its first `read` characters is
    looked at (the passages still point into the whole text)."""
    parts = _WORD_SPLIT.split(_head(text, read))  # gaps and words, alternating
    words = parts[1::2]
    edges = list(accumulate(map(len, parts)))  # word i starts at edges[2i] and ends at edges[2i + 1]
    lit = _WRITTEN.giving(set(words), terms)
    if not lit:
        return []
    hits = [at for at, word in enumerate(words) if word in lit]
    ends = edges[1::2]

    fragments: list[highlight.Fragment] = []
    starts: list[int] = []  # unmatched token starts since the last passage (or the last step over)
    last_end = 0  # where the last of them ends
    first, countdown, matches, length, end_at = None, -1, [], 0, None

    def take(start: int, end: int, term: str, matched: bool) -> None:
        """ContextFragmenter.fragment_tokens's loop body, for one token."""
        nonlocal starts, last_end, first, countdown, matches, length, end_at
        end_at = end
        size = end - start
        if countdown < 0 and not matched:
            starts.append(start)
            last_end = end
        elif length + size > SNIPPET_CHARS:
            countdown = 0
        elif matched:
            countdown = SURROUND
            if first is None:
                reach = last_end - SURROUND  # Whoosh's queue keeps starts from the first within reach
                first = next((queued for queued in starts if queued >= reach), None)
                if first is None:
                    first = start
                    countdown += SURROUND
            matches.append(_Match(term, start, end))
        if countdown >= 0:
            length += size
            countdown -= size
            if countdown <= 0:
                fragments.append(highlight.mkfrag(text, matches, startchar=first, endchar=end_at))
                starts, first, matches, length = [], None, [], 0

    merged = None  # matched tokens that overlap, as one: [start, end, text]
    at, next_hit = 0, 0
    while at < len(words):
        if merged is None and countdown < 0:  # outside any passage
            while next_hit < len(hits) and hits[next_hit] < at:
                next_hit += 1
            if next_hit == len(hits):
                break  # no match left: the rest would only queue starts
            hit = hits[next_hit]
            if hit > at:  # step over words ending before the reach of the hit's queue
                nearest = bisect_right(ends, ends[hit - 1] - SURROUND, at, hit - 1)
                if nearest > at:
                    starts, at = [], nearest
        offset = edges[2 * at]
        for term, begin, finish, _ in indexed_terms(words[at]):
            start, end = offset + begin, offset + finish
            if term not in terms:
                if merged is None and countdown < 0:  # outside any passage: queue its start
                    starts.append(start)
                    last_end = end_at = end
                    continue
                if merged is not None:
                    take(*merged, True)
                    merged = None
                take(start, end, term, False)
            elif merged is None:
                merged = [start, end, term]
            elif start <= merged[1]:
                if end > merged[1]:
                    merged[2] += term[merged[1] - end :]
                    merged[1] = end
            else:  # as Whoosh does: both, and merging starts afresh after
                take(*merged, True)
                merged = None
                take(start, end, term, True)
        at += 1
    if merged is not None:
        take(*merged, True)
    if matches:
        fragments.append(highlight.mkfrag(text, matches, startchar=first, endchar=end_at))
    return fragments


def _head(text: str, read: int | None) -> str:
    """The start of the text, cut at a space within its first `read` characters."""
    if read is None or len(text) <= read:
        return text
    space = max(text.rfind(" ", 0, read), text.rfind("\n", 0, read))
    return text[: space if space > 0 else read]


def whole_text_fragmenter() -> highlight.Fragmenter:
    return highlight.WholeFragmenter(charlimit=None)


def highlight_text(text: str, terms: frozenset[str], analyzer) -> str | None:
    """The whole of a short text (a title, a paragraph) with the terms marked, or None if none are
    in it. Analysed as the index analyses it, so joined compounds and acronyms are found too."""
    if not terms or not text:
        return None
    marked = highlight.highlight(text, terms, analyzer, whole_text_fragmenter(), MarkFormatter(), top=1, mode="index")
    return marked or None


def paragraphs(body: str) -> list[str]:
    return [p.strip() for p in body.replace("\r\n", "\n").split("\n\n") if p.strip()]


def lead(body: str) -> str:
    """The opening of a post, cut at a word: the snippet when no words matched. Only the start
    of the body is read when it holds a lead's worth of words (a browsed page has a lead a post)."""
    text = " ".join(body[:LEAD_READ].split())  # always the start of the body's words so spaced
    if len(text) <= SNIPPET_CHARS and len(body) > LEAD_READ:
        text = " ".join(body.split())
    if len(text) > SNIPPET_CHARS:
        text = text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return html.escape(text, quote=False)


def escaped(text: str) -> str:
    return html.escape(text, quote=False)
