"""A small corpus with known metadata, built into a real index for the web tests.

Markdown with YAML front matter gives full control of title, date, author, source, tags and
categories; organisations are recognised from the text. It is big enough for three pages of
results, a tag list longer than ten, a misspelling to correct, and one hostile document.
Shared with tests/browser.
"""

from __future__ import annotations

import json
from pathlib import Path

ORGANISATIONS = [
    "Ofsted",
    "Care Quality Commission",
    "Local Government Association",
    "Cambridgeshire County Council",
    "Devon County Council",
    "Kent County Council",
    "Essex County Council",
    "Surrey County Council",
    "Hampshire County Council",
    "Norfolk County Council",
    "Leeds City Council",
    "Manchester City Council",
]
TAGS = [
    "SLI",
    "South East",
    "Leadership",
    "Children's services",
    "Adult social care",
    "Digital",
    "Housing",
    "Finance",
    "Workforce",
    "Education",
    "Health",
    "Climate",
    "Planning",
    "Transport",
]
SOURCES = ["Leading Places blog", "Council Voices", "Chief Executive Notes"]
AUTHORS = ["Asha Patel", "Tom Reid", "Grace Okafor", "Owen Hughes"]
CATEGORIES = ["Leadership", "Practice", "Policy"]
TOPICS = [
    "Building trust across a county",
    "What a good inspection taught us",
    "Budgets under pressure",
    "Leading through change",
    "Listening to residents",
    "Digital services that work",
    "Partnerships with the NHS",
    "Growing our own leaders",
]
POSTS = 30

# Documents the tests name directly.
HOSTILE_ID = "blogs/hostile/script-post"
ADCS_ALIAS_ID = "blogs/alias/adcs-short-name"
ADCS_FULL_ID = "blogs/alias/adcs-full-name"
UNDATED_ID = "blogs/undated/no-date"
RURAL_ID = "blogs/orgs/rural-councils"  # a name with commas (Defra) and one no list holds (a school)
HOSTILE_TEXT = "<script>alert(1)</script>"
ADCS_ALIAS_URL = "https://councilvoices.example.org/2019/07/adcs-conference/"


def post_id(number: int) -> str:
    return f"blogs/{_slug(SOURCES[number % len(SOURCES)])}/post-{number:02d}"


def _slug(text: str) -> str:
    return text.lower().replace(" ", "-")


INSPECTION_ID = post_id(1)  # says "inspection"; posts 4, 7, 10, ... do too


def _front_matter(**fields) -> str:
    lines = ["---"]
    for name, value in fields.items():
        if value is not None:
            lines.append(f"{name}: {json.dumps(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def _post(number: int) -> str:
    orgs = [ORGANISATIONS[number % len(ORGANISATIONS)], ORGANISATIONS[(number * 5 + 3) % len(ORGANISATIONS)]]
    topic = TOPICS[number % len(TOPICS)]
    paragraphs = [
        f"This post is about {topic.lower()}, written with colleagues at {orgs[0]} and {orgs[1]}.",
        "We learned that leadership means listening first, then acting with care and patience.",
    ]
    if number % 3 == 1:
        paragraphs.append(
            "The inspection came after a long year. Inspectors asked about our "
            "inspection readiness and how we support children and families."
        )
    if number % 4 == 0:
        paragraphs.append("Our housing teams and planning officers worked on the same estates for the first time.")
    return (
        _front_matter(
            title=f"{topic} (part {number})",
            date=f"{2015 + number % 8}-{1 + number % 12:02d}-{1 + number % 27:02d}",
            author=AUTHORS[number % len(AUTHORS)],
            source=SOURCES[number % len(SOURCES)],
            tags=[TAGS[number % len(TAGS)], TAGS[(number + 3) % len(TAGS)]],
            categories=[CATEGORIES[number % len(CATEGORIES)]],
        )
        + "\n\n".join(paragraphs)
        + "\n"
    )


SPECIAL_DOCUMENTS = {
    HOSTILE_ID: _front_matter(
        title=f"{HOSTILE_TEXT} and other markup",
        date="2014-05-06",
        author="Mallory Jones",
        source="Hostile blog",
        tags=["Security"],
        categories=["Practice"],
        url="javascript:alert(3)",
    )
    + f"Someone pasted {HOSTILE_TEXT} into this post, and an <img src=x onerror=alert(2)> too.\n",
    ADCS_ALIAS_ID: _front_matter(
        title="Notes from the ADCS conference",
        date="2019-07-01",
        author="Tom Reid",
        source="Council Voices",
        tags=["Children's services"],
        categories=["Policy"],
        url=ADCS_ALIAS_URL,
    )
    + "The ADCS annual conference asked what good children's services look like.\n",
    ADCS_FULL_ID: _front_matter(
        title="A letter to the Association of Directors of Children's Services",
        date="2020-02-03",
        author="Grace Okafor",
        source="Council Voices",
        tags=["Children's services"],
        categories=["Policy"],
    )
    + "We wrote to the Association of Directors of Children's Services about caseloads.\n",
    RURAL_ID: _front_matter(
        title="Rural councils and school farms",
        date="2021-04-05",
        author="Asha Patel",
        source="Leading Places blog",
        tags=["Climate"],
        categories=["Policy"],
    )
    + (
        "The Department for Environment, Food and Rural Affairs met Devon County Council and "
        "Countess Wear Community School about school farms. The LGA joined later.\n\n"
        "Lincolnshire County Council, Lancashire County Council and Derbyshire County Council sent their farm leads.\n"
    ),
    UNDATED_ID: _front_matter(
        title="A post without a date",
        author="Owen Hughes",
        source="Chief Executive Notes",
        tags=["Leadership"],
        categories=["Practice"],
    )
    + "Some posts never say when they were written, yet leadership lessons keep.\n",
}


def write_corpus(folder: Path) -> Path:
    """Write every document as a file under `folder`; ids follow the paths."""
    documents = {post_id(n): _post(n) for n in range(1, POSTS + 1)}
    documents.update(SPECIAL_DOCUMENTS)
    for doc_id, text in documents.items():
        path = folder / f"{doc_id}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def build_index(corpus: Path, index_dir: Path):
    """Index the corpus with the real reindex job (the web layer never builds indexes itself)."""
    from indexer.reindex import reindex

    report = reindex([corpus], index_dir, rebuild=True)
    assert not report.rejected, report.rejected
    return report
