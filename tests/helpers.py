"""Test helpers shared by the suites: a small corpus of real Markdown posts and how to write one."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from indexer import reindex as build
from indexer.reindex import reindex, writers

REPO_ROOT = Path(__file__).resolve().parent.parent
SEEDS = REPO_ROOT / "seeds"


def index_in_segments(root: Path, judged_corpus: Path, **reindex_options) -> Path:
    """The judged corpus indexed in three runs, with some posts then deleted: several segments,
    as a server's index has after incremental reindexes. Returns the index folder under `root`."""
    corpus, index_dir = root / "corpus", root / "index"
    corpus.mkdir()
    posts = sorted(judged_corpus.iterdir())
    for part in (posts[:40], posts[40:70], posts[70:]):
        for post in part:
            shutil.copy(post, corpus / post.name)
        reindex([corpus], index_dir, **reindex_options)
    for post in posts[5:12]:
        (corpus / post.name).unlink()
    reindex([corpus], index_dir, **reindex_options)
    return index_dir


def rebuilt(folder: Path, index_dir: Path, parallel: bool, runs: bool = False):
    """A rebuild of the folder, through writer processes (each its own segment) or one writer;
    with `runs`, every post's postings go to a run on disk first. Returns the report."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build, "PARALLEL_BUILD_THRESHOLD", 2 if parallel else 10**9)
        if runs:
            patch.setattr(writers, "POOL_LIMIT_MB", 0)
        return reindex([folder], index_dir, rebuild=True)


def write_post(folder: Path, name: str, title: str, body: str, **meta) -> Path:
    """A Markdown post with front matter, so each test controls every field."""
    lines = ["---", f"title: {json.dumps(title)}"]  # JSON is valid YAML and quotes safely
    lines += [f"{key}: {json.dumps(value)}" for key, value in meta.items()]
    lines += ["---", "", textwrap.dedent(body).strip(), ""]
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


CORPUS = [
    (
        "ofsted-inspection.md",
        "Preparing for an Ofsted inspection",
        "Our children's services inspection taught us a lot. Ofsted inspectors spoke to social workers "
        "and the Local Government Association offered peer support.",
        {
            "date": "2019-03-12",
            "author": "Jane Smith",
            "source": "Council Leader Blog",
            "tags": ["SLI", "Inspection"],
            "categories": ["Children's services"],
        },
    ),
    (
        "peer-challenge.md",
        "Peer challenge in the South East",
        "Sector-led improvement depends on honest peer challenge between councils. The ADCS supports "
        "regional triads, and Ofsted watches the results.",
        {
            "date": "2020-06-01",
            "author": "Sam Jones",
            "source": "ADCS Blog",
            "tags": ["SLI", "South East"],
            "categories": ["Improvement"],
        },
    ),
    (
        "academies.md",
        "Academies and school governance",
        "Governors weigh academy conversion carefully. Collaboration between schools matters more than structures.",
        {
            "date": "2018-11-20",
            "author": "Carl Haggerty",
            "source": "Carl's Notepad",
            "tags": ["Schools"],
            "categories": ["Education"],
        },
    ),
    (
        "digital/localgov.md",
        "Digital collaboration across councils",
        "LocalGovDigital brings digital leads together. Cambridgeshire County Council shared its platform "
        "with Suffolk County Council.",
        {
            "date": "2021-01-15",
            "author": "Carl Haggerty",
            "source": "Carl's Notepad",
            "tags": ["Digital"],
            "categories": ["Digital"],
        },
    ),
    (
        "undated.md",
        "Reflections without a date",
        "Care Quality Commission inspections of adult social care are different from children's inspections.",
        {"tags": ["Inspection"]},
    ),
]

# Every field of a document as /api/doc/<id> and `lgsearch export` give it, in order (docs/api.md).
DOCUMENT_FIELDS = [
    "id",
    "path",
    "title",
    "date",
    "year",
    "author",
    "source",
    "tags",
    "categories",
    "organisations",
    "source_url",
    "body",
]
