"""Names that run on past where a list or a rule ended them.

A body's name followed at once by a word that heads a body ("Catholic Poor School Committee",
"NHS Wales Executive"; not a role, "Homes England Executive Director"), by
"for" and a nation ("General Teaching Council for Scotland"; an inspectorate "in" one too), or a council found by its form by
"of"/"for" and capitalised words ("Scottish Council of Deans of Education") is the longer name; a
body of the whole UK named with a nation's adjective before it ("Welsh NHS Confederation") is that
nation's own body. Each span looks only a few words either side of itself, so this is linear.
"""

from __future__ import annotations

import re

from indexer.organisations.rules import STOP_WORDS, normalise

# Words that head a body and so make a longer name of the body's name before them.
_HEAD_AFTER = re.compile(
    r"[ \t\u00a0]+(?:Committee|Council|Commission|Authority|Association|Confederation|Federation|Society|Agency|"
    r"Institute|Executive)(?![\w'-])"
)
# An executive is a body after a nation's NHS ("NHS Wales Executive"); after most names it is their board.
_NHS_NATION = re.compile(r"^NHS (?:Wales|Scotland|England|Cymru)$")
_CAPITAL_AHEAD = re.compile(r"[ \t\u00a0]+(?P<word>[A-ZÀ-ÖØ-Þ][\w'-]*)")
# Bodies whose own committees and councils follow their name: "Kent County Council Committee".
_ENDS_IN_HEAD = re.compile(r"(?:Council|Authority|Committee|Commission|Association|Agency|Society|Institute)$")
_NATIONS = r"(?:Scotland|Wales|Northern[ \t\u00a0]+Ireland|England)"
_FOR_NATION = re.compile(rf"[ \t\u00a0]+for[ \t\u00a0]+{_NATIONS}(?![\w'-])")
# "HM Inspectorate of Constabulary in Scotland": an inspectorate is named for where it inspects.
_IN_NATION = re.compile(rf"[ \t\u00a0]+(?:for|in)[ \t\u00a0]+{_NATIONS}(?![\w'-])")
_NATION_IN_NAME = re.compile(r"\b(?:Scotland|Scottish|Wales|Welsh|Cymru|Northern Ireland|England|English)\b")
_HEADED = re.compile(r"(?:Council|Commission|Authority|Board|Committee|Agency|Association|Society|Institute)$")
# "Scottish Council of Deans of Education": of/for and capitalised words (with of/and/for inside).
_OF_RUN = re.compile(
    r"[ \t\u00a0]+(?:of|for)[ \t\u00a0]+(?:the[ \t\u00a0]+)?(?P<run>[A-Z][\w'-]*(?:[ \t\u00a0]+(?:(?:of|and|for|&)[ \t\u00a0]+)?[A-Z][\w'-]*){0,5})"
)
# Heads a listed name may go on from: "Royal Society of Arts", "Royal Society for the Protection of Birds".
_OF_HEADS = re.compile(r"(?:Society|Institute|Institution|Federation|Confederation)$")
_ADJECTIVE_BEFORE = re.compile(r"(?:^|(?<=[^\w'-]))(?P<nation>Welsh|Scottish)[ \t\u00a0]+$")
_MAJESTY = re.compile(r"^(?:Her|His) Majesty's ")
_NATION_KINDS = frozenset({"sector body", "charity", "think tank", "nhs body"})


def longer_spans(
    text: str, spans: list[tuple[int, int, str]], kinds: dict[str, str], folded: dict[str, str]
) -> list[tuple[int, int, str]]:
    """The spans with each name that runs on made whole; spans the longer name covers are dropped."""
    out: list[tuple[int, int, str]] = []
    for start, end, name in sorted(spans):
        if out and start < out[-1][1]:
            continue  # inside the longer name just made
        written = text[start:end]
        longer = _longer(text, start, end, name, written, kinds)
        if longer:
            start, end = longer
            whole = _MAJESTY.sub("HM ", normalise(text[start:end].replace(" & ", " and ")))
            name = folded.get(whole.casefold(), whole)
        out.append((start, end, name))
    return out


def _longer(text: str, start: int, end: int, name: str, written: str, kinds: dict[str, str]) -> tuple[int, int] | None:
    head = _HEAD_AFTER.match(text, end)
    if head and kinds.get(name) == "parliament":
        head = None  # "a House of Commons Committee report": one of the House's committees, unnamed
    if head and " " in written.strip() and not _ENDS_IN_HEAD.search(written):
        ahead = _CAPITAL_AHEAD.match(text, head.end())
        executive = head.group().strip() == "Executive"
        if (not ahead or ahead["word"].casefold() in STOP_WORDS) and (not executive or _NHS_NATION.search(written)):
            return start, head.end()  # "Homes England Executive Director" is a role
    if (_HEADED.search(written) or "Inspectorate" in written) and not _NATION_IN_NAME.search(written):
        nation = (_IN_NATION if "Inspectorate" in written else _FOR_NATION).match(text, end)
        if nation:
            return start, nation.end()
    if (name not in kinds and written.endswith("Council")) or _OF_HEADS.search(written):
        run = _OF_RUN.match(text, end)
        if run and run["run"].split()[0].casefold() not in STOP_WORDS:
            return start, run.end()
    if kinds.get(name) in _NATION_KINDS and " " in written.strip() and not _NATION_IN_NAME.search(written):
        before = _ADJECTIVE_BEFORE.search(text, max(0, start - 12), start)
        if before:
            return before.start("nation"), end
    return None
