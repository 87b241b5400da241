"""How fast posts are analysed into index terms: `python -m bench.analysis`.

Compares Whoosh-Reloaded's StemmingAnalyzer (its own Porter stemmer, in Python, with an LRU
cache) with lgsearch's analyzer (compounds, spellings, acronym marks and PyStemmer's Snowball
stemmer, in C) on the same synthetic posts, and the two stemmers alone on the same words.
Medians of several runs, since the machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time

from whoosh.analysis import StemmingAnalyzer
from whoosh.lang.porter import stem as porter_stem

from bench.corpus import synthetic_posts
from indexer.analysis import stem as snowball_stem
from indexer.analysis import text_analyzer


def _time(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    posts = synthetic_posts(args.posts)
    words = [w.lower() for post in posts for w in re.findall(r"\w+", post)]

    def analyse(analyzer):
        def run():
            for post in posts:
                for _ in analyzer(post, mode="index", positions=True, chars=True):
                    pass

        return run

    whoosh_seconds = _time(analyse(StemmingAnalyzer()), args.runs)
    ours_seconds = _time(analyse(text_analyzer()), args.runs)
    porter_seconds = _time(lambda: [porter_stem(w) for w in words], args.runs)
    snowball_seconds = _time(lambda: [snowball_stem(w) for w in words], args.runs)
    print(f"{args.posts:,} posts, {len(words):,} words; medians of {args.runs} runs")
    print(f"{'what':<44} {'seconds':>8} {'words/s':>12}")
    for label, seconds in (
        ("Whoosh StemmingAnalyzer (Porter, Python)", whoosh_seconds),
        ("lgsearch analyzer (Snowball, PyStemmer)", ours_seconds),
        ("Whoosh Porter stem() alone, no cache", porter_seconds),
        ("PyStemmer Snowball stemWord() alone", snowball_seconds),
    ):
        print(f"{label:<44} {seconds:>8.2f} {len(words) / seconds:>12,.0f}")
    print(f"lgsearch analyzer / Whoosh analyzer: {ours_seconds / whoosh_seconds:.2f}×")
    print(f"Snowball stemmer / Porter stemmer: {snowball_seconds / porter_seconds:.2f}×")


if __name__ == "__main__":
    main()
