"""How fast the organisation recogniser reads posts: `python -m bench.orgs`.

Generates 10,000 synthetic posts of about 600 words (the same posts every run), each sprinkled
with organisation names, near-misses and places, and times `find_organisations` over all of them.
"""
from __future__ import annotations

import argparse
import random
import statistics
import time

from indexer.orgs import aliases, find_organisations

SEED = 20240709
FILLER = """
the council has been working with partners across the area to improve outcomes for children and
families we know that this is a long journey and that there is more to do but the progress made
this year is real our staff have shown great resilience in the face of rising demand and tight
budgets while the inspection framework continues to change leadership matters because people
need to know where we are going and why sector led improvement depends on trust and honesty
between peers so we send our thanks to everyone who took part in the review last month
""".split()
NAMES = [
    "Ofsted", "OFSTED", "the LGA", "the Local Government Association's", "ADCS", "the DfE",
    "MHCLG", "DLUHC", "Staffs Uni", "Cambridgeshire County Council", "Camden Council",
    "West Berkshire Council", "Cornwall Council", "LocalGovDigital", "the CQC", "NHS England",
    "Barnardo’s", "the King's Fund", "Solace", "Socitm", "CIPFA", "Glasgow City Council",
    "Countess Wear Community School", "St Mary's Primary School", "University of Chichester",
    "Sheffield Teaching Hospitals NHS Foundation Trust", "Ely Town Council", "Devon ICB",
    "Greater Manchester Combined Authority", "Thames Valley Police", "Harris Academy Peckham",
]
NEAR_MISSES = [
    "Devon", "the South East", "the County Council", "directors of children's services",
    "DCSs", "LocalGovCamp", "send", "the government", "West Berkshire", "Primary School",
    "Our Primary School", "action for children", "Bulgaria",
]


def synthetic_posts(count: int, words: int, seed: int = SEED) -> list[str]:
    """`count` posts of about `words` words, sentences of 8-20 words, names in one sentence in three."""
    rng = random.Random(seed)
    known = [a for name in ("Ofsted", "LGA", "ADCS", "MHCLG") for a in aliases(name)]
    posts = []
    for _ in range(count):
        sentences, total = [], 0
        while total < words:
            sentence = rng.choices(FILLER, k=rng.randint(8, 20))
            if rng.random() < 1 / 3:
                sentence.insert(rng.randrange(len(sentence)), rng.choice(NAMES + known))
            if rng.random() < 1 / 5:
                sentence.insert(rng.randrange(len(sentence)), rng.choice(NEAR_MISSES))
            sentence[0] = sentence[0][:1].upper() + sentence[0][1:]
            sentences.append(" ".join(sentence) + ".")
            total += len(sentence)
        posts.append(" ".join(sentences))
    return posts


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
    args = parser.parse_args(argv)

    started = time.perf_counter()
    find_organisations("")  # loads the gazetteer and builds the automaton once
    load = time.perf_counter() - started
    posts = synthetic_posts(args.posts, args.words)
    megabytes = sum(len(post.encode("utf-8")) for post in posts) / 1_000_000
    found = sum(len(find_organisations(post)) for post in posts)
    runs = sorted(time_extraction(posts) for _ in range(args.runs))
    median = statistics.median(runs)
    print(f"Organisation recogniser, {args.posts:,} synthetic posts of about {args.words} words "
          f"({megabytes:.1f} MB), {found:,} organisations found in all.")
    print(f"Loading the gazetteer and building the automaton took {load * 1000:.0f} ms, once.")
    print(f"Median of {args.runs} runs: {median:.2f} s for all posts, "
          f"{median / args.posts * 1_000_000:.0f} µs a post, {megabytes / median:.1f} MB/s "
          f"(fastest {runs[0]:.2f} s, slowest {runs[-1]:.2f} s).")


if __name__ == "__main__":
    main()
