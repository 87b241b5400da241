"""Spelling correction: lgsearch's SymSpell corrector against Whoosh's own, on the same typos.

Run with `.venv/bin/python -m bench.spelling` (`--posts 2000 10000` by default). Each post is a
synthetic body from bench/corpus.py plus a sentence of real words (the typo targets, their near
neighbours and everyday words), indexed by Whoosh twice: unstemmed with stop words kept, and with
the project's stemming analyzer as the query service uses today. Whoosh corrects through
`correct_query` (max distance 2, no prefix, as the service calls it); SymSpell reads its word
counts from the unstemmed field. "Right" means the intended word (for the stemmed field: its stem).

Figures of 2026-11-30, 2 cores (shared and noisy), Python 3.11, 300-word posts, 5 rounds; "words"
is the unstemmed field's vocabulary, "build" the SymSpell dictionary (reading the counts from the
index adds 47 ms and 125 ms), "changed" the correctly spelt words given a correction:

    posts  corrector            words  build ms  right  changed  median ms  p95 ms
     2000  SymSpell (lgsearch)  11776       120  41/42     0/40       0.02    0.08   10.6 MB
     2000  Whoosh, unstemmed    11776         -  39/42     4/40      37.47  106.83
     2000  Whoosh, stemmed      11726         -  23/42     6/40      30.87   40.34
    10000  SymSpell (lgsearch)  46383       304  41/42     1/40       0.04    0.15   33.1 MB
    10000  Whoosh, unstemmed    46383         -  40/42     4/40      66.82   79.25
    10000  Whoosh, stemmed      46331         -  23/42     6/40      61.07   77.10

SymSpell's one miss is `recieve` -> `relieve`: both one edit away, and here `relieve` happens to be
used more. Whoosh changes acronyms (DCS -> s, EHCP -> each); SymSpell's one change at 10,000 posts
is `whilst` (absent from these posts) -> a made-up word two edits away; a real UK collection uses `whilst`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import tracemalloc

from whoosh import index
from whoosh.analysis import StandardAnalyzer, StemmingAnalyzer
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import QueryParser

from bench.__main__ import percentile
from bench.corpus import NAMES, SEED, synthetic_posts
from indexer.query.spelling import SpellingCorrector

# (typed, meant): the examples, then transpositions, doubled, missing and wrong letters.
TYPOS = [
    ("inspectoin", "inspection"),
    ("goverance", "governance"),
    ("commisioning", "commissioning"),
    ("recieve", "receive"),
    ("safegaurding", "safeguarding"),
    ("ofstead", "ofsted"),
    ("buget", "budget"),
    ("leadrship", "leadership"),
    ("cuoncil", "council"),
    ("childern", "children"),
    ("partnreship", "partnership"),
    ("startegy", "strategy"),
    ("scrunity", "scrutiny"),
    ("cabniet", "cabinet"),
    ("fundign", "funding"),
    ("recrutiment", "recruitment"),
    ("workfroce", "workforce"),
    ("resdient", "resident"),
    ("refelction", "reflection"),
    ("prioirty", "priority"),
    ("reveiw", "review"),
    ("leaderhsip", "leadership"),
    ("nispection", "inspection"),
    ("commmunity", "community"),
    ("familly", "family"),
    ("deliverry", "delivery"),
    ("occured", "occurred"),
    ("accomodation", "accommodation"),
    ("neccessary", "necessary"),
    ("improvment", "improvement"),
    ("peformance", "performance"),
    ("accountabilty", "accountability"),
    ("excutive", "executive"),
    ("tranformation", "transformation"),
    ("disabilites", "disabilities"),
    ("apprenticship", "apprenticeship"),
    ("collaberation", "collaboration"),
    ("directer", "director"),
    ("evidance", "evidence"),
    ("challange", "challenge"),
    ("seperate", "separate"),
    ("educaton", "education"),
]
# Correctly spelt words as staff type them; the last eight are not in the collection.
CORRECT = [
    "what",
    "how",
    "council",
    "why",
    "when",
    "where",
    "does",
    "work",
    "make",
    "good",
    "best",
    "children",
    "services",
    "school",
    "budget",
    "leadership",
    "inspection",
    "social",
    "care",
    "housing",
    "plan",
    "support",
    "staff",
    "team",
    "local",
    "government",
    "peer",
    "review",
    "director",
    "change",
    "people",
    "report",
    "DCS",
    "SEND",
    "EHCP",
    "S114",
    "DASS",
    "whilst",
    "kindness",
    "wellbeing",
]
# Real words in the posts: the targets, their neighbours, everyday words (the order sets how common).
REAL_WORDS = sorted(
    {meant for _, meant in TYPOS}
    | {w.lower() for w in CORRECT[:32]}
    | set(
        "inspections inspecting inspector governments governor governors commission commissioned recover "
        "received relieve safeguard safeguards often office offset budgets leaders leading leader councils "
        "counsel children's partnerships strategic cabinets fund funded recruit resident's residents reflect "
        "priorities reviews reviewed communities families deliver occur accommodate improvements performances "
        "executives transform disability apprentice collaborate directors evident challenges separated educate "
        "the and of to in that is for with each heat flow show wheat spend sending send".split()
    )
)
ACRONYMS = ["DCS", "SEND", "EHCP", "DASS", "SLI", "ICB", "LGA", "ADCS", "CQC", "DfE", "S114", "MASH", "SEMH"]


def made_up_words(count: int) -> list[str]:
    """Distinct strings of 5-12 common letters, the same ones every run."""
    rng = random.Random(SEED)
    words: set[str] = set()
    while len(words) < count:
        words.add("".join(rng.choices("etaoinshrdlucmfwypvbgk", k=rng.randint(5, 12))))
    return sorted(words)


def posts_with_real_words(count: int, words: int) -> list[str]:
    """Synthetic bodies, each with 30 real words drawn Zipf-like from REAL_WORDS and 10 rare ones.

    The rare words (a pool of five per post) grow the vocabulary with the collection as real
    writing does; bench/corpus.py alone stops at ~3,000 words, too few to show either corrector's cost.
    """
    rng = random.Random(SEED)
    ranked = rng.sample(REAL_WORDS, len(REAL_WORDS))
    weights = [1 / (rank + 1) for rank in range(len(ranked))]
    rare = made_up_words(5 * count)
    return [
        f"{body} {' '.join(rng.choices(ranked, weights, k=30))} {' '.join(rng.sample(rare, 10))}."
        for body in synthetic_posts(count, words)
    ]


def build_index(folder: str, posts: list[str]):
    schema = Schema(
        id=ID(stored=True, unique=True),
        plain=TEXT(analyzer=StandardAnalyzer(stoplist=None), spelling=True),
        body=TEXT(analyzer=StemmingAnalyzer(), spelling=True),
    )
    ix = index.create_in(folder, schema)
    with ix.writer(limitmb=256) as writer:
        for number, text in enumerate(posts):
            writer.add_document(id=str(number), plain=text, body=text)
    return ix


def whoosh_corrector(searcher, field: str):
    """Whoosh's query correction as the service calls it, for one typed word."""
    parser = QueryParser(field, searcher.schema)

    def correct(word: str) -> str | None:
        corrected = searcher.correct_query(parser.parse(word), word).string
        return corrected if corrected.lower() != word.lower() else None

    return correct


def symspell_corrector(searcher) -> SpellingCorrector:
    """The counts lgsearch would hand over: posts per unstemmed word, plus the names and acronyms."""
    counts = {
        term.decode() if isinstance(term, bytes) else term: info.doc_frequency()
        for term, info in searcher.reader().iter_field("plain")
    }
    return SpellingCorrector(counts, extra_words=[*NAMES, *ACRONYMS])


def timed(function, *args) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*args)
    return (time.perf_counter() - started) * 1000, result


def measure(name: str, correct, build_ms: float, words: int, rounds: int, same) -> dict:
    typed = [t for t, _ in TYPOS] + CORRECT
    results = {word: correct(word) for word in typed}
    times = [timed(correct, word)[0] for _ in range(rounds) for word in typed]
    return {
        "name": name,
        "words": words,
        "build_ms": build_ms,
        "right": sum(same(results[t], meant) for t, meant in TYPOS),
        "changed": [(w, results[w]) for w in CORRECT if results[w]],
        "wrong": [(t, results[t]) for t, meant in TYPOS if not same(results[t], meant)],
        "median": statistics.median(times),
        "p95": percentile(times, 0.95),
    }


def held_mb(make_corrector) -> float:
    """MB a corrector holds once its dictionary is built (a separate build: tracing slows it)."""
    tracemalloc.start()
    corrector = make_corrector()
    corrector.correct("zzzzzz")
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del corrector
    return held / 1e6


def bench(posts: int, words: int, rounds: int) -> list[dict]:
    stem = StemmingAnalyzer()

    def same_stem(result, meant):
        return result is not None and [t.text for t in stem(result)] == [t.text for t in stem(meant)]

    with tempfile.TemporaryDirectory(prefix="lgsearch-spelling-") as folder:
        ix = build_index(folder, posts_with_real_words(posts, words))
        with ix.searcher() as searcher:
            plain_words = sum(1 for _ in searcher.reader().lexicon("plain"))
            stemmed_words = sum(1 for _ in searcher.reader().lexicon("body"))
            counts_ms, corrector = timed(lambda: symspell_corrector(searcher))
            build_ms = timed(corrector.correct, "zzzzzz")[0]  # the first lookup builds the dictionary
            rows = [
                measure(
                    "SymSpell (lgsearch)",
                    corrector.correct,
                    build_ms,
                    plain_words,
                    rounds,
                    lambda result, meant: result == meant,
                ),
                measure(
                    "Whoosh, unstemmed",
                    whoosh_corrector(searcher, "plain"),
                    0,
                    plain_words,
                    rounds,
                    lambda result, meant: result == meant,
                ),
                measure("Whoosh, stemmed", whoosh_corrector(searcher, "body"), 0, stemmed_words, rounds, same_stem),
            ]
            rows[0]["memory_mb"] = held_mb(lambda: symspell_corrector(searcher))
            rows[0]["counts_ms"] = counts_ms
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[2000, 10_000])
    parser.add_argument("--words", type=int, default=300, help="synthetic words per post")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)

    print(f"{len(TYPOS)} typos, {len(CORRECT)} correctly spelt words, {args.rounds} rounds; times per word")
    print(
        f"{'posts':>6}  {'corrector':<20} {'words':>6} {'build ms':>9} {'right':>6} {'changed':>8} "
        f"{'median ms':>10} {'p95 ms':>7}"
    )
    for posts in args.posts:
        for row in bench(posts, args.words, args.rounds):
            print(
                f"{posts:>6}  {row['name']:<20} {row['words']:>6} {round(row['build_ms']) or '-':>9} "
                f"{row['right']:>3}/{len(TYPOS)} {len(row['changed']):>4}/{len(CORRECT)} "
                f"{row['median']:>10.2f} {row['p95']:>7.2f}"
            )
            if "memory_mb" in row:
                print(
                    f"{'':>8}(dictionary holds {row['memory_mb']:.1f} MB; reading the counts "
                    f"from the index took {row['counts_ms']:.0f} ms more)"
                )
            print(f"{'':>8}changed: {', '.join(f'{t}->{r}' for t, r in row['changed']) or '-'}")
            print(f"{'':>8}missed: {', '.join(f'{t}->{r}' for t, r in row['wrong']) or '-'}")


if __name__ == "__main__":
    main()
