"""Bodies no list holds, known by their form in running text.

A run of capitalised words ending in a word that names a body ("Food for Life Partnership",
"Hospital Food Standards Panel", "BAE Systems plc", "Diabetes UK"), or starting with one
("Institute for Fiscal Studies"); a capitalised name before its own acronym in brackets
("Hospital Food Standards Panel (HFSP)"); a name a clause defines ("Kindred, a charity that ...",
"the housebuilder Gleeson Homes"). Each match looks at a window of bounded size around it, so the
work grows with the length of a post, not its square.
"""

from __future__ import annotations

import functools
import re

import ahocorasick

from indexer.organisations.rules import GENERIC_WORDS, HEAD_WORDS, ROLE_WORDS, STOP_WORDS, normalise, sentence_start

_CAPS = "A-ZÀ-ÖØ-Þ"
CAPITALISED = re.compile(rf"(?:St\.|[{_CAPS}][\w'-]*)$")
# Lower-case words a name may hold inside it: "Food for Life Partnership", "Save the Children Fund".
CONNECTORS = frozenset({"of", "for", "and", "&", "the", "on", "upon", "in", "de"})
# Heads that end a name and make it a body wherever a specific word comes before them.
STRONG_HEADS = frozenset(
    """Partnership Commission Trust Foundation Charity Association Society Network Alliance Institute
    Institution Federation Confederation Agency Authority Inquiry Secretariat Corporation""".split()
)
# Heads that end many a committee or meeting too: the name needs two capitalised words.
WEAK_HEADS = frozenset({"Panel", "Forum", "Group", "Organisation", "Organization"})
COMPANY_HEADS = frozenset({"Ltd", "Limited", "plc", "PLC", "Plc", "LLP", "CIC"})
# Heads that make a body only with its own acronym after it: "Youth Justice Board (YJB)", "Police
# Investigations and Review Commissioner (PIRC)", "Welsh Joint Examinations Committee (WJEC)".
ACRONYM_HEADS = frozenset(
    """Board Company Collaborative Service Commissioner Committee Council Inspectorate Unit Exams Examinations
    International""".split()
)
# Of those, the heads that name a body after "National" too: "National Ambulance Resilience Unit".
_NATIONAL_HEADS = frozenset({"Service", "Unit"})
# Of those, the heads a name may go on from with of/for when its acronym follows the whole name:
# "Council for Catholic Maintained Schools (CCMS)", "Joint Committee for Business Studies and Public
# Administration (JCBSPA)"; a "Council of the Isles" or "Committee of the Whole House" with none is not.
ACRONYM_OF_HEADS = frozenset({"Board", "Commissioner", "Committee", "Council"})
# Heads a name may go on from with of/for/on: "Institute for Fiscal Studies".
OF_HEADS = frozenset(
    """Association Society Institute Institution Commission Foundation Alliance Federation Confederation
    Trust Office Centre Inquiry Secretariat Bank Chamber Group""".split()
)
# Heads that name a body only with of/for after them: "Office for Veterans' Affairs", not "Back Office";
# "Centre for Cities", not "Civic Centre"; "Bank of America", not "Food Bank"; "Sheffield Chamber of
# Commerce", not "Council Chamber".
OF_ONLY_HEADS = frozenset({"Office", "Centre", "Bank", "Chamber"})
# A club is a body where a sport names it: "Saracens Rugby Club", not "Breakfast Club".
SPORTS = frozenset(
    """Rugby Football Cricket Golf Tennis Hockey Netball Basketball Athletic Athletics Rowing Swimming Boxing
    Sports Sporting Bowls Cycling Sailing Yacht""".split()
)
# A nation ending a name makes it a body as "UK" does: "Trading Standards Scotland", "Careers Wales".
NATION_HEADS = frozenset({"England", "Scotland", "Wales", "Cymru", "Northern Ireland"})
_ALL_HEADS = STRONG_HEADS | WEAK_HEADS | COMPANY_HEADS | ACRONYM_HEADS | OF_ONLY_HEADS | NATION_HEADS | {"UK", "Club"}
# Words that say what a body does, not which one it is: "the Local Housing Authority" names none.
FORM_GENERIC = GENERIC_WORDS | frozenset(
    """housing planning highways highway transport waste licensing adoption fostering safeguarding
    wellbeing commissioning procurement finance audit standards strategic customer revenues benefits
    environmental development economic regeneration policy research data enterprise safety private
    mutual charitable support advisory steering working reference project task focus user peer member
    members employment supply recruitment crime appeals appeal review expert selection interview
    stakeholder citizens residents carer carers provider providers north south east west northern
    southern eastern western central greater mid upper lower multi-agency partnership partnerships
    joint area areas place places neighbourhood neighbourhoods building trust public private
    voluntary professional professionals local national international global european british
    english scottish welsh irish wide wider strong stronger good effective successful close closer real
    true genuine formal informal existing current previous proposed potential possible key same
    different open honest shared equal fair total overall proper lasting long short general tier""".split()
)
_ROLE_LIKE = ROLE_WORDS | {
    "chief",
    "ceo",
    "chairman",
    "chairwoman",
    "founder",
    "spokesperson",
    "spokesman",
    "commissioner",
    "commissioners",
}
_CAPITAL_AHEAD = re.compile(rf"[ \t\u00a0]+(?P<word>[{_CAPS}][\w'-]*)")
_ACRONYM_AHEAD = re.compile(r"(?:'s)?[ \t\u00a0]*\((?:the[ \t\u00a0]+)?(?P<abbr>[A-Z][A-Za-z&]{1,9})\)")
# Lower-case words after a head that make it an everyday noun: "Partnership working", "Foundation year".
_COMPOUND_AHEAD = re.compile(
    r"[ \t\u00a0]+(?:working|work|funding|degree|year|years|course|stage|level|status|approach|arrangements?|"
    r"agreements?|model|models|principles?|culture|boards?|meetings?)\b"
)
_OF_AHEAD = re.compile(r"[ \t\u00a0]+(?:of|for|on)[ \t\u00a0]+(?:the[ \t\u00a0]+)?")
# "Independent Inquiry into Child Sexual Abuse": an inquiry's subject follows "into".
_INTO_AHEAD = re.compile(r"[ \t\u00a0]+(?:into|on)[ \t\u00a0]+(?:the[ \t\u00a0]+)?")
_WINDOW = 160  # characters a rule looks back or ahead from one match: what keeps it linear
_TOKEN = re.compile(r"\S+")

# "Kindred, a charity that ...", "Gleeson Homes, the housebuilder": what a defining clause calls a body.
CHARITY_NOUNS = (
    "charity|charities|social enterprise|community interest company|non-profit|not-for-profit|foundation|trust"
)
COMPANY_NOUNS = (
    "company|firm|housebuilder|developer|consultancy|contractor|supplier|retailer|supermarket|bank|"
    "manufacturer|publisher|business|provider|operator|insurer|start-up|startup|caterer"
)
OTHER_NOUNS = (
    "alliance|partnership|organisation|organization|network|campaign|campaign group|think tank|"
    "membership body|body|association|society|cooperative|co-operative|union|collective"
)
_DEFINED_NOUN = rf"(?:{CHARITY_NOUNS}|{COMPANY_NOUNS}|{OTHER_NOUNS})"
# The words between the article and the noun describe it ("a national charity"); with "of" or the
# like they make a person's role ("Jane Smith, a trustee of the charity").
_DESCRIBING = r"(?:(?!(?:of|for|to|in|at|with|from|by|on|the|a|an)\b)[a-z][\w-]*[ \t\u00a0]+)"
_CLAUSE_LEAD = re.compile(rf",[ \t\u00a0]+(?:a|an|the)[ \t\u00a0]+{_DESCRIBING}{{0,3}}$")
_CLAUSE_END = re.compile(
    r"(?=[ \t\u00a0]*(?:[,.;:)!?\n]|$)|[ \t\u00a0]+(?:that|which|who|whose|for|working|based|in|set|founded|run|led|"
    r"with|supporting|helping|providing|dedicated|focused|from|of|on|at|to|and|specialising|specializing|owned|"
    r"funded|backed|behind|bringing|campaigning|offering|delivering|giving|running)\b)"
)
# For the recogniser's everyday words: "Contact, the charity for ..." (matched where the word ends).
DEFINING_CLAUSE = re.compile(
    rf",[ \t\u00a0]+(?:a|an|the)[ \t\u00a0]+{_DESCRIBING}{{0,3}}?{_DEFINED_NOUN}{_CLAUSE_END.pattern}"
)
_ARTICLE_LEAD = re.compile(
    rf"(?<![\w-])(?:(?:the|a|an|our|local)[ \t\u00a0]+{_DESCRIBING}{{0,2}}|(?:with|by|from|to|and)[ \t\u00a0]+{_DESCRIBING}{{0,2}})$"
)
_NAME_AHEAD = re.compile(rf"[ \t\u00a0]+(?:(?:called|named)[ \t\u00a0]+)?(?=[{_CAPS}])")
_JOINED = re.compile(r"[a-z]{2}[A-Z][a-z]{2}")  # two words a copy ran together: "EnglandHomes"
_OF_BEFORE = re.compile(r"(?:^|\s)(?:of|for|and|&)[ \t\u00a0]+$")
_PREPOSITION_BEFORE = re.compile(r"(?:^|\s)(?:in|at|from|near|outside|around|across|to|into)[ \t\u00a0]+$", re.I)


_LISTED_WORD = re.compile(rf"[{_CAPS}][\w'-]*,$")
_SLASHED = re.compile(r".*/[A-Z][\w'-]*$")


def _run_before(text: str, end: int, touching: bool = False, whole: bool = False) -> list[tuple[int, int, str]]:
    """The capitalised words (with connectors inside) that end just before `end`, on one line, as
    (start, end, word), cut back to where a name can start.

    With `touching`, the last word may end at `end` itself ("Kindred" before ", a charity"); with
    `whole`, an "and" between two heads does not cut it (its acronym will say where it starts)."""
    start = max(0, end - _WINDOW)
    run: list[tuple[int, int, str]] = []
    boundary = end
    for token in reversed(list(_TOKEN.finditer(text[start:end]))):
        token_start, token_end = start + token.start(), start + token.end()
        gap = text[token_end:boundary]
        if (
            (not gap and not (touching and not run))
            or gap.strip(" \t\u00a0")
            or (token_start == start and start > 0 and not text[start - 1].isspace())
        ):
            break
        word = token.group()
        if not (CAPITALISED.match(word) or (word in CONNECTORS and run)):
            if _SLASHED.match(word):
                return []  # "Maze/Long Kesh Development Corporation": a name this cannot read whole
            if (
                run
                and _LISTED_WORD.match(word)
                and run[0][2][0].isupper()
                and any(w in ("and", "&") for _, _, w in run)
            ):
                # "Information, Advice and Support Service Network": the name began before the comma,
                # unless a role ends there ("Chief Executive, West Yorkshire and Harrogate ...") or
                # cuts the run ("Webster, Chief Executive of West Yorkshire and ...").
                trimmed = _trim(text, run, whole)
                if _bare(word).casefold() in _ROLE_LIKE:
                    return trimmed
                return trimmed if trimmed and trimmed[0][0] > run[0][0] and trimmed[0][2] not in CONNECTORS else []
            break
        run.insert(0, (token_start, token_end, word))
        boundary = token_start
        if len(run) >= 12:
            break
    return _trim(text, run, whole)


def _run_after(text: str, start: int) -> list[tuple[int, int, str]]:
    """The capitalised words (with connectors inside) from `start`, on one line: "Fiscal Studies"."""
    run: list[tuple[int, int, str]] = []
    position = start
    for token in _TOKEN.finditer(text[start : start + _WINDOW]):
        token_start, token_end = start + token.start(), start + token.end()
        gap = text[position:token_start]
        if (run and not gap) or gap.strip(" \t\u00a0"):
            break
        word = token.group()
        bare = word.rstrip(".,;:!?)\"'")
        bare = bare[:-2] if bare.endswith("'s") else bare
        if word == bare + "'" and _CAPITAL_AHEAD.match(text, token_end):
            bare = word  # "Office for Veterans' Affairs": a plural's apostrophe inside a name
        elif word == bare + "'s" and run and _CAPITAL_AHEAD.match(text, token_end):
            bare = word  # "Commission for Developing Scotland's Young Workforce"
        if not (CAPITALISED.match(bare) or (bare in CONNECTORS and run)) or bare.casefold() in STOP_WORDS - CONNECTORS:
            break
        if bare in CONNECTORS and run[-1][2] in CONNECTORS:
            break  # "Institute for Government and the King's Fund": "and the" starts another name
        if run and run[-1][2] in ("and", "&") and len(bare) > 1 and bare.isupper():
            run.pop()  # "... of Voluntary Organisations and NAVCA": an acronym after "and" is another body
            break
        if bare in _ALL_HEADS or bare.casefold() in HEAD_WORDS:
            joined = [i for i, (_, _, w) in enumerate(run) if w in ("and", "&")]
            if joined:
                run = run[: joined[-1]]  # "Bank of America and Man Group": the head starts another name
                break
        run.append((token_start, token_start + len(bare), bare))
        position = token_end
        if bare != word or len(run) >= 10:
            break
    while run and run[-1][2] in CONNECTORS:
        run.pop()
    return run


_DESCRIPTION = re.compile(r"-(?:based|led|owned|funded|backed|run|born)$")


def _trim(text: str, run: list[tuple[int, int, str]], whole: bool = False) -> list[tuple[int, int, str]]:
    """Cut a run back to where a name can start: after "At", "Our", a role ("Chief Executive of")."""
    keep = 0
    for i, (start, _, word) in enumerate(run):
        folded = word.casefold()
        if _DESCRIPTION.search(word):
            keep = i + 1  # "Hirwaun-based Walters Group": the description is no part of the name
        elif word == "the" and i and run[i - 1][2] not in CONNECTORS:
            keep = i + 1  # "in Selly Park the National Flood Forum": a place, then the name
        elif word == "CEO" and i + 1 < len(run):
            keep = i + 1  # "CEO Simon Community Scotland": the role before the name
        elif word == "The" and i == 0 and not sentence_start(text, start):
            keep = i  # "at The Bemrose School": the writer's capital makes it part of the name
        elif word[0].isupper() and folded in STOP_WORDS and folded != "and":
            keep = i + 1
        elif folded in ("of", "for") and i and run[i - 1][2].casefold() in _ROLE_LIKE:
            keep = i + 1
        elif folded in ("and", "&") and i and len(run[i - 1][2]) > 1 and run[i - 1][2].isupper():
            keep = i + 1  # "DWP and Social Security Scotland": an acronym is a whole name of its own
        elif (
            not whole
            and folded in ("and", "&")
            and any(w in _ALL_HEADS or w.casefold() in HEAD_WORDS for _, _, w in run[keep:i])
        ):
            keep = i + 1  # "Exeter Consortium and Teaching Schools Alliance", "Bank of America and Man Group"
    run = run[keep:]
    while run and run[0][2] in CONNECTORS:
        run = run[1:]
    while run and run[-1][2] in CONNECTORS:
        run = run[:-1]
    return run


def _bare(word: str) -> str:
    word = word.rstrip(",")
    return word[:-2] if word.endswith("'s") else word


def _specific_words(text: str, run: list[tuple[int, int, str]], initial_counts: bool | "_EverydayWords") -> int:
    """How many words of a run say which body it is (not "Local", "Housing", or a sentence's first
    word). With `initial_counts` an `_EverydayWords`, a sentence's first word counts when the post
    never writes it in lower case and it does not read as a verb or an adverb ("Peabody Trust has
    ...", not "Building Trust with ...")."""
    count = 0
    for i, (start, _, word) in enumerate(run):
        folded = _bare(word).casefold()
        if not word[0].isupper() or folded in FORM_GENERIC or folded in STOP_WORDS or folded in _ROLE_LIKE:
            continue
        if i == 0 and initial_counts is not True and sentence_start(text, start):
            if not initial_counts or folded.endswith(("ing", "ed", "ly")) or initial_counts.everyday(folded):
                continue
        count += 1
    return count


class _EverydayWords:
    """The words a post writes in lower case, found once, when first asked for."""

    def __init__(self, text: str):
        self.text = text
        self.words: frozenset[str] | None = None

    def everyday(self, folded: str) -> bool:
        if self.words is None:
            self.words = frozenset(_LOWER_WORD.findall(self.text))
        return folded in self.words

    def __bool__(self) -> bool:
        return True


_LOWER_WORD = re.compile(r"(?<![\w'-])[a-z][a-z'-]*")


def _initials_match(run: list[tuple[int, int, str]], abbr: str) -> list[tuple[int, int, str]]:
    """The end of `run` whose capitalised words' initials spell the acronym's capitals, or []."""
    capitals = [c for c in abbr if c.isupper()]
    words = [i for i, (_, _, word) in enumerate(run) if word[0].isupper()]
    if len(capitals) < 2 or len(words) < len(capitals):
        return []
    chosen = words[len(words) - len(capitals) :]
    if [run[i][2][0] for i in chosen] != capitals:
        return []
    return run[chosen[0] :]


def _name(text: str, start: int, end: int) -> str:
    return normalise(text[start:end].replace(" & ", " and "))


@functools.cache
def _automaton(words: frozenset[str]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, word)
    automaton.make_automaton()
    return automaton


def _whole_words(text: str, words: frozenset[str]) -> list[tuple[int, int, str]]:
    """Where any of `words` stands as a whole word in `text`, in one pass."""
    found = []
    for last, word in _automaton(words).iter(text):
        start, end = last - len(word) + 1, last + 1
        if (start == 0 or not _joins(text[start - 1])) and (end == len(text) or not _joins(text[end], after=True)):
            found.append((start, end, word))
    return found


def _joins(char: str, after: bool = False) -> bool:
    """Whether `char` makes a word of the letters beside it ("Trusted"); a possessive after a
    word leaves it whole ("Trust's")."""
    return char.isalnum() or char in ("_-" if after else "_-'")


_NOUNS = frozenset(f"{CHARITY_NOUNS}|{COMPANY_NOUNS}|{OTHER_NOUNS}".split("|"))
_WATCHED = _ALL_HEADS | _NOUNS  # every word a form rule starts from, found in one pass


# "investors including Schroders, Man Group and M&G": what the bodies are, then a list of their names.
_LIST_LEAD = re.compile(
    r"(?<![\w-])(?:[Cc]ompanies|[Ff]irms|[Ii]nvestors|[Bb]anks|[Ll]enders|[Ii]nsurers|[Dd]evelopers|[Hh]ousebuilders|"
    r"[Cc]ontractors|[Cc]onsultants|[Cc]onsultancies|[Ss]uppliers|[Cc]harities|[Aa]sset managers|[Ff]und managers|"
    r"[Rr]etailers|[Ss]upermarkets|[Mm]anufacturers|[Oo]perators)(?: and [a-z]+)?,?[ \t\u00a0]+"
    r"(?:including|include|includes|included|such as|like)[ \t\u00a0]+"
)
_LIST_ITEM = re.compile(
    rf"[{_CAPS}][\w'&-]*(?:[ \t\u00a0]+(?:[{_CAPS}][\w'&-]*|of|and|&|for)){{0,4}}?"
    r"(?=,[ \t\u00a0]|[ \t\u00a0]+(?:and|&)[ \t\u00a0]|[ \t\u00a0]*[.;:)\n]|[ \t\u00a0]+(?:are|were|have|has|to|in|on|who|which|that)\b|$)"
)
_LIST_JOIN = re.compile(r",?[ \t\u00a0]+(?:and|&)[ \t\u00a0]+|,[ \t\u00a0]+")


# "private investors EDF, Centrica, La Caisse and Amber Infrastructure": the plural noun right before
# a list of three or more names, with no "including", written in lower case mid-sentence.
_BARE_LIST_NOUNS = frozenset(
    """companies firms investors banks lenders insurers developers housebuilders contractors consultancies
    suppliers charities retailers supermarkets manufacturers operators""".split()
) | {"housing associations"}
_WATCHED_AND_LEADS = _WATCHED | _BARE_LIST_NOUNS
_LOWER_BEFORE = re.compile(r"[a-z,][ \t\u00a0]$")
_CAPITAL_NEXT = re.compile(r"[ \t\u00a0]+(?=[A-Z])")


def _listed_names(
    text: str, places: frozenset[str], bare_leads: list[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    """ "contractors including Walters Group, Atkins, Arcadis and Mott MacDonald": each name in a list
    that says what its members are. The list is read for at most a few hundred characters."""
    spans = []
    leads = (
        [(lead, 1) for lead in _LIST_LEAD.finditer(text)]
        if "nclud" in text or "such as" in text or " like " in text
        else []
    )
    for start, end, _ in bare_leads:
        lead = _CAPITAL_NEXT.match(text, end)
        if lead and _LOWER_BEFORE.search(text, max(0, start - 2), start):
            leads.append((lead, 3))
    for lead, fewest in leads:
        position, limit = lead.end(), min(len(text), lead.end() + 300)
        before = len(spans)
        for _ in range(12):
            item = _LIST_ITEM.match(text, position, limit)
            if not item:
                break
            words = [
                (m.start() + item.start(), m.end() + item.start(), m.group()) for m in _TOKEN.finditer(item.group())
            ]
            words = _trim(text, words)
            if words and _specific_words(text, words, True) and not _is_place(words, places):
                spans.append((words[0][0], words[-1][1], _name(text, words[0][0], words[-1][1])))
            joined = _LIST_JOIN.match(text, item.end())
            if not joined:
                break
            position = joined.end()
        if len(spans) - before < fewest:
            del spans[before:]
    return spans


# "check they're from one of the following companies:" and a bulleted list of their names.
_BULLETED_LEAD = re.compile(
    r"(?<![\w-])following (?:companies|firms|organisations|organizations|bodies|charities|agencies|providers|"
    r"suppliers|insurers|lenders|banks)(?:[ \t\u00a0]+[a-z]+){0,3}[ \t\u00a0]*:[ \t\u00a0]*\n"
)
_BULLETED_ITEM = re.compile(
    rf"(?:[ \t\u00a0]*\n)*[ \t\u00a0]*[-*•+][ \t\u00a0]+(?P<name>[{_CAPS}][^\n:;]{{0,80}}?)[ \t\u00a0]*[,.;]?[ \t\u00a0]*(?=\n|$)"
)


def _bulleted_names(text: str, places: frozenset[str]) -> list[tuple[int, int, str]]:
    """ "one of the following companies:" then "* Jacobs Enforcement" on each line: each item that
    reads as a name is a body. Twenty lines at most are read."""
    spans = []
    for lead in _BULLETED_LEAD.finditer(text) if "following" in text else ():
        position = lead.end() - 1
        for _ in range(20):
            item = _BULLETED_ITEM.match(text, position)
            if not item:
                break
            position = item.end()
            words = [
                (m.start() + item.start("name"), m.end() + item.start("name"), m.group())
                for m in _TOKEN.finditer(item["name"])
            ]
            if len(words) > 8 or any(w.casefold() in STOP_WORDS - CONNECTORS for _, _, w in words[1:]):
                continue  # a sentence, not a name
            if _specific_words(text, words, True) and not _is_place(words, places):
                spans.append((words[0][0], words[-1][1], _name(text, words[0][0], words[-1][1])))
    return spans


# "Jim Reid - General Secretary, Teachers Union Scotland", "- Adam Sampson, Chief Executive, Shelter": a
# list of who came, each line a person, a dash or comma, their roles and, after the last comma,
# their body (and perhaps a note in brackets: "(deputising for ...)").
# The start of a line (perhaps a bullet), a capitalised word, and one more after a space: the pieces
# of "- Adam Sampson, Chief Executive, Shelter".
_LINE_START = r"^[ \t\u00a0]*(?:[-*•][ \t\u00a0]+)?"
_NAME_WORD = rf"[{_CAPS}][\w'-]+"
_MORE_NAME = rf"(?:[ \t\u00a0]+{_NAME_WORD})"
_BODY = rf"(?P<body>[{_CAPS}][\w'&-]*(?:[ \t\u00a0]+(?:[{_CAPS}][\w'&-]*|of|for|and|the|in|&)){{0,8}})"
_ATTENDEE = re.compile(
    rf"{_LINE_START}{_NAME_WORD}{_MORE_NAME}{{1,3}},?"
    r"(?:[ \t\u00a0]+MSP|[ \t\u00a0]+MP)?"
    r"(?:[ \t\u00a0]+(?P<dash>[-–—])[ \t\u00a0]+|,[ \t\u00a0]+)(?P<role>[^\n]{2,120}?),[ \t\u00a0]+"
    rf"{_BODY}(?:[ \t\u00a0]+\([^()\n]{{1,60}}\))?[ \t\u00a0]*$",
    re.M,
)
# A role written before the body with no comma: "Lorraine McGrath, CEO Simon Community Scotland".
_ROLE_BEFORE_BODY = re.compile(
    rf"{_LINE_START}{_NAME_WORD}{_MORE_NAME}{{1,3}},[ \t\u00a0]+(?:CEO|Chief Executive)[ \t\u00a0]+{_BODY}[ \t\u00a0]*$",
    re.M,
)
_ROLE_IN_LIST = re.compile(
    r"\b(?:[Cc]hief|[Ee]xecutive|[Dd]irector|[Cc]hair|[Cc]hairman|[Cc]hairwoman|[Ss]ecretary|[Pp]resident|[Ll]ead|"
    r"[Ll]eader|[Hh]ead|[Mm]anager|[Oo]fficer|[Cc]onvener|[Ss]pokesperson|[Rr]epresentative|CEO|[Tt]rustee|"
    r"[Cc]ommissioner|[Pp]rincipal|[Pp]rofessor)\b"
)


# Words that open a role, not a body: "Cabinet Secretary for Housing", "Co-Chair".
ROLE_OPENING = re.compile(
    r"(?:Cabinet|Secretary|Minister|Deputy|Co-Chair|Chair|Chairman|Chairwoman|Vice|Head|Director|Chief|CEO|SRO|Lead|"
    r"Leader|Spokesperson|Convener|Councillor|Cllr|Member|Officer|Manager|Adviser|Advisor)$"
)


def _attendee_bodies(text: str, places: frozenset[str]) -> list[tuple[int, int, str]]:
    """The bodies in a list of who came to a meeting, one person a line (each line read once)."""
    spans = []
    lines = [line for line in _ATTENDEE.finditer(text) if _ROLE_IN_LIST.search(line["role"])] if ", " in text else []
    for line in lines + list(_ROLE_BEFORE_BODY.finditer(text)):
        words = [
            (m.start() + line.start("body"), m.end() + line.start("body"), m.group())
            for m in _TOKEN.finditer(line["body"])
        ]
        while words and words[-1][2] in CONNECTORS:
            words.pop()
        if not words or ROLE_OPENING.match(words[0][2]) or _UNIT_WORD.match(words[-1][2]):
            continue  # "Cabinet Secretary for Housing", "Police Division": a role or a host's own unit
        headed = (
            is_head_word(words[0][2]) or is_head_word(words[-1][2]) or words[-1][2] in NATION_HEADS | _MORE_BODY_ENDINGS
        )
        if "dash" in line.re.groupindex and not line["dash"]:  # "Name, Role, Body"
            if len(words) == 1 or (not headed and any(w in ("and", "&") for _, _, w in words)):
                continue  # "Deputy Chief Constable, People and Professionalism", "Director, Housing": a portfolio
            if not headed and not _LEADS_A_BODY.search(line["role"]):
                continue  # "Deputy Director, Coherent Learning Provision": a civil servant's division
        if _specific_words(text, words, True) and not _is_place(words, places):
            spans.append((words[0][0], words[-1][1], _name(text, words[0][0], words[-1][1])))
    for line in _COUNCILLOR_OF.finditer(text) if "Cllr" in text or "Councillor" in text else ():
        place = line["place"]
        if place.casefold() in places:
            spans.append((line.start("place"), line.end("place"), f"{place} Council"))  # the place's council
    return spans


# Last words that say a body, besides the heads: "Brightwater Tenants Union", "Brightwater Advice Centre".
_MORE_BODY_ENDINGS = frozenset({"UK", "Union", "Unions", "Centre", "Services", "Ireland", "Company", "Ltd", "Limited"})
# Roles that lead a body of their own, so the name after them is a body even with no head word:
# "Jacob Lant, CEO, National Voices"; a deputy director's division is no body.
_LEADS_A_BODY = re.compile(
    r"\b(?:CEO|Chief Executive|Chair|Chairman|Chairwoman|President|Founder|Trustee|Co-Director)\b"
)
# A host's own units and portfolios, not bodies that came: "Police Division", "Bill Unit".
_UNIT_WORD = re.compile(r"(?:Division|Unit|Team|Directorate|Directorates|Region|Regions|Branch|Portfolio)$")
# "Cllr Charlie McCoubrey, Conwy": a councillor and the council's place.
_COUNCILLOR_OF = re.compile(
    rf"{_LINE_START}(?:Cllr\.?|Councillor)[ \t\u00a0]+{_NAME_WORD}{_MORE_NAME}{{0,3}},"
    rf"[ \t\u00a0]+(?P<place>[{_CAPS}][\w'-]*(?:[ \t\u00a0]+(?:of|and|upon|[{_CAPS}][\w'-]*)){{0,4}})[ \t\u00a0]*$",
    re.M,
)


# "Chief Executive of Rightacres Property Company": what a chief executive leads is a body.
_CHIEF_EXECUTIVE_OF = re.compile(r"Chief Executive(?: Officer)? of[ \t\u00a0]+(?:the[ \t\u00a0]+)?")


def _led_bodies(text: str, places: frozenset[str]) -> list[tuple[int, int, str]]:
    """The body named after "Chief Executive of", where its words say which body (not a place)."""
    spans = []
    for lead in _CHIEF_EXECUTIVE_OF.finditer(text) if "Chief Executive" in text else ():
        run = _run_after(text, lead.end())
        if run and _specific_words(text, run, True) and not _is_place(run, places):
            spans.append((run[0][0], run[-1][1], _name(text, run[0][0], run[-1][1])))
    return spans


def form_spans(text: str, places: frozenset[str] = frozenset()) -> list[tuple[int, int, str]]:
    """Names found by their form, as (start, end, name): the recogniser decides overlaps."""
    hits = _whole_words(text, _WATCHED_AND_LEADS)  # one pass, not a regex tried at each place
    bare_leads = [hit for hit in hits if hit[2] in _BARE_LIST_NOUNS]
    spans = _listed_names(text, places, bare_leads) + _bulleted_names(text, places) + _attendee_bodies(text, places)
    spans += _led_bodies(text, places)
    everyday = _EverydayWords(text)
    for start, end, word in hits:
        if word not in _WATCHED:
            continue
        if word in _ALL_HEADS:
            span = _head_span(text, start, end, word, places, everyday)
        else:
            span = (
                _defined_after(text, start, end, places)
                or _defined_before(text, start, end, places)
                or _named_before_noun(text, start, end, word, places)
            )
        if span:
            spans.append(span)
    return spans


# States whose names end in a head word: the country, not a body.
_STATES = frozenset({"Russian Federation", "Swiss Confederation"})


def _head_span(
    text: str, start: int, end: int, word: str, places: frozenset[str], everyday: "_EverydayWords"
) -> tuple[int, int, str] | None:
    """The name a head word ends ("Food for Life Partnership") or starts ("Institute for Fiscal
    Studies"), or that its acronym after it defines; None where the words name no one body."""
    if word in ("Federation", "Confederation") and any(text.startswith(state, end - len(state)) for state in _STATES):
        return None  # "Russian Federation forces": a state
    acronym = _ACRONYM_AHEAD.match(text, end)
    if acronym and sum(c.isupper() for c in acronym["abbr"]) < 2:
        acronym = None  # "National Careers Service (England)": a place in brackets, not an acronym
    if word in ACRONYM_OF_HEADS and not acronym:
        of = _OF_AHEAD.match(text, end)
        return _named_by_acronym_after(text, start, end, word, of.end(), may_open=True) if of else None
    of = (_INTO_AHEAD if word == "Inquiry" else _OF_AHEAD).match(text, end) if word in OF_HEADS else None
    if of:
        # "Northern Ireland Commission for Catholic Education (NICCE)": the acronym says where it ends.
        named = _named_by_acronym_after(text, start, end, word, of.end(), may_open=word not in OF_ONLY_HEADS)
        if named:
            return named
    if of and word == "Centre" and "for" not in of.group():
        of = None  # "Centre for Cities" is a body, a "Centre of Excellence" is not
    if of and word == "Chamber" and not text.startswith("Commerce", of.end()):
        of = None  # "Chamber of Commerce" is a body, the "Chamber of the House" is not
    if not acronym and not of and (word in ACRONYM_HEADS or word in OF_ONLY_HEADS) and word not in _NATIONAL_HEADS:
        return None  # "County Council", "Back Office": the commonest heads, settled without looking back
    run = _run_before(text, start)
    if word in _NATIONAL_HEADS and not acronym:
        # "National Careers Service", "Paladin National Stalking Advocacy Service", "National Ambulance
        # Resilience Unit": a national service or unit names a body; a council's "Family Information
        # Service" is one of its teams.
        national = next((i for i, (_, _, w) in enumerate(run) if w == "National"), None)
        ahead = _CAPITAL_AHEAD.match(text, end)
        if national is None or not _specific_words(text, run[national + 1 :], True) or ahead:
            return None
        first = national
        while first and run[first - 1][2] not in CONNECTORS and _specific_words(text, [run[first - 1]], everyday):
            first -= 1  # "Paladin National Stalking Advocacy Service", not "Call the National ..."
        return run[first][0], end, _name(text, run[first][0], end)
    if acronym:
        named = _initials_match([*_run_before(text, start, whole=True), (start, end, word)], acronym["abbr"])
        if named and any(_bare(w).casefold() not in GENERIC_WORDS for _, _, w in named):
            return named[0][0], end, _name(text, named[0][0], end)
    if of:
        after = _run_after(text, of.end())
        if after and _specific_words(text, after, True):
            return (run[0][0] if run else start), after[-1][1], _name(text, run[0][0] if run else start, after[-1][1])
    if not run or word in ACRONYM_HEADS or word in OF_ONLY_HEADS:
        return None
    ahead = _CAPITAL_AHEAD.match(text, end)
    if ahead and ahead["word"].casefold() not in _ROLE_LIKE:
        return None  # the name goes on ("Trust Fund", "Panel Meeting") or a heading in capitals
    if (
        word in NATION_HEADS
        and (
            not _specific_words(text, run, everyday)
            or (len(run) == 1 and sentence_start(text, run[0][0]))  # "Discover Scotland with us"
            or any(w in ("in", "on", "upon") or _JOINED.search(w) for _, _, w in run)
            or text[max(0, run[0][0] - 2) : run[0][0]] in ("A ", "a ")  # "A Healthier Wales": a plan's title
            or (len(run) == 1 and run[0][2].endswith("ing"))  # "Refreshing Scotland's digital strategy"
            or any(_bare(w).casefold() in _ROLE_LIKE for _, _, w in run)  # "Chief Nursing Officer England"
        )
    ):
        return None  # "Strengthening Scotland's place", "Onllwyn Washery in South Wales"
    if word in COMPANY_HEADS or word == "UK" or word in NATION_HEADS:
        if not _specific_words(text, run, True):
            return None
        if word in NATION_HEADS and (
            _PREPOSITION_BEFORE.search(text[max(0, start - 12) : start])
            or _OF_BEFORE.search(text[max(0, start - 6) : start])
        ):
            return None  # "Made in Scotland", "Church of Scotland", "across Wales"
        if word in NATION_HEADS | {"UK"} and all(
            _bare(w).casefold() in places or _bare(w).casefold() in FORM_GENERIC for *_, w in run
        ):
            return None  # "London UK", "North Wales" are places
    elif word in WEAK_HEADS and (
        len(run) < 2
        or (run[0][2] in NATION_HEADS and _PREPOSITION_BEFORE.search(text[max(0, run[0][0] - 12) : run[0][0]]))
    ):
        return None  # "Steering Group", "policing in Scotland Ministerial Group": no name before the head
    elif word == "Club":
        if len(run) < 2 or run[-1][2] not in SPORTS or not _specific_words(text, run[:-1], True):
            return None
    elif not _specific_words(text, run, False):
        # Only a sentence's first word says which body: "Peabody Trust has ...", but not "Open
        # Partnership working is key" or "Good Partnership work takes time".
        if not _specific_words(text, run, everyday) or _COMPOUND_AHEAD.match(text, end):
            return None
    return run[0][0], end, _name(text, run[0][0], end)


def _named_by_acronym_after(
    text: str, start: int, end: int, word: str, after_start: int, may_open: bool = False
) -> tuple[int, int, str] | None:
    """ "Global Centre of Rail Excellence (GCRE)": a name its own acronym follows is a body, even with
    a head that alone names none. With `may_open`, the head may open the name ("Council for
    Catholic Maintained Schools (CCMS)")."""
    after = _run_after(text, after_start)
    acronym = _ACRONYM_AHEAD.match(text, after[-1][1]) if after else None
    if not acronym:
        return None
    named = _initials_match([*_run_before(text, start), (start, end, word), *after], acronym["abbr"])
    if not named or (named[0][0] >= start and not may_open) or not _specific_words(text, named, True):
        return None  # "Centre of Excellence (CoE)" names no one body
    return named[0][0], after[-1][1], _name(text, named[0][0], after[-1][1])


def _defined_after(text: str, start: int, end: int, places: frozenset[str]) -> tuple[int, int, str] | None:
    """ "Kindred, a charity that ...": the capitalised name a defining clause follows."""
    lead = _CLAUSE_LEAD.search(text, max(0, start - 60), start)
    if not lead or not _CLAUSE_END.match(text, end):
        return None
    run = _run_before(text, lead.start(), touching=True)
    if not run or len(run) > 5 or not _specific_words(text, run, True):
        return None
    before = text[max(0, run[0][0] - 12) : run[0][0]]
    if _PREPOSITION_BEFORE.search(before) or _is_place(run, places):
        return None  # "In Leeds, a charity ..." is a place
    return run[0][0], run[-1][1], _name(text, run[0][0], run[-1][1])


def _defined_before(text: str, start: int, end: int, places: frozenset[str]) -> tuple[int, int, str] | None:
    """ "the housebuilder Gleeson Homes", "a charity called Zest": the name after what it is."""
    ahead = _NAME_AHEAD.match(text, end)
    if not ahead or not _ARTICLE_LEAD.search(text, max(0, start - 50), start):
        return None
    run = _run_after(text, ahead.end())
    if run and (run[0][2] == "The" or run[0][2].casefold() in STOP_WORDS):
        run = run[1:]
    if run and _bare(run[0][2]).casefold() in _ROLE_LIKE:
        return None  # "the charity Chief Executive Jane Smith" names a person
    if not run or len(run) > 5 or not _specific_words(text, run, True) or _is_place(run, places):
        return None
    return run[0][0], run[-1][1], _name(text, run[0][0], run[-1][1])


# "the successful Booktrust charity with ...": a name between "the" and what it is, the noun ending
# the phrase (not "the Oxfam charity shop").
_NOUN_AFTER_NAME = frozenset({"charity", "social enterprise", "housebuilder", "think tank", "consultancy"})
_OCCASIONS = frozenset({"christmas", "easter", "diwali", "eid", "ramadan", "jubilee", "coronation", "remembrance"})
_THE_LEAD = re.compile(rf"(?<![\w-])the[ \t\u00a0]+{_DESCRIBING}{{0,2}}$")
_PHRASE_END = re.compile(
    r"[ \t\u00a0]*(?:[,.;:)!?\n]|$)|[ \t\u00a0]+(?:with|will|has|had|have|is|was|which|that|who|to|in|for|and|said|says|"
    r"runs|ran|said|provides|offers|works|worked|led|leads)\b"
)


def _named_before_noun(
    text: str, start: int, end: int, word: str, places: frozenset[str]
) -> tuple[int, int, str] | None:
    if word not in _NOUN_AFTER_NAME or not _PHRASE_END.match(text, end) or start < 2 or text[start - 1] != " ":
        return None
    run = _run_before(text, start - 1, touching=True)
    if not run or len(run) > 4 or not _specific_words(text, run, True) or _is_place(run, places):
        return None
    if any(_bare(w).casefold() in _OCCASIONS for _, _, w in run):
        return None  # "the Christmas charity" is an occasion's giving
    if not _THE_LEAD.search(text, max(0, run[0][0] - 40), run[0][0]):
        return None
    return run[0][0], run[-1][1], _name(text, run[0][0], run[-1][1])


def _is_place(run: list[tuple[int, int, str]], places: frozenset[str]) -> bool:
    return " ".join(w for _, _, w in run).casefold() in places


def is_head_word(word: str) -> bool:
    """Whether a word ends or starts a body's name ("Group", "Trust", "Council")."""
    return word in _ALL_HEADS or word.casefold() in HEAD_WORDS


_KIND_BY_HEAD = (
    (COMPANY_HEADS | {"Bank"}, "company"),
    (frozenset({"UK", "Foundation", "Charity"}), "charity"),
    (
        frozenset(
            {"Association", "Society", "Network", "Alliance", "Institute", "Institution", "Federation"}
            | {"Confederation", "Forum"}
        ),
        "sector body",
    ),
)
_SCHOOL_TRUST = re.compile(r"\b(?:Academy|Academies|Learning|Education|Schools?)\b")
_HEALTH_TRUST = re.compile(r"\b(?:NHS|Health|Healthcare|Hospitals?|Ambulance|Care)\b")


_MISSION = re.compile(r"(?:British (?:Embassy|High Commission|Consulate)|Embassy of|Government of) ")


def kind_by_form(name: str) -> str | None:
    """What sort of body a name found by its form is, from its head word; None where it does not say."""
    if _MISSION.match(name):
        return "international"
    words = name.split()
    for word in reversed(words):
        if word == "Trust":
            if _SCHOOL_TRUST.search(name):
                return "school"
            return "nhs body" if _HEALTH_TRUST.search(name) else "charity"
        for heads, kind in _KIND_BY_HEAD:
            if word in heads:
                return kind
        if word in _ALL_HEADS:
            return None
    return None
