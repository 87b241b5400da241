"""How well the organisation recogniser finds the bodies a careful reader lists: `python -m bench.orgs_real`.

Reads the real documents in tests/orgs_real (README.md there says how they and their lists were
made), runs `find_organisations` on each and scores it over (document, body) pairs: a find that
names a listed body is right, a find of a body the list marks `maybe` is set aside, any other find
is wrong, and a listed body nobody found is missed. Prints precision, recall and F1 for each split
apart (held-out, test, dev), then every wrong find and miss by document. Tune on dev (and test);
the held-out split measures writing nothing was tuned on, so read only its totals
(`--split holdout` prints its misses too: whoever reads them has used it up). tests/orgs_real/
test_orgs_real.py holds each split to what it reaches (issue 27 asks for 0.90 F1).
"""

from __future__ import annotations

import argparse
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

SET_DIR = Path(__file__).resolve().parent.parent / "tests" / "orgs_real"
SPLITS = ("holdout", "test", "dev")

_PUNCTUATION = re.compile(r"[^\w\s]")
# The nation lgsearch writes after a name to tell two bodies apart is no part of the body's own name.
_NATION_QUALIFIER = re.compile(r"\s*\((?:Northern Ireland|Scotland|Wales|England)\)$")
_SPACES = re.compile(r"\s+")


def normalise_name(name: str) -> str:
    """The form two spellings of one canonical name share: case folded, "&" read as "and",
    punctuation, a leading "the" and a nation in brackets after it dropped ("The Department for
    Environment, Food & Rural Affairs" and "department for environment food and rural affairs" are
    one; "Education Authority (Northern Ireland)" is the "Education Authority")."""
    text = unicodedata.normalize("NFKC", name).replace("’", "'").replace("&", " and ")
    text = _NATION_QUALIFIER.sub("", text)
    text = _PUNCTUATION.sub(" ", text.replace("'", "")).casefold()
    text = _SPACES.sub(" ", text).strip()
    return text.removeprefix("the ")


@dataclass(frozen=True)
class Body:
    """One body a reader listed: its canonical name and every spelling that counts as it."""

    name: str
    also: tuple[str, ...] = ()

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(normalise_name(n) for n in (self.name, *self.also))

    @classmethod
    def parse(cls, entry: str | dict) -> Body:
        if isinstance(entry, str):
            return cls(entry)
        return cls(entry["name"], tuple(entry.get("also") or ()))


@dataclass(frozen=True)
class Document:
    """One annotated document of the set."""

    id: str
    title: str
    split: str
    licence: str
    url: str
    bodies: tuple[Body, ...]
    maybe: tuple[Body, ...]
    path: Path

    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")


def load_documents(set_dir: Path = SET_DIR, split: str | None = None) -> list[Document]:
    """The set's documents in id order, all of them or one split's."""
    entries = yaml.safe_load((set_dir / "annotations.yaml").read_text(encoding="utf-8"))["documents"]
    documents = [
        Document(
            id=entry["id"],
            title=entry["title"],
            split=entry["split"],
            licence=entry["licence"],
            url=entry["url"],
            bodies=tuple(Body.parse(b) for b in entry.get("bodies") or ()),
            maybe=tuple(Body.parse(b) for b in entry.get("maybe") or ()),
            path=set_dir / "docs" / f"{entry['id']}.txt",
        )
        for entry in entries
    ]
    documents.sort(key=lambda d: d.id)
    return [d for d in documents if split is None or d.split == split]


@dataclass
class DocumentScore:
    """What the recogniser got right, wrong and missed in one document (canonical names)."""

    id: str
    right: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    set_aside: list[str] = field(default_factory=list)


def score_document(
    doc_id: str,
    found: Iterable[str],
    bodies: Iterable[Body],
    maybe: Iterable[Body] = (),
    canonical: Callable[[str], str | None] | None = None,
) -> DocumentScore:
    """Compare one document's finds with its listed bodies.

    A body found under two spellings counts once; the second find is set aside, not wrong. With
    `canonical`, a listed name that lgsearch knows whole under another canonical name counts as
    that name too: a reader wrote "Education Authority" before the list named it "Education
    Authority (Northern Ireland)"."""
    bodies, maybe = list(bodies), list(maybe)

    def keys(body: Body) -> frozenset[str]:
        known = {canonical(n) for n in (body.name, *body.also)} if canonical else set()
        return body.keys | {normalise_name(k) for k in known if k}

    owner = {key: body for body in bodies for key in keys(body)}
    maybe_keys = {key for body in maybe for key in keys(body)}
    score = DocumentScore(doc_id)
    matched: set[Body] = set()
    for name in dict.fromkeys(found):
        key = normalise_name(name)
        body = owner.get(key)
        if body is not None and body not in matched:
            matched.add(body)
            score.right.append(body.name)
        elif body is not None or key in maybe_keys:
            score.set_aside.append(name)
        else:
            score.wrong.append(name)
    score.missed = [body.name for body in bodies if body not in matched]
    return score


@dataclass(frozen=True)
class Totals:
    """Micro-averaged counts over (document, body) pairs."""

    right: int
    wrong: int
    missed: int

    @property
    def precision(self) -> float:
        claimed = self.right + self.wrong
        return self.right / claimed if claimed else 1.0

    @property
    def recall(self) -> float:
        listed = self.right + self.missed
        return self.right / listed if listed else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @classmethod
    def of(cls, scores: Iterable[DocumentScore]) -> Totals:
        scores = list(scores)
        return cls(
            right=sum(len(s.right) for s in scores),
            wrong=sum(len(s.wrong) for s in scores),
            missed=sum(len(s.missed) for s in scores),
        )


def score_documents(
    documents: Iterable[Document], recognise: Callable[[str], list[str]] | None = None
) -> list[DocumentScore]:
    """Every document's score, the recogniser run once on each document's text."""
    canonical = None
    if recognise is None:
        from indexer.organisations import canonical_org as canonical
        from indexer.organisations import find_organisations as recognise
    return [score_document(d.id, recognise(d.text()), d.bodies, d.maybe, canonical) for d in documents]


def summary(name: str, totals: Totals, documents: int) -> str:
    return (
        f"{name}: {documents} documents, precision {totals.precision:.2f}, recall {totals.recall:.2f}, "
        f"F1 {totals.f1:.2f} ({totals.right} right, {totals.wrong} wrong, {totals.missed} missed "
        f"of {totals.right + totals.missed} listed)"
    )


def table(scores: Iterable[DocumentScore]) -> str:
    """One line per document with something wrong or missed."""
    lines = []
    for s in scores:
        if s.wrong or s.missed:
            lines.append(f"  {s.id}")
            if s.wrong:
                lines.append("      wrong:  " + "; ".join(s.wrong))
            if s.missed:
                lines.append("      missed: " + "; ".join(s.missed))
    return "\n".join(lines) if lines else "  (nothing wrong or missed)"


def report(documents: list[Document], recognise: Callable[[str], list[str]] | None = None) -> str:
    """The scores of each split apart, then its wrong finds and misses by document."""
    parts = []
    for split in SPLITS:
        chosen = [d for d in documents if d.split == split]
        if not chosen:
            continue
        scores = score_documents(chosen, recognise)
        parts.append(summary(split, Totals.of(scores), len(chosen)))
        parts.append(table(scores))
        parts.append("")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=SPLITS, help="score one split only (default: every split)")
    args = parser.parse_args(argv)
    print(report(load_documents(split=args.split)))


if __name__ == "__main__":
    main()
