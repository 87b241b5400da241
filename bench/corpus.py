"""A synthetic corpus shaped like the real posts: ~600 words, dated, tagged, naming organisations."""
from __future__ import annotations

import datetime
import random
from pathlib import Path

WORDS = (
    "leadership inspection improvement council children services peer challenge review safeguarding "
    "academy governance school governor digital collaboration transformation budget housing social care "
    "outcomes partnership region sector community resident workforce recruitment strategy culture trust "
    "evidence practice learning reflection priority delivery performance accountability scrutiny cabinet "
    "member officer director chief executive funding pressure demand prevention early help family"
).split()
ORGANISATIONS = [
    "Ofsted", "the LGA", "Local Government Association", "ADCS", "Care Quality Commission", "DfE",
    "Cambridgeshire County Council", "Suffolk County Council", "Bristol City Council", "Cornwall Council",
    "LocalGovDigital", "NHS England", "Staffordshire University", "Solace", "West Berkshire Council",
]
TAGS = ["SLI", "South East", "Inspection", "Digital", "Schools", "Leadership", "Peer review", "Budget",
        "Housing", "Social care", "Governance", "Collaboration"]
CATEGORIES = ["Learning", "Improvement", "Education", "Digital", "General"]
SOURCES = ["ADCS Blog", "Carl's Notepad", "Council Leader Blog", "LocalGov Digital", "Improvement Notes"]
AUTHORS = ["Jane Smith", "Sam Jones", "Carl Haggerty", "Priya Patel", "Tom Evans", "Ruth Ahmed"]


def make_post(rng: random.Random, number: int, words: int = 600) -> str:
    """One Markdown post with front matter; deterministic for a given generator state."""
    date = datetime.date(2012, 1, 1) + datetime.timedelta(days=rng.randrange(0, 4500))
    paragraphs = []
    remaining = words
    while remaining > 0:
        length = min(remaining, rng.randint(40, 120))
        sentence = [rng.choice(WORDS) for _ in range(length)]
        for _ in range(rng.randint(0, 2)):
            sentence.insert(rng.randrange(len(sentence)), rng.choice(ORGANISATIONS))
        paragraphs.append(" ".join(sentence).capitalize() + ".")
        remaining -= length
    tags = rng.sample(TAGS, rng.randint(1, 3))
    return (
        "---\n"
        f"title: Post {number} on {rng.choice(WORDS)} and {rng.choice(WORDS)}\n"
        f"date: {date.isoformat()}\n"
        f"author: {rng.choice(AUTHORS)}\n"
        f"source: \"{rng.choice(SOURCES)}\"\n"
        f"tags: [{', '.join(repr(t) for t in tags)}]\n"
        f"categories: [{rng.choice(CATEGORIES)!r}]\n"
        "---\n\n" + "\n\n".join(paragraphs) + "\n"
    )


def write_corpus(folder: Path, count: int, seed: int = 2026) -> Path:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        (folder / f"post-{number:05d}.md").write_text(make_post(rng, number), encoding="utf-8")
    return folder


def post_texts(count: int, seed: int = 2026) -> list[str]:
    """The same posts as strings, for benchmarks that need no files."""
    rng = random.Random(seed)
    return [make_post(rng, number) for number in range(count)]
