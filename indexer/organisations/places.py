"""Councils named by their place: "Bristol council", "Kingston and Sutton councils", "four
councils, East Sussex, Eastbourne, Rother and Wealden".

Writers name a council by the place it serves and the everyday word "council"; this finds the
places and gives each the official name of the one principal council the gazetteer knows for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import ahocorasick

# How a council's official name wraps the place it serves.
_COUNCIL_FORMS = re.compile(
    r"^(?:(?:London |Royal )?Borough of |City of |City and County of |County of )?(?P<place>.+?)"
    r"(?: (?:City|County|Borough|District|Metropolitan Borough|County Borough|London Borough) Council| Council)?$"
)
# The kinds of a principal council, the first of the recogniser's KINDS (recognise.py).
PRINCIPAL_COUNCIL_KINDS = (
    "county council",
    "district council",
    "unitary council",
    "metropolitan council",
    "london borough",
    "welsh council",
    "scottish council",
    "northern irish council",
)


def council_places(kinds: dict[str, str], aliases: dict[str, list[str]]) -> dict[str, str]:
    """Each place and the one principal council that serves it: "bristol" -> Bristol City Council.

    A place two councils could claim (a city and its county with one name) is left out."""
    places: dict[str, set[str]] = {}
    for name, kind in kinds.items():
        if kind not in PRINCIPAL_COUNCIL_KINDS:
            continue
        for alias in (name, *aliases[name]):
            if "Council" not in alias and not alias.startswith(("London Borough", "Royal Borough", "City of")):
                continue
            place = _COUNCIL_FORMS.match(alias)["place"]
            if place != alias:
                places.setdefault(place.casefold(), set()).add(name)
    return {place: next(iter(names)) for place, names in places.items() if len(names) == 1 and place not in REGIONS}


# Places with many councils: "a London council" is any one of them.
REGIONS = frozenset({"london", "england", "wales", "scotland", "northern ireland", "city"})
# "Kingston and Sutton councils", "Bristol council": places, then the everyday word for their councils.
_COUNCIL_WORD = re.compile(r"ouncil")  # a literal, which the regex engine finds fast
_AUTHORITIES_WORD = re.compile(r"uthorities")
_COUNCIL_USE = re.compile(r"(?:councils?|Councils|authorities)(?![\w-])")
_WORDS = re.compile(r"\S+")
_PLACE_TOKEN = re.compile(r"[A-ZÀ-ÖØ-Þ][\w'-]*,?|and|&|upon|on|the")


def _joins_word(char: str) -> bool:
    return char.isalnum() or char in "_-"


def place_council_spans(text: str, councils: dict[str, str]) -> list[tuple[int, int, str]]:
    """ "Bristol council" is Bristol City Council; "Kingston and Sutton councils" are both councils,
    and so are "4 local councils, East Sussex, Eastbourne, Rother and Wealden" and "the four
    authorities – Torfaen, Monmouthshire and Newport" (every place in the list a council's).

    Only places the gazetteer knows one council of; a lone place before "councils" (the councils
    in Devon) names no one body. Each match looks at most a dozen words away. `councils` is what
    `council_places` makes of the gazetteer."""
    spans = []
    triggers = [*_COUNCIL_WORD.finditer(text), *(_AUTHORITIES_WORD.finditer(text) if "authorities" in text else ())]
    for literal in triggers:
        first = literal.start() - 1
        if first < 0 or text[first] == "C" and text[literal.end() : literal.end() + 1] != "s":
            continue  # "Council" alone is the rules' ("Bristol Council")
        match = _COUNCIL_USE.match(text, first)
        if not match or (first and _joins_word(text[first - 1])):
            continue
        plural = match.group().endswith("s")
        listed = _LIST_AFTER.match(text, match.end()) if plural else None
        if match.group() == "authorities" and not listed:
            continue  # "the Devon authorities" may be any bodies; a list of council places after it is not
        if listed:
            places = _place_groups(list(_words_after(text, listed.end())))
            found = [_council_of(councils, place, whole=True) for place in places]
            if len(found) >= 2 and all(found):
                spans += [
                    (place[0].start(), place[-1].end() - place[-1].group().endswith(","), council[0])
                    for place, council in zip(places, found)
                ]
            continue
        previous = text[max(0, first - 40) : first].split()
        if not previous or not previous[-1][:1].isupper() or not text[first - 1].isspace():
            continue  # "the council", "our councils": no place
        tokens = _words_before(text, match.start())
        places = _place_groups(tokens)
        if not places or (plural and len(places) < 2) or tokens and tokens[-1].group().endswith(","):
            continue
        for place in places if plural else places[-1:]:
            found = _council_of(councils, place, whole=False)
            if found:
                start = place[-len(found[1])].start()
                end = match.end() if not plural else place[-1].start() + len(place[-1].group().rstrip(","))
                spans.append((start, end, found[0]))
    return spans


_LIST_AFTER = re.compile(r"[ \t\u00a0]*(?:[,:(]|[ \t\u00a0][-–—])[ \t\u00a0]*")


def _words_before(text: str, end: int, adjoining: bool = False) -> list[re.Match]:
    """The place-like words (capitalised, and, &, commas) that end just before `end` (or, if
    `adjoining`, at `end`), at most 12."""
    tokens: list[re.Match] = []
    boundary = end
    for token in reversed(list(_WORDS.finditer(text, max(0, end - 120), end))[-12:]):
        gap = text[token.end() : boundary]
        if adjoining and boundary == end:
            gap = " " if token.end() == end else "x"
        if not gap or gap.strip(" \t\u00a0") or not _PLACE_TOKEN.fullmatch(token.group()):
            break
        tokens.insert(0, token)
        boundary = token.start()
    return tokens


def _words_after(text: str, start: int):
    """The place-like words from `start`, at most 12; the last may end a sentence or a bracket."""
    position = start
    for count, token in enumerate(_WORDS.finditer(text, start, start + 160)):
        gap = text[position : token.start()]
        if count == 12 or (count and not gap) or gap.strip(" \t\u00a0"):
            return
        word = token.group()
        bare = word.rstrip(".;:)")
        if not _PLACE_TOKEN.fullmatch(bare):
            return
        yield _WORDS.match(text, token.start(), token.start() + len(bare))
        if bare != word:
            return
        position = token.end()


def _place_groups(tokens: list[re.Match]) -> list[list[re.Match]]:
    """Words split into places at "and", "&" and commas: "Kingston, Sutton and Merton"."""
    places, current = [], []
    for token in tokens:
        word = token.group()
        if word in ("and", "&"):
            places.append(current)
            current = []
            continue
        current.append(token)
        if word.endswith(","):
            places.append(current)
            current = []
    places.append(current)
    return [place for place in places if place]


def _council_of(councils: dict[str, str], place: list[re.Match], whole: bool):
    """The council of a place's words (or, unless `whole`, of their longest tail: "Yesterday
    Kingston" is Kingston), with the words it took; None if none."""
    words = [token.group().rstrip(",") for token in place]
    for i in range(1 if whole else len(words)):
        council = councils.get(" ".join(words[i:]).casefold())
        if council:
            return council, words[i:]
    return None


# --- a place acting as its council ----------------------------------------------------------------

# Verbs of what a council does, in the forms that follow their subject: "Swindon uses AI",
# "Hertfordshire has developed a robot", "Leeds launched".
_DOING = (
    "adopt",
    "announce",
    "appoint",
    "approve",
    "automate",
    "build",
    "commission",
    "create",
    "decide",
    "deliver",
    "deploy",
    "design",
    "develop",
    "digitise",
    "introduce",
    "invest",
    "launch",
    "partner",
    "pilot",
    "procure",
    "provide",
    "publish",
    "recruit",
    "redesign",
    "secure",
    "trial",
    "use",
    "work",
)
_IRREGULAR_PAST = ("built", "chosen", "chose", "trialled", "piloted")


def _verb_forms() -> tuple[frozenset[str], frozenset[str]]:
    """Each verb's present ("uses") and past ("used") forms."""
    present = {verb + "s" for verb in _DOING}
    past = {verb + ("d" if verb.endswith("e") else "ed") for verb in _DOING if verb != "build"}
    return frozenset(present), frozenset(past | set(_IRREGULAR_PAST))


_PRESENT, _PAST = _verb_forms()
_HAVE = frozenset({"has", "have", "had"})
_DEPARTMENT_WORDS = frozenset({"children's", "childrens", "childrens'", "adult", "adults", "adults'", "social"})


def _trigger_automaton() -> ahocorasick.Automaton:
    """The words after which a place may act as a body, each with the space before it: one pass in C."""
    automaton = ahocorasick.Automaton()
    for word in _PRESENT | _PAST | _HAVE | _DEPARTMENT_WORDS:
        if " " not in word:
            automaton.add_word(" " + word, word)
    automaton.make_automaton()
    return automaton


_TRIGGERS = _trigger_automaton()
_AFTER_HAVE = re.compile(r"[ \t\u00a0]+(?:also[ \t\u00a0]+)?(?P<verb>\w+)")
_NOT_TO = re.compile(r"[ \t\u00a0]+to\b")
# What a council owns or runs: "Maidstone and Kent's platform", "North Yorkshire's use of AI".
_SERVICE_NOUNS = frozenset(
    """platform platforms service services use system systems tool tools app apps approach
    programme project pilot officers staff leader cabinet website portal chatbot model data""".split()
)
_AFTER_POSSESSIVE = re.compile(r"(?:[ \t\u00a0]+[\w-]+){1,4}")
_DEPARTMENT = re.compile(
    r"(?:children's|childrens'?|adults'?|adult)[ \t\u00a0]+(?:social[ \t\u00a0]+)?(?:services|care)\b"
    r"|social[ \t\u00a0]+services\b"
)
_BULLET = re.compile(r"(?:^|\n)[ \t\u00a0]*[-*•+][ \t\u00a0]+$")


def _does(text: str, word: str, end: int) -> bool:
    """Whether `word`, ending at `end`, is a verb of doing: "uses", "has developed", not "used to"."""
    if word in _PRESENT or word in _PAST:
        return not _NOT_TO.match(text, end)
    after = _AFTER_HAVE.match(text, end) if word in _HAVE else None
    return bool(after) and after["verb"] in _PAST


def _about_councils(text: str) -> bool:
    lowered = text.lower()
    return "council" in lowered or "local authorit" in lowered


def place_body_spans(text: str, councils: dict[str, str], opens_sentence) -> list[tuple[int, int, str]]:
    """A place that acts as a body is its council: "Leeds children's services" anywhere; in a post
    about councils (it says "council" or "local authority") also a place that opens a sentence or an
    item as the subject of a verb of doing ("Swindon uses AI", "Hertfordshire has developed a
    robot") and a place whose platform, service or product it is ("Maidstone and Kent's platform",
    "Westminster's ReportIT service", "Northumberland's Flood AI provides"). "In Hertfordshire",
    "Swindon station" and "people in Kent" are places. One pass for the words that may follow such
    a place, each looking at most a dozen words back; `opens_sentence(text, i)` says whether `i`
    opens a sentence."""
    spans = []
    about_councils = _about_councils(text)
    for last, word in _TRIGGERS.iter(text):
        end = last + 1
        start = end - len(word) - 1
        if (end < len(text) and (text[end].isalnum() or text[end] in "-'")) or not start or text[start - 1] == " ":
            continue
        if word in _DEPARTMENT_WORDS:
            if _DEPARTMENT.match(text, start + 1):
                spans += _places_before(text, start, councils, every=False)
        elif about_councils and _does(text, word, end):
            found = _places_before(text, start, councils, every=True)
            first = found[0][0] if found else 0
            if found and (opens_sentence(text, first) or _BULLET.search(text, max(0, first - 12), first)):
                spans += found
    if about_councils:
        for possessive in ("'s", "s'"):
            position = text.find(possessive)
            while position != -1:
                after = position + 2
                if position and after < len(text) and text[after] in " \t\u00a0" and _owned(text, after):
                    at = position if possessive == "'s" else position + 1
                    spans += _places_before(text, at, councils, every=True)
                position = text.find(possessive, after)
    return spans


def _owned(text: str, end: int) -> bool:
    """Whether the words after a place's possessive are a council's service or a product it runs."""
    after = _AFTER_POSSESSIVE.match(text, end)
    words = after.group().split() if after else []
    if any(word.casefold() in _SERVICE_NOUNS for word in words):
        return True
    named = 0  # "Northumberland's Flood AI provides": a product's name, then a verb of doing
    while named < len(words) and words[named][:1].isupper():
        named += 1
    return 0 < named < len(words) and (words[named] in _PRESENT or words[named] in _PAST)


def _places_before(text: str, end: int, councils: dict[str, str], every: bool) -> list[tuple[int, int, str]]:
    """The councils of the places written just before `end`: every place of "Maidstone and Kent"
    (all must be places) or, unless `every`, the last."""
    places = _place_groups(_words_before(text, end, adjoining=True))
    if not places or places[-1][-1].group().endswith(","):
        return []
    chosen = places if every else places[-1:]
    found = [_council_of(councils, place, whole=every) for place in chosen]
    if not all(found):
        return []
    return [(place[-len(council[1])].start(), place[-1].end(), council[0]) for place, council in zip(chosen, found)]


# "Brighton and Hove, Sunderland and Gateshead have been chosen to deliver ...": three places or more
# that open a sentence as who acts are their councils. A verb must follow the list at once.
_SUBJECT_VERB = re.compile(
    r"[ \t\u00a0]+(?:are|were|have|has|will|would|received|receive|signed|joined|agreed|bid|won|led)(?![\w-])"
)
_PLACE_SEPARATOR = re.compile(r",[ \t\u00a0]+(?:and[ \t\u00a0]+)?|[ \t\u00a0]+(?:and|&)[ \t\u00a0]+")
# Where a sentence starts, and a word that may open it before its subject: "Separately, ...".
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n)")
_OPENING_WORD = re.compile(r"[A-Z][a-z]+,[ \t\u00a0]+")
_LIST_WINDOW = 300  # characters read back from the verb: what keeps this linear
_PLACE_WORD = re.compile(r"[\w'&.-]+")


def subject_place_spans(text: str, councils: dict[str, str], last_words: frozenset[str]) -> list[tuple[int, int, str]]:
    """Councils named by their places as a sentence's subject: "Dorset, Lincolnshire and
    Wolverhampton are the first 3 areas to ...". Not "sites in Plymouth, Crawley and Reading will
    ...": the list must open its sentence (after one opening word at most: "Separately, ..."), and
    every item must be a council's place. `last_words` is `last_words_of(councils)`."""
    spans: list[tuple[int, int, str]] = []
    for verb in _SUBJECT_VERB.finditer(text) if ", " in text else ():
        end = verb.start()
        word_before = _LAST_WORD.search(text, max(0, end - 30), end)
        if not word_before or word_before.group().casefold() not in last_words:
            continue  # the word before the verb ends no council's place: most verbs are read no further
        window = max(0, end - _LIST_WINDOW)
        opening = None
        for opening in _SENTENCE_START.finditer(text, window, end):
            pass  # the last sentence start before the verb
        if opening is None or (opening.end() == 0 and window > 0):
            continue
        start = opening.end()
        word = _OPENING_WORD.match(text, start)
        found = _parse_places(text, start, end, councils) or (word and _parse_places(text, word.end(), end, councils))
        if found and len(found) >= 3:
            spans += found
    return spans


_PLACE_RUN = re.compile(r"[\w'&.-]+(?:[ \t\u00a0]+[\w'&.-]+){0,5}")  # six words at most
_LAST_WORD = re.compile(r"[\w'&.-]+$")


def last_words_of(councils: dict[str, str]) -> frozenset[str]:
    """The last word of every council's place ("hove", "wrekin"): a verb after any other word is
    read no further."""
    return frozenset(place.rsplit(" ", 1)[-1] for place in councils)


def _parse_places(text: str, start: int, end: int, councils: dict[str, str]) -> list[tuple[int, int, str]]:
    """The places from `start` to `end`, each a council's and apart by commas or "and", or []."""
    found: list[tuple[int, int, str]] = []
    position = start
    while position < end:
        place = _place_at(text, position, councils)
        if place is None or place[1] > end:
            return []
        found.append(place)
        if place[1] == end:
            return found
        separator = _PLACE_SEPARATOR.match(text, place[1])
        if not separator:
            return []
        position = separator.end()
    return []


# "former Mayor of Tower Hamlets", "Director of Public Health for Wakefield", "the leadership team for
# Enfield": a council's office holder or team named by the council's place.
_OFFICE_OF_PLACE = re.compile(
    r"(?:Mayor|Leader|Chief Executive|Director of Public Health|Director of Children's Services|"
    r"Director of Adult Social Services|leadership team)[ \t\u00a0]+(?:of|for)[ \t\u00a0]+"
)
# "London boroughs including Hammersmith, Lambeth and Greenwich", "the London Boroughs of Camden,
# Lewisham and Southwark": councils named by their places after what they are.
_COUNCILS_NAMED = re.compile(
    r"(?:London [Bb]oroughs|[Bb]oroughs|[Cc]ouncils|local authorities)[ \t\u00a0]+(?:of|including|such as|like)[ \t\u00a0]+"
)
# "- Camden – will receive £870k": a list of what each council gets, one place an item.
_FUNDED_PLACE = re.compile(
    r"^[ \t\u00a0]*[-*•][ \t\u00a0]+(?P<place>[A-Z][\w'&.-]*(?:[ \t\u00a0]+(?:and|upon|[A-Z][\w'&.-]*)){0,4})"
    r"[ \t\u00a0]+[-–—:][ \t\u00a0]+(?:will|has|have|receives?|gets?|awarded|is|was)\b",
    re.M,
)


# "NHS Newcastle", "NHS Gloucestershire": a primary care trust, as the NHS named them before 2013.
_NHS_BEFORE_PLACE = re.compile(r"NHS[ \t\u00a0]+(?=[A-Z])")  # a literal first, which the regex engine finds fast


def nhs_place_spans(text: str, councils: dict[str, str]) -> list[tuple[int, int, str]]:
    """ "NHS" then a council's place is the local NHS body named for it: "NHS Plymouth" (not the
    start of a longer name: "NHS Kent Community Health")."""
    spans = []
    for lead in _NHS_BEFORE_PLACE.finditer(text) if "NHS " in text else ():
        if lead.start() and _joins_word(text[lead.start() - 1]):
            continue
        place = _place_at(text, lead.end(), councils)
        if place and not _CAPITAL_NEXT.match(text, place[1]):
            spans.append((lead.start(), place[1], "NHS " + " ".join(text[lead.end() : place[1]].split())))
    return spans


_CAPITAL_NEXT = re.compile(r"[ \t\u00a0]+[A-Z]")


_OFFICE_WORDS = ("Mayor", "Leader", "Chief Executive", "Director of", "leadership team")


def office_place_spans(text: str, councils: dict[str, str]) -> list[tuple[int, int, str]]:
    """Councils named by their place after one of their offices, in a list after what they are, or
    as an item of a list of what each gets. Each match reads a bounded stretch of text."""
    spans: list[tuple[int, int, str]] = []
    offices = any(word in text for word in _OFFICE_WORDS)
    for lead in _OFFICE_OF_PLACE.finditer(text) if offices else ():
        place = _place_at(text, lead.end(), councils)
        if place:
            spans.append(place)
    named = "oroughs" in text or "ouncils" in text or "authorities" in text
    for lead in _COUNCILS_NAMED.finditer(text) if named else ():
        spans += _known_in_list(text, lead.end(), lambda position: _place_at(text, position, councils))
    funded = "\n" in text and any(dash in text for dash in (" – ", " - ", " — ", ": "))
    for item in _FUNDED_PLACE.finditer(text) if funded else ():
        place = _place_at(text, item.start("place"), councils)
        if place and place[1] == item.end("place"):
            spans.append(place)
    return spans


def _place_at(text: str, position: int, councils: dict[str, str]) -> tuple[int, int, str] | None:
    """The longest council place written from `position`, and its council, or None."""
    if position >= len(text) or not text[position].isupper():
        return None
    run = _PLACE_RUN.match(text, position)
    words = list(_PLACE_WORD.finditer(text, position, run.end())) if run else []
    if not words:
        return None
    for count in range(min(6, len(words)), 0, -1):
        stop = words[count - 1].end()
        stop -= text[stop - 1] in ".,"  # "Wakefield," / "Leeds."
        folded = " ".join(text[position:stop].split()).casefold()
        if folded in councils:
            return position, stop, councils[folded]
    return None


# "four leading universities – Bath, Lancaster, Southampton and Warwick", "universities such as
# Oxford, Cambridge and Imperial": universities named by their places after the word.
_UNIVERSITIES_NAMED = re.compile(r"universities[^.\n]{0,40}?(?:[:–—]|[ \t\u00a0]-|including|such as|like)[ \t\u00a0]+")


def university_places(kinds: dict[str, str], aliases: dict[str, list[str]]) -> dict[str, str]:
    """Each place one university is named for, folded: "bath" -> University of Bath."""
    places: dict[str, set[str]] = {}
    for name, kind in kinds.items():
        if kind != "university":
            continue
        for alias in (name, *aliases[name]):
            place = alias.removeprefix("University of ").removesuffix(" University")
            if place != alias and " " not in place.strip():
                places.setdefault(place.casefold(), set()).add(name)
    return {place: next(iter(names)) for place, names in places.items() if len(names) == 1}


def university_place_spans(text: str, universities: dict[str, str]) -> list[tuple[int, int, str]]:
    """Universities named by their places in a list after "universities"; two or more must be known."""

    def university_at(position: int) -> tuple[int, int, str] | None:
        word = _PLACE_WORD.match(text, position)
        end = word.end() - (word.group()[-1] in ".,")
        university = universities.get(text[position:end].casefold())
        return (position, end, university) if university else None

    spans: list[tuple[int, int, str]] = []
    for lead in _UNIVERSITIES_NAMED.finditer(text) if "universities" in text else ():
        spans += _known_in_list(text, lead.end(), university_at)
    return spans


def _known_in_list(
    text: str, position: int, known_at: Callable[[int], tuple[int, int, str] | None]
) -> list[tuple[int, int, str]]:
    """The names `known_at` knows in a list of capitalised names from `position`, apart by commas
    or "and" (a dozen at most), where it knows two or more; else []."""
    found = []
    for _ in range(12):
        word = _PLACE_WORD.match(text, position)
        if not word or not word.group()[:1].isupper():
            break
        known = known_at(position)
        if known:
            found.append(known)
        separator = _PLACE_SEPARATOR.match(text, known[1] if known else word.end())
        if not separator:
            break
        position = separator.end()
    return found if len(found) >= 2 else []
