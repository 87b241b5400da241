"""A synthetic corpus shaped like the real posts: ~600 words each, dated, tagged, naming bodies.

Words follow a Zipf-like spread over a few thousand made-up words plus the sector's own, so a
one-to-three-word query matches a realistic slice of the corpus rather than every post.
Organisation names, near-misses and places are sprinkled in for the recogniser to work on.
"""

from __future__ import annotations

import datetime
import itertools
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

SECTOR_WORDS = (
    "leadership inspection improvement council children services peer challenge review safeguarding "
    "academy governance school governor digital collaboration transformation budget housing social care "
    "outcomes partnership region sector community resident workforce recruitment strategy culture trust "
    "evidence practice learning reflection priority delivery performance accountability scrutiny cabinet "
    "member officer director chief executive funding pressure demand prevention early help family"
).split()
NAMES = [
    "Ofsted",
    "OFSTED",
    "the LGA",
    "the Local Government Association's",
    "ADCS",
    "the DfE",
    "MHCLG",
    "DLUHC",
    "Staffs Uni",
    "Cambridgeshire County Council",
    "Camden Council",
    "West Berkshire Council",
    "Cornwall Council",
    "LocalGovDigital",
    "the CQC",
    "NHS England",
    "Barnardo’s",
    "the King's Fund",
    "Solace",
    "Socitm",
    "CIPFA",
    "Glasgow City Council",
    "Countess Wear Community School",
    "St Mary's Primary School",
    "University of Chichester",
    "Sheffield Teaching Hospitals NHS Foundation Trust",
    "Ely Town Council",
    "Devon ICB",
    "Greater Manchester Combined Authority",
    "Thames Valley Police",
    "Harris Academy Peckham",
]
NEAR_MISSES = [
    "Devon",
    "the South East",
    "the County Council",
    "directors of children's services",
    "DCSs",
    "LocalGovCamp",
    "send",
    "the government",
    "West Berkshire",
    "Primary School",
    "Our Primary School",
    "action for children",
    "Bulgaria",
]
TAGS = [
    "SLI",
    "South East",
    "Inspection",
    "Digital",
    "Schools",
    "Leadership",
    "Peer review",
    "Budget",
    "Housing",
    "Social care",
    "Governance",
    "Collaboration",
]
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
    paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
    return "\n\n".join(paragraphs)


def synthetic_posts(count: int, words: int = 600, seed: int = SEED) -> list[str]:
    """Post bodies only, for benchmarks that need no files."""
    rng = random.Random(seed)
    return [post_body(rng, words) for _ in range(count)]


@dataclass(frozen=True)
class Post:
    """One synthetic post as its fields, for baselines that index the posts without files."""

    id: str
    title: str
    date: datetime.date
    author: str
    source: str
    tags: tuple[str, ...]
    category: str
    body: str

    def markdown(self) -> str:
        tags = ", ".join(f'"{tag}"' for tag in self.tags)
        front = (
            f"---\ntitle: {self.title}\ndate: {self.date.isoformat()}\nauthor: {self.author}\n"
            f'source: "{self.source}"\ntags: [{tags}]\ncategories: ["{self.category}"]\n---\n\n'
        )
        return front + self.body + "\n"


def corpus_posts(count: int, seed: int = SEED) -> Iterator[Post]:
    """The posts write_corpus writes, one at a time, so a caller need not hold them all."""
    rng = random.Random(seed)
    for number in range(count):
        date = datetime.date(2012, 1, 1) + datetime.timedelta(days=rng.randrange(0, 4500))
        tags = tuple(rng.sample(TAGS, rng.randint(1, 3)))
        title = f"Post {number} on {rng.choice(WORDS[:300])} and {rng.choice(WORDS[:300])}"
        author, source, category = rng.choice(AUTHORS), rng.choice(SOURCES), rng.choice(CATEGORIES)
        yield Post(f"post-{number:05d}", title, date, author, source, tags, category, post_body(rng))


def write_corpus(folder: Path, count: int, seed: int = SEED) -> Path:
    """Markdown posts with front matter, the same ones every run."""
    folder.mkdir(parents=True, exist_ok=True)
    for post in corpus_posts(count, seed):
        (folder / f"{post.id}.md").write_text(post.markdown(), encoding="utf-8")
    return folder
