"""How fast the organisation recogniser reads posts: `python -m bench.orgs`.

Times `find_organisations` over 10,000 synthetic posts of about 600 words from bench/corpus.py
(the same posts every run), sprinkled with organisation names, near-misses and places.
`--long-post MB` also times one post of that size that names Ofsted on every line, the case that
was once quadratic.
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench.corpus import synthetic_posts
from indexer.organisations import find_organisations


def time_extraction(posts: list[str]) -> float:
    started = time.perf_counter()
    for post in posts:
        find_organisations(post)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--words", type=int, default=600)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--long-post", type=float, default=0, metavar="MB")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    find_organisations("")  # loads the gazetteer and builds the automaton once
    load = time.perf_counter() - started
    posts = synthetic_posts(args.posts, args.words)
    megabytes = sum(len(post.encode("utf-8")) for post in posts) / 1_000_000
    found = sum(len(find_organisations(post)) for post in posts)
    runs = sorted(time_extraction(posts) for _ in range(args.runs))
    median = statistics.median(runs)
    print(
        f"Organisation recogniser, {args.posts:,} synthetic posts of about {args.words} words "
        f"({megabytes:.1f} MB), {found:,} organisations found in all."
    )
    print(f"Loading the gazetteer and building the automaton took {load * 1000:.0f} ms, once.")
    print(
        f"Median of {args.runs} runs: {median:.2f} s for all posts, "
        f"{median / args.posts * 1_000_000:.0f} µs a post, {megabytes / median:.1f} MB/s "
        f"(fastest {runs[0]:.2f} s, slowest {runs[-1]:.2f} s)."
    )
    if args.long_post:
        line = "Ofsted came back, and Ofsted met the LGA. "
        post = line * int(args.long_post * 2**20 // len(line))
        seconds = time_extraction([post])
        print(f"One {args.long_post:g} MB post naming Ofsted on every line: {seconds:.2f} s.")


if __name__ == "__main__":
    main()
