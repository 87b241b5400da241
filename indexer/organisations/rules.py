"""Names no list can hold: "X Primary School", "X NHS Foundation Trust", "University of X", ...

Part of the organisation recogniser (orgs.py): it finds runs of capitalised words ending in a
word that marks a body, and leaves mapping them to canonical names to orgs.py.
"""

from __future__ import annotations

import bisect
import functools
import re

import ahocorasick

# Capitalised words that start sentences or headings but never a name's first word.
STOP_WORDS = frozenset(
    """
a an the our my your their his her its this that these those at in on to from with by for about
into over after before across between through during under as if when where why how what who
which while whilst since because but so yet or nor not no all every each any some many most both
either neither another other we i you they he she it us is are was were be been has have had do
does did will would can could should may might must shall also then there here dear thanks thank
like unlike via per plus including join joined visit visited welcome congratulations well yes
today yesterday tomorrow now recently lastly finally former ex see read meet please sadly sorry firstly secondly however meanwhile indeed
monday tuesday wednesday thursday friday saturday sunday january february march april june july
august september october november december
""".split()
)
# "Head of X School" is a role at a school, not part of its name.
ROLE_WORDS = frozenset(
    """
head heads chair chairs principal director directors chief member members governor governors
headteacher teacher teachers executive leader leaders pupils students staff part behalf team
president vice dean provost clerk trustee trustees alumni graduate graduates parents one board officer
""".split()
)
# Words too general to make a name on their own: "Primary School" names nothing.
GENERIC_WORDS = frozenset(
    """
primary infant infants junior nursery secondary high grammar community special free church ce
cofe c e catholic rc roman methodist academy academies school schools college colleges sixth form
university universities teaching trust trusts foundation learning education educational multi
multi-academy nhs health healthcare care integrated mental hospital hospitals acute ambulance
partnership services service council councils county city town parish district borough
metropolitan combined authority mayoral local national regional public independent state village
new fire rescue police main good great outstanding best better failing inadequate improvement
small large big rural urban first last next single whole one two three summer forest virtual
night boarding medical law art arts music drama dance film graduate design leadership digital
training management practice social work innovation transformation sector leaders leader future
skills apprenticeship children's childrens children young people youth adult adults family technical technology studio
families parent parents teacher teachers governor governors head heads student students pupil
pupils early years year government corporate english british uk send sen board group alliance
clinical commissioning full cabinet executive labour conservative liberal democrat democrats green
reform scrutiny county hall unitary
""".split()
)
# Head words that end one name, so "and" after them starts another ("Council and Exeter College").
HEAD_WORDS = frozenset(
    """council school college university trust authority board academy police consortium
partnership federation network collaborative forum group""".split()
)
# Head words that end a body named before "and" in a conjoined name: "Exeter Consortium and ...".
_CONJOINED_HEADS = "Consortium|Partnership|Federation|Network|Collaborative|Forum|Group"
_CONJOINED = re.compile(
    rf"(?P<first>(?:[A-ZÀ-ÖØ-Þ][\w'-]*[ \t\u00a0]+){{1,3}}(?:{_CONJOINED_HEADS}))[ \t\u00a0]+(?:and|&)[ \t\u00a0]+$"
)

WORD = re.compile(r"(?:St\.|[A-ZÀ-ÖØ-Þ][\w'-]*)$")
_TOKEN = re.compile(r"\S+")
# Words that end a name no list can hold ("Countess Wear Community School").
SUFFIXES = (
    "NHS Foundation Trust",
    "NHS Trust",
    "Integrated Care Board",
    "ICB",
    "Integrated Care System",
    "ICS",
    "Clinical Commissioning Group",
    "CCG",
    "University Health Board",
    "UHB",
    "Health Board",
    "Combined Authority",
    "Mayoral Combined Authority",
    "Combined County Authority",
    "Town Council",
    "Parish Council",
    "Community Council",
    "City Council",
    "District Council",
    "County Council",
    "Borough Council",
    "Multi-Academy Trust",
    "Multi Academy Trust",
    "Academy Trust",
    "Academies Trust",
    "Learning Trust",
    "Education Trust",
    "Schools Trust",
    "Schools Alliance",
    "School Alliance",
    "School",
    "Academy",
    "College",
    "UTC",
    "University",
    "Police",
    "Constabulary",
    "Fire and Rescue Service",
    "Fire & Rescue Service",
    "Council",
    "Consortium",
)
_LISTING_SUFFIXES = frozenset(
    {
        "NHS Foundation Trust",
        "NHS Trust",
        "Integrated Care Board",
        "ICB",
        "Integrated Care System",
        "ICS",
        "Clinical Commissioning Group",
        "CCG",
        "Health Board",
    }
)
_AND_NEXT = re.compile(r"[ \t\u00a0]+(?:and|&)[ \t\u00a0]")
_WORD_AHEAD = re.compile(r"[ \t\u00a0]+(?P<word>[A-ZÀ-ÖØ-Þ][\w'-]*)(?![\w'-])")
_UNIVERSITY_OF = re.compile(r"(?<![\w-])University of[ \t\u00a0]+")
_SUFFIX_KINDS = (
    ("Town Council", "town or parish council"),
    ("Parish Council", "town or parish council"),
    ("Community Council", "town or parish council"),
    ("County Council", "county council"),
    ("City Council", "district council"),
    ("District Council", "district council"),
    ("Borough Council", "district council"),
    ("Combined", "combined authority"),
    ("NHS", "nhs body"),
    ("Integrated Care Board", "nhs body"),
    ("Integrated Care System", "nhs body"),
    ("ICS", "nhs body"),
    ("Clinical Commissioning Group", "nhs body"),
    ("Health Board", "nhs body"),
    ("UHB", "nhs body"),
    ("Police", "police or fire service"),
    ("Constabulary", "police or fire service"),
    ("Rescue Service", "police or fire service"),
    ("University", "university"),
    ("College", "college"),
    ("UTC", "school"),
    ("Council", "district council"),
)


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("‘", "'")).strip()


@functools.cache
def _suffix_automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for suffix in SUFFIXES:
        automaton.add_word(suffix, suffix)
    automaton.make_automaton()
    return automaton


# Words that end a school's name, which may go on with its place: "Reach Academy Feltham".
_SCHOOL_HEADS = frozenset({"Academy", "School", "College", "UTC"})


def _trim_run(tokens: list[re.Match], school_suffix: bool = True) -> list[re.Match]:
    """Cut a run of capitalised words back to the part that can be a name's beginning.

    Two schools joined by "and" are cut apart only before a school's own suffix: before "Council",
    "Northern Ireland School Examinations and Assessment" is one name."""
    keep_from = 0
    for i, token in enumerate(tokens):
        word = token.group().casefold()
        if word in STOP_WORDS and word not in ("and", "&"):
            keep_from = i + 1
        elif word == "of" and i and tokens[i - 1].group().casefold() in ROLE_WORDS:
            keep_from = i + 1
        elif word in ("and", "&") and i and tokens[i - 1].group().casefold() in HEAD_WORDS:
            keep_from = i + 1
        elif (
            school_suffix
            and word in ("and", "&")
            and any(t.group() in _SCHOOL_HEADS for t in tokens[keep_from + 1 : i])
        ):
            keep_from = i + 1  # "Reach Academy Feltham and Dixons Trinity Academy": two schools
    tokens = tokens[keep_from:]
    while tokens and not WORD.match(tokens[0].group().rstrip(",")):
        tokens = tokens[1:]
    while tokens and not WORD.match(tokens[-1].group()):
        tokens = tokens[:-1]
    return tokens


def _is_specific(tokens: list[re.Match]) -> bool:
    words = [t.group().rstrip(",") for t in tokens]
    return any(WORD.match(w) and w.casefold() not in GENERIC_WORDS for w in words)


def _academy_place_end(text: str, end: int, starts: set[int]) -> int:
    """ "Harris Academy Peckham": an academy's name may go on with a place after the word Academy."""
    for _ in range(2):
        word = _WORD_AHEAD.match(text, end)
        if not word or word["word"].casefold() in STOP_WORDS | GENERIC_WORDS or word.start("word") in starts:
            break
        end = word.end()
    return end


def _barrier(text: str, stops: list[int], lo: int, end: int) -> int:
    """Where a run may start: after a known body joined to it by "and" ("Cornwall Council and ...").

    `stops` are the known bodies' ends, sorted, so only those within reach are looked at."""
    for stop in stops[bisect.bisect_right(stops, lo) : bisect.bisect_right(stops, end)]:
        if _AND_NEXT.match(text, stop, end):
            lo = stop
    return lo


def _run_before(text: str, end: int, stops: list[int], commas: bool, school_suffix: bool = True) -> list[re.Match]:
    """The capitalised words (joined by of/and/&/upon) that end just before `end`, on one line.

    With `commas`, places may be listed: "Barking, Havering and Redbridge University Hospitals".
    """
    lo = _barrier(text, stops, max(0, end - 200), end)
    run: list[re.Match] = []
    boundary = end
    for token in reversed(list(_TOKEN.finditer(text, lo, end))):
        gap = text[token.end() : boundary]
        if not gap or gap.strip(" \t\u00a0"):
            break
        word = token.group()
        connector = word in ("of", "and", "&", "upon") and run and WORD.match(run[0].group())
        listed = commas and word.endswith(",") and WORD.match(word[:-1]) and any(t.group() in ("and", "&") for t in run)
        if not (WORD.match(word) or connector or listed):
            break
        run.insert(0, token)
        boundary = token.start()
    return _trim_run(run, school_suffix)


def _run_after(text: str, start: int) -> tuple[str, int]:
    """For "University of X": the place named from `start` (joined by of/the/upon), and its end."""
    words: list[tuple[str, int]] = []
    position = start
    for token in _TOKEN.finditer(text, start):
        gap = text[position : token.start()]
        if (words and not gap) or gap.strip(" \t\u00a0"):
            break
        word = token.group().rstrip('.,;:!?)"')
        if word not in ("of", "the", "upon") and (word.casefold() in STOP_WORDS or not WORD.match(word)):
            break
        words.append((word, token.start() + len(word)))
        position = token.end()
        if word != token.group():
            break
    while words and not WORD.match(words[-1][0]):
        words.pop()
    if not words or all(w.casefold() in GENERIC_WORDS or not WORD.match(w) for w, _ in words):
        return "", start
    return " ".join(w for w, _ in words), words[-1][1]


def _suffixes(text: str) -> list[tuple[int, int, str]]:
    """Where suffix words stand as whole words, leftmost and longest first, never overlapping."""
    found = []
    for end, suffix in _suffix_automaton().iter(text):
        start, end = end - len(suffix) + 1, end + 1
        if (start == 0 or not _joins_word(text[start - 1])) and (end == len(text) or not _joins_word(text[end])):
            found.append((start, end, suffix))
    chosen: list[tuple[int, int, str]] = []
    for span in sorted(found, key=lambda s: (s[0], -s[1])):
        if not chosen or span[0] >= chosen[-1][1]:
            chosen.append(span)
    return chosen


def _joins_word(char: str) -> bool:
    return char.isalnum() or char in "_-"


def _rule_name(prefix: str, suffix: str) -> str:
    name = normalise(f"{prefix} {suffix}".replace(" & ", " and "))
    if suffix in ("ICB", "Integrated Care Board"):
        name = f"NHS {normalise(prefix).removeprefix('NHS ')} Integrated Care Board"
    elif suffix == "UHB":  # "Betsi Cadwaladr UHB"
        name = f"{normalise(prefix)} University Health Board"
    elif suffix in ("CCG", "Clinical Commissioning Group"):
        name = f"NHS {normalise(prefix).removeprefix('NHS ')} Clinical Commissioning Group"
    return name


# "Fortis and Waterloo Housing Associations", "Hastings & Eastbourne Borough Councils": two bodies
# that share a plural head.
_PLURAL_HEADS = {
    "Housing Associations": "Housing Association",
    "Borough Councils": "Borough Council",
    "District Councils": "District Council",
    "County Councils": "County Council",
    "City Councils": "City Council",
    "NHS Foundation Trusts": "NHS Foundation Trust",
    "NHS Trusts": "NHS Trust",
    "Universities": "University",
}
_PLURAL = re.compile(
    r"(?<![\w'-])(?P<first>[A-Z][\w'-]*(?:[ \t\u00a0][A-Z][\w'-]*){0,2}),?[ \t\u00a0]+(?:and|&)[ \t\u00a0]+"
    r"(?P<second>[A-Z][\w'-]*(?:[ \t\u00a0][A-Z][\w'-]*){0,2}?)[ \t\u00a0]+(?P<head>"
    + "|".join(map(re.escape, _PLURAL_HEADS))
    + r")(?![\w'-])"
)


def _plural_head_spans(text: str) -> list[tuple[int, int, str]]:
    """Each of two bodies named before one plural head, under its own name."""
    if not any(head in text for head in _PLURAL_HEADS):
        return []
    spans = []
    for match in _PLURAL.finditer(text):
        head = _PLURAL_HEADS[match["head"]]
        for part, end in (("first", match.end("first")), ("second", match.end("head"))):
            if match[part].split()[0].casefold() not in STOP_WORDS:
                spans.append((match.start(part), end, f"{normalise(match[part])} {head}"))
    return spans


def rule_spans(text: str, known: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Names no list can hold: "X Primary School", "X NHS Foundation Trust", "University of X"..."""
    spans = _plural_head_spans(text)
    stops = sorted(stop for _, stop, _ in known)
    starts = {start for start, _, _ in known}
    for start, stop, suffix in _suffixes(text):
        if suffix == "Police" and _WORD_AHEAD.match(text, stop):
            continue  # "the Scottish Police Service", "Home Office Police Main Grant": the name goes on
        if suffix == "College" and _OF_NAME_AHEAD.match(text, stop):
            continue  # "the Royal College of Midwifery": the name goes on, and the lists know it or not
        ahead = _WORD_AHEAD.match(text, stop) if suffix == "University" else None
        if ahead and ahead["word"] in ("Hospital", "Hospitals"):
            continue  # "Basildon University Hospital": a hospital, not a university
        run = _run_before(text, start, stops, commas=suffix in _LISTING_SUFFIXES, school_suffix=suffix in _SCHOOL_HEADS)
        if suffix in ("Police", "Constabulary") and len(run) == 1 and run[0].group().endswith("ing"):
            continue  # "A Consultation on Reforming Police": a verb, not a force's place
        first = _conjoined_first(text, run[0].start() if run else start)
        if first and run and not _is_specific(run):
            # "Exeter Consortium and Teaching Schools Alliance": two bodies, the second of the same place.
            place = first.group("first").split()[0]
            spans.append((first.start("first"), first.end("first"), normalise(first.group("first"))))
            spans.append((run[0].start(), stop, normalise(f"{place} {text[run[0].start() : stop]}")))
        elif run and _is_specific(run):
            end = _academy_place_end(text, stop, starts) if suffix == "Academy" else stop
            suffix = normalise(text[start:end])
            begin = run[0].start()
            if suffix in ("School", "Academy", "College"):
                begin = _the_of_the_name(text, begin)
            prefix = text[begin : run[-1].end()]
            spans.append((begin, end, _rule_name(prefix, suffix)))
    known_starts = {start for start, _, _ in known}
    for match in _UNIVERSITY_OF.finditer(text) if "University of" in text else ():
        place, end = _run_after(text, match.end())
        if place and match.start() in known_starts and place.split()[-1].casefold() not in _RUN_ON_HEADS:
            continue  # a listed university: "the University of Essex Agree New ..." is a headline's capitals
        if place:
            spans.append((match.start(), end, f"University of {place}"))
    known_ends = {end for _, end, _ in known}  # "Former Cambridgeshire County Council" is the council
    return [span for span in spans if span[1] not in known_ends]


# Words that make a longer body of a listed university's name: "University of Cambridge Local
# Examinations Syndicate", "University of Oxford Department of Education".
_RUN_ON_HEADS = HEAD_WORDS | frozenset(
    {"syndicate", "press", "department", "institute", "centre", "hospital", "hospitals"}
)


_OF_NAME_AHEAD = re.compile(r"[ \t\u00a0]+of[ \t\u00a0]+[A-Z]")
_THE_BEFORE = re.compile(r"(?<![\w-])The[ \t\u00a0]+$")
_SENTENCE_END = ".!?:;\n•*|#>–—"


def sentence_start(text: str, position: int) -> bool:
    """Whether `position` opens a sentence, a line or an item, where every word has a capital."""
    head = text[max(0, position - 12) : position].rstrip(" \t\u00a0\"'“‘([")
    if head[-1:] in ("-", "+"):  # "- Improve Scotland's capacity": a Markdown list's item
        bullet = head[:-1].rstrip(" \t\u00a0")
        if not bullet or bullet[-1] == "\n":
            return True
    return not head or head[-1] in _SENTENCE_END


def _the_of_the_name(text: str, start: int) -> int:
    """Where a school's name starts: "at The Bemrose School" keeps the "The" its writer capitalised
    mid-sentence; a sentence's or a heading's first "The" says nothing."""
    the = _THE_BEFORE.search(text, max(0, start - 8), start)
    if not the or sentence_start(text, the.start()):
        return start
    before = text[max(0, the.start() - 30) : the.start()].split()
    return start if before and before[-1][:1].isupper() else the.start()


def _conjoined_first(text: str, run_start: int) -> re.Match | None:
    """The body named just before "and" when it ends in a head word such as Consortium."""
    first = _CONJOINED.search(text, max(0, run_start - 80), run_start)
    if (
        first
        and first.end() == run_start
        and any(word.casefold() not in GENERIC_WORDS | STOP_WORDS for word in first.group("first").split()[:-1])
    ):
        return first
    return None


_SCHOOL_NAME = re.compile(r"\b(?:Schools?|Academy|Academies|Consortium|Learning Trust|Education Trust)\b")


def kind_by_suffix(name: str) -> str | None:
    """What sort of body a rule-found name is, from the word that ends it; None if no rule here says."""
    for marker, kind in _SUFFIX_KINDS:
        if marker in name:
            return kind
    return "school" if _SCHOOL_NAME.search(name) else None
