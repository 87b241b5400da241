"""The scale benchmark's queries: a seeded set of each kind, the same for lgsearch and for FTS5.

No request is asked twice in a run (across rounds too), so a result cache cannot flatter the
results-page figures; the repeated-request figure measures that on purpose.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from bench.corpus import AUTHORS, CATEGORIES, SOURCES, TAGS, WORDS, corpus_posts

KINDS = ("one word", "two words", "three words", "phrase", "browse", "query and filter")
QUERY_WORDS = WORDS[20:620]  # past the commonest: each matches a slice of the posts, not all
YEARS = [str(year) for year in range(2012, 2025)]
SEED = 10


@dataclass(frozen=True)
class Query:
    """One search, as plain words and filters that either engine can be asked."""

    kind: str
    words: tuple[str, ...] = ()
    phrase: bool = False
    filters: tuple[tuple[str, str], ...] = field(default=())  # (tag|year|source|author|category, value)

    @property
    def q(self) -> str:
        text = " ".join(self.words)
        return f'"{text}"' if self.phrase else text

    def request(self):
        """The lgsearch SearchRequest for this query: the results page, top 10."""
        from indexer.query import SearchRequest

        values: dict[str, tuple[str, ...]] = {}
        for name, value in self.filters:
            values[name] = values.get(name, ()) + (value,)
        return SearchRequest(q=self.q, **values)


def workload(per_kind: int, rounds: int, posts: int) -> dict[str, list[list[Query]]]:
    """For each kind, `rounds` lists of `per_kind` distinct queries (browse may run short)."""
    rng = random.Random(SEED)
    wanted = per_kind * rounds
    made = {
        "one word": _word_queries(rng, "one word", 1, wanted),
        "two words": _word_queries(rng, "two words", 2, wanted),
        "three words": _word_queries(rng, "three words", 3, wanted),
        "phrase": _phrase_queries(rng, wanted, posts),
        "browse": _browse_queries(rng, wanted),
        "query and filter": _filtered_queries(rng, wanted),
    }
    return {
        kind: [queries[i : i + per_kind] for i in range(0, len(queries), per_kind)][:rounds]
        for kind, queries in made.items()
    }


def _distinct(make, wanted: int) -> list[Query]:
    seen: dict[Query, None] = {}
    for _ in range(wanted * 50):
        if len(seen) == wanted:
            break
        seen.setdefault(make(), None)
    return list(seen)


def _word_queries(rng: random.Random, kind: str, count: int, wanted: int) -> list[Query]:
    return _distinct(lambda: Query(kind, tuple(rng.sample(QUERY_WORDS, count))), wanted)


def _phrase_queries(rng: random.Random, wanted: int, posts: int) -> list[Query]:
    """Two or three words that stand side by side in a post, so each phrase finds something."""
    known = set(WORDS)
    sentences = [
        re.findall(r"[a-z]+", sentence.lower())
        for post in corpus_posts(min(posts, 300))
        for sentence in post.body.split(".")
    ]
    sentences = [words for words in sentences if len(words) >= 3]

    def make() -> Query:
        while True:  # skip windows that take in part of an organisation's name
            words = rng.choice(sentences)
            length = rng.choice((2, 3))
            start = rng.randrange(len(words) - length + 1)
            window = tuple(words[start : start + length])
            if known.issuperset(window):
                return Query("phrase", window, phrase=True)

    return _distinct(make, wanted)


def _browse_queries(rng: random.Random, wanted: int) -> list[Query]:
    """No words: one tag, or a tag and one other filter, newest first."""
    others = (
        [("year", v) for v in YEARS]
        + [("source", v) for v in SOURCES]
        + [("author", v) for v in AUTHORS]
        + [("category", v) for v in CATEGORIES]
    )
    every = [Query("browse", filters=(("tag", tag),)) for tag in TAGS]
    every += [Query("browse", filters=(("tag", tag), other)) for tag in TAGS for other in others]
    rng.shuffle(every)
    return every[:wanted]


def _filtered_queries(rng: random.Random, wanted: int) -> list[Query]:
    return _distinct(
        lambda: Query(
            "query and filter", tuple(rng.sample(QUERY_WORDS, rng.randint(1, 2))), filters=(("tag", rng.choice(TAGS)),)
        ),
        wanted,
    )
