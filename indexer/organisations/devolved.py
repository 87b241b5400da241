"""Northern Ireland's departments and bodies, named as their writers name them in a Northern Ireland text.

GOV.UK's list holds each Northern Ireland department as "Department of Health (Northern Ireland)";
its own writers call it "the Department of Health", the name DHSC once had. Where a post is written
from inside Northern Ireland's government (it names Stormont, the Executive, the Assembly or MLAs)
or names a body of Northern Ireland's own (a UK-wide page that only names Northern Ireland is not),
a department or body written by the bare name of a Northern Ireland one ("the Education Authority")
is that body.
"""

from __future__ import annotations

import functools
import re

from indexer.organisations.rules import normalise

_SUFFIX = " (Northern Ireland)"
# "the Executive" with a capital, mid-sentence, is a devolved government's; a council's Executive is
# its "Executive member", "Executive Board" or "Executive Director".
_CONTEXT = re.compile(
    r"Stormont|\b(?:NI|Northern[ \t\u00a0]+Ireland)[ \t\u00a0]+(?:Executive|Assembly)|\bMLAs?\b|"
    r"Executive Information Service|"  # the Executive's press office, at the foot of its releases
    r"\b[Tt]he[ \t\u00a0]+Executive(?![ \t\u00a0]+(?:[A-Z]|member|members|director|directors|board|team|committee|officer))"
)


def bare_names(names: list[str]) -> dict[str, str]:
    """Each Northern Ireland body's bare name, folded, and the body: "department of health",
    "education authority", "public health agency" (a name of two words or more)."""
    return {_bare(name).casefold(): name for name in names if name.endswith(_SUFFIX) and len(_bare(name).split()) >= 2}


def _bare(name: str) -> str:
    return name.removesuffix(_SUFFIX).removeprefix("The ")


def northern_ireland_spans(
    text: str, spans: list[tuple[int, int, str]], bare: dict[str, str]
) -> list[tuple[int, int, str]]:
    """The spans, with a department named by a Northern Ireland department's bare name read as it
    where the post is about Northern Ireland."""
    if not bare:
        return spans
    words_say_so = any(word in text for word in ("Stormont", "Executive", "Assembly", "MLA")) and _CONTEXT.search(text)
    if not words_say_so and not any(_devolved_body(name) for _, _, name in spans):
        return spans
    out = [(start, end, bare.get(normalise(text[start:end]).casefold(), name)) for start, end, name in spans]
    taken = bytearray(len(text))
    for start, end, _ in spans:
        taken[start:end] = b"\x01" * (end - start)
    for match in _pattern(tuple(sorted(_bare(name) for name in bare.values()))).finditer(text):
        name = bare.get(normalise(match.group()).casefold())
        if name and taken.find(1, match.start(), match.end()) == -1:
            out.append((match.start(), match.end(), name))
    return sorted(out)


def _devolved_body(name: str) -> bool:
    """A body of Northern Ireland's own ("Police Service of Northern Ireland", "Northern Ireland
    Commission for Catholic Education"), which a UK-wide page seldom names; not the UK's Northern
    Ireland Office."""
    return "Northern Ireland" in name and name != "Northern Ireland Office" and not name.endswith(_SUFFIX)


@functools.cache
def _pattern(names: tuple[str, ...]) -> re.Pattern:
    """The bare names as their bodies write them, each word apart by any space: one pass over a post."""
    spelled = [r"[ \t\u00a0]+".join(map(re.escape, name.split())) for name in names]
    return re.compile(r"(?<![\w-])(?:" + "|".join(sorted(spelled, key=len, reverse=True)) + r")(?![\w-])")
