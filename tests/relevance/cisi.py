"""The CISI test collection (1,460 library-science abstracts, 76 judged long questions), read
from its original files and written out as posts the reindex job reads.

The questions are searched exactly as written, sentences, brackets, question marks and all: the
test is what a new user pasting a long question gets. This folder's README says where the files come
from and on what terms.

Run it on its own for the table: `.venv/bin/python tests/relevance/cisi.py`.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = HERE / "cisi"
_FIELD = re.compile(r"^\.([A-Z])(?: (\d+))?\s*$")


def _records(name: str) -> list[dict[str, str]]:
    """The `.I`-numbered records of one of the collection's files, each field's lines joined."""
    records: list[dict[str, str]] = []
    field = None
    with gzip.open(FILES / name, "rt", encoding="ascii") as lines:
        for line in lines:
            marker = _FIELD.match(line)
            if marker and marker.group(1) == "I":
                records.append({"I": marker.group(2)})
                field = None
            elif marker:
                field = marker.group(1)
                records[-1].setdefault(field, "")
            elif field is not None:
                records[-1][field] += line
    return records


def documents() -> list[dict[str, str]]:
    """Each abstract: id, title, author and text."""
    return [
        {
            "id": f"cisi-{r['I']}",
            "title": " ".join(r.get("T", "").split()),
            "author": " ".join(r.get("A", "").split()),
            "text": r.get("W", "").strip(),
        }
        for r in _records("CISI.ALL.gz")
    ]


def judged_questions():
    """The questions with judgements, as written (their statement, `.W`), each with the ids of
    the abstracts judged relevant (grade 1; the collection's judgements are yes or no)."""
    from relevance_eval import Judged

    relevant: dict[str, dict[str, int]] = {}
    with gzip.open(FILES / "CISI.REL.gz", "rt", encoding="ascii") as lines:
        for line in lines:
            query, doc = line.split()[:2]
            relevant.setdefault(query, {})[f"cisi-{doc}"] = 1
    return [
        Judged(" ".join(r["W"].split()), "cisi", relevant[r["I"]])
        for r in _records("CISI.QRY.gz")
        if r["I"] in relevant
    ]


def write_posts(folder: Path) -> Path:
    """Every abstract as a Markdown post with front matter (title and author), as a blog keeps it."""
    folder.mkdir(parents=True, exist_ok=True)
    for doc in documents():
        front = f"---\ntitle: {json.dumps(doc['title'])}\nauthor: {json.dumps(doc['author'])}\n---\n\n"
        (folder / f"{doc['id']}.md").write_text(front + doc["text"] + "\n", encoding="utf-8")
    return folder


def compare(work: Path):
    """lgsearch and the FTS5 baseline over the collection, scored on its judged questions."""
    from relevance_eval import Fts5Baseline, LgsearchRun, extracted_documents, score

    posts = write_posts(work / "cisi-posts")
    judged = judged_questions()
    baseline = score(Fts5Baseline(extracted_documents(posts)), judged)
    # Ranking, not speed, is judged here: a generous time limit, so that a busy machine
    # cannot cut a long question's search short (speed is measured in bench/).
    run = LgsearchRun(work / "cisi-index", posts, time_limit=30.0)
    try:
        ours = score(run, judged)
    finally:
        run.close()
    return judged, ours, baseline


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(HERE.parent.parent))
    from relevance_eval import report

    with tempfile.TemporaryDirectory() as folder:
        print(report(*compare(Path(folder))))
