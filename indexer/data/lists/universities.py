"""UK degree-awarding bodies, current and closed, from the Department for Education's list (HESA codes).

A body's unique synonyms ("The Manchester Metropolitan University") become aliases only where they
still say what the body is; a short form that is a place or a constituency ("Sheffield Hallam") does
not. Its usual acronym (MMU, UCL) is an alias where no other institution uses it.
"""

from __future__ import annotations

from collections import Counter

from indexer.data.lists.body import Body, clean, read_csv, safe_acronym

HEAD_WORDS = ("University", "College", "Institute", "School", "Conservatoire", "Academy")


def kind_of(name: str) -> str:
    """A university, or a college (mostly further education) that awards degrees: "Gower College
    Swansea", "NCG (Newcastle College Group)". Specialist institutions are universities: "Royal College
    of Art", "London School of Hygiene and Tropical Medicine"."""
    words = name.replace("(", " ").replace(")", " ").split()
    college = any(word in words for word in ("College", "Grŵp", "Group", "Partnership"))
    return "college" if college and "University" not in words and words[0] != "Royal" else "university"


def university_bodies(jargon: frozenset[str]) -> list[Body]:
    rows = [row for row in read_csv("degree_institutions.csv") if row["has_never_awarded_degrees"] != "true"]
    acronyms = Counter(a for row in rows for a in row["suggestion_synonyms"].split("|") if safe_acronym(a, jargon))
    bodies = []
    for row in rows:
        aliases = [a for a in row["match_synonyms"].split("|") if any(w in a.split() for w in HEAD_WORDS)]
        aliases += [a for a in row["suggestion_synonyms"].split("|") if safe_acronym(a, jargon) and acronyms[a] == 1]
        bodies.append(Body(clean(row["name"]), kind_of(row["name"]), [clean(a) for a in aliases]))
    return bodies
