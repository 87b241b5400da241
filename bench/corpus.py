"""A synthetic corpus shaped like the real posts: ~600 words each, dated, tagged, naming bodies.

Words follow a Zipf-like spread over a few thousand made-up words plus the sector's own, so a
one-to-three-word query matches a realistic slice of the corpus rather than every post.
Organisation names, near-misses and places are sprinkled in for the recogniser to work on.
"""
from __future__ import annotations

import datetime
import itertools
import random
from pathlib import Path

SECTOR_WORDS = (
    "leadership inspection improvement council children services peer challenge review safeguarding "
    "academy governance school governor digital collaboration transformation budget housing social care "
    "outcomes partnership region sector community resident workforce recruitment strategy culture trust "
    "evidence practice learning reflection priority delivery performance accountability scrutiny cabinet "
    "member officer director chief executive funding pressure demand prevention early help family"
).split()
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
TAGS = ["SLI", "South East", "Inspection", "Digital", "Schools", "Leadership", "Peer review", "Budget",
        "Housing", "Social care", "Governance", "Collaboration"]
CATEGORIES = ["Learning", "Improvement", "Education", "Digital", "General"]
SOURCES = ["ADCS Blog", "Carl's Notepad", "Council Leader Blog", "LocalGov Digital", "Improvement Notes"]
AUTHORS = ["Jane Smith", "Sam Jones", "Carl Haggerty", "Priya Patel", "Tom Evans", "Ruth Ahmed"]
SEED = 20240709


def vocabulary(size: int = 4000) -> list[str]:
    """Made-up words after the sector's own; earlier words are used far more often."""
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "bri", "dal", "fen", "gor", "hal", "jun"]
    made_up = ("".join(parts) for length in (2, 3) for parts in itertools.product(syllables, repeat=length))
    words = list(SECTOR_WORDS)
    words.extend(itertools.islice(made_up, size - len(words)))
    return words


WORDS = vocabulary()
_WEIGHTS = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(WORDS))))


def post_body(rng: random.Random, words: int = 600) -> str:
    """Sentences of 8-20 words; names in one sentence in three, near-misses in one in five."""
    sentences, total = [], 0
    while total < words:
        sentence = rng.choices(WORDS, cum_weights=_WEIGHTS, k=rng.randint(8, 20))
        if rng.random() < 1 / 3:
            sentence.insert(rng.randrange(len(sentence)), rng.choice(NAMES))
        if rng.random() < 1 / 5:
            sentence.insert(rng.randrange(len(sentence)), rng.choice(NEAR_MISSES))
        sentence[0] = sentence[0][:1].upper() + sentence[0][1:]
        sentences.append(" ".join(sentence) + ".")
        total += len(sentence)
    paragraphs = [" ".join(sentences[i:i + 5]) for i in range(0, len(sentences), 5)]
    return "\n\n".join(paragraphs)


def synthetic_posts(count: int, words: int = 600, seed: int = SEED) -> list[str]:
    """Post bodies only, for benchmarks that need no files."""
    rng = random.Random(seed)
    return [post_body(rng, words) for _ in range(count)]


def write_corpus(folder: Path, count: int, seed: int = SEED) -> Path:
    """Markdown posts with front matter, the same ones every run."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        date = datetime.date(2012, 1, 1) + datetime.timedelta(days=rng.randrange(0, 4500))
        tags = ", ".join(f'"{tag}"' for tag in rng.sample(TAGS, rng.randint(1, 3)))
        front = (f"---\ntitle: Post {number} on {rng.choice(WORDS[:300])} and {rng.choice(WORDS[:300])}\n"
                 f"date: {date.isoformat()}\nauthor: {rng.choice(AUTHORS)}\nsource: \"{rng.choice(SOURCES)}\"\n"
                 f"tags: [{tags}]\ncategories: [\"{rng.choice(CATEGORIES)}\"]\n---\n\n")
        (folder / f"post-{number:05d}.md").write_text(front + post_body(rng) + "\n", encoding="utf-8")
    return folder
