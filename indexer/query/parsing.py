"""Turning what a user typed into Whoosh queries.

Most people type words, not syntax: `sector-led improvement`, `what makes a good DCS`,
`EHCP delays`. Those are read as *concepts* (a word, a hyphenated term, an acronym or its long
form, a quoted phrase), each matched in the title, body or organisations; search.py then ranks
posts by how many concepts they have and how close together. A query that uses the syntax
(`AND`, `OR`, `NOT`, brackets, wildcards, ranges) is read by Whoosh's parser as written,
with hyphens inside words still joining. Field restrictions (`tag:SLI`) and exclusions
(`-review`, a minus after a space) work in both.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.analysis import STOP_WORDS
from whoosh.qparser import FieldAliasPlugin, MultifieldParser, PlusMinusPlugin

from indexer.analysis import WORD_PATTERN, acronym_term, compound_parts, is_stop_word, normal_word, stem
from indexer.organisations import canonical_org, find_organisations
from indexer.query.request import SearchRequest, filter_key
from indexer.schema import KEY_FIELDS, QUERY_FIELD_NAMES, TEXT_FIELDS
from indexer.vocabulary import Acronym, acronym_typed, acronyms

EXPANSION_BOOST = 0.5  # an acronym's long form (or the other way) ranks below the words typed
PHRASE_BONUS = 2.0  # a hyphenated term written together ranks above its words apart
NEAR_BONUS = 0.5  # two typed words near each other
NEAR_SLOP = 4
MAX_WORDS = 32  # of a typed query: enough for any question, and a bound on its cost
NEAR_FIELDS = ("title", "body")

# Words that carry no topic in a typed question ("how do councils ...", "what is a ...").
QUERY_STOP_WORDS = STOP_WORDS | frozenset(
    "what whats how why where who whom whose which does do did doing done is are was were been being "
    "should would could shall might must about there their they them i me my our ours "
    "into its than then so such just very also any some get gets".split())

_WORD = re.compile(WORD_PATTERN)
_FIELD_PREFIX = re.compile(r"(?<![\w:])([A-Za-z_]+):")
_PHRASE = re.compile(r'"([^"]+)"')
_OPERATORS = re.compile(r"\b(?:AND|OR|NOT)\b")
_SYNTAX = re.compile(r"\b(?:AND|OR|NOT)\b|[()]|\*|\?(?=\w)|[\[{][^\]}]*\bTO\b")
_INNER_HYPHEN = re.compile(r"\b(\w+(?:[-\u2010\u2011]\w+)+)\b")
_ITEM = re.compile(r'(?P<minus>(?:(?<=\s)|^)-)?(?:(?P<field>[A-Za-z_]+):)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')


@dataclass
class Concept:
    """One thing asked for; a post has it when `query` matches."""

    typed: str
    query: wq.Query
    stems: tuple[str, ...] = ()  # for nearness bonuses: the stemmed words, when plain words


@dataclass
class ParsedQuery:
    query: wq.Query | None  # everything that scores; None means "every document"
    concepts: list[Concept] = field(default_factory=list)  # free text, matched most-first
    required: list[wq.Query] = field(default_factory=list)  # quoted phrases, fields
    excluded: list[wq.Query] = field(default_factory=list)
    bonus: list[wq.Query] = field(default_factory=list)  # nearness: ranks, never matches alone
    words: list[str] = field(default_factory=list)  # typed words that spelling may correct
    notice: str | None = None


def make_parser(schema) -> MultifieldParser:
    parser = MultifieldParser(list(TEXT_FIELDS), schema)
    aliases: dict[str, list[str]] = {}
    for name, field_name in QUERY_FIELD_NAMES.items():
        if name != field_name:
            aliases.setdefault(field_name, []).append(name)
    parser.add_plugin(FieldAliasPlugin(aliases))
    parser.add_plugin(PlusMinusPlugin())
    return parser


def parse_user_query(parser: MultifieldParser, text: str) -> ParsedQuery:
    """The user's words as concepts and restrictions (or, with operators, as Whoosh parses them)."""
    text = text.replace("\x00", " ").strip()
    if not text:
        return ParsedQuery(None)
    notices = _syntax_notices(text)
    if _SYNTAX.search(text):
        parsed = _parse_syntax(parser, text, notices)
    else:
        parsed = _parse_natural(parser, text, notices)
    parsed.notice = " ".join(dict.fromkeys(notices)) or None
    return parsed


# -- typed as people type --------------------------------------------------------------------

def _parse_natural(parser, text: str, notices: list[str]) -> ParsedQuery:
    parsed = ParsedQuery(None)
    words: list[str] = []
    for item in _ITEM.finditer(text):
        field_name, phrase, word = item.group("field"), item.group("phrase"), item.group("word")
        if field_name and field_name not in QUERY_FIELD_NAMES:
            words.append(field_name)
            field_name = None
        if field_name:
            value = f'"{phrase}"' if phrase is not None else (word or "")
            restriction = _restriction(parser, field_name, value) if value.strip('"').strip() else None
            if restriction is None:
                words.append(field_name)
                continue
            (parsed.excluded if item.group("minus") else parsed.required).append(restriction)
        elif phrase is not None:
            quoted = _phrase_query(phrase)
            if quoted is not None:
                (parsed.excluded if item.group("minus") else parsed.required).append(quoted)
        elif item.group("minus"):
            excluded = _words_query(_WORD.findall(word or ""))
            if excluded is not None:
                parsed.excluded.append(excluded)
        else:
            words.extend(_WORD.findall(word or ""))
    if len(words) > MAX_WORDS:
        notices.append(f"Only the first {MAX_WORDS} words of your search were used.")
        words = words[:MAX_WORDS]
    parsed.concepts, parsed.bonus = _concepts(words)
    parsed.words = [w for w in words if normal_word(w) not in QUERY_STOP_WORDS]
    scoring = [c.query for c in parsed.concepts] + parsed.required + parsed.bonus
    if not parsed.concepts and not parsed.required:
        if words or parsed.excluded:
            notices.append("Your search only had very common words or symbols, which are not searched. "
                           "Try more specific words.")
            parsed.query = wq.NullQuery
        return parsed
    parsed.query = scoring[0] if len(scoring) == 1 else wq.Or(scoring)
    return parsed


def _concepts(words: list[str]) -> tuple[list[Concept], list[wq.Query]]:
    """Typed words as concepts, and the bonuses that rank them together: a long form or
    organisation name is one concept, an acronym is one, and so is every other meaningful word,
    including each part of a hyphenated term (whose phrase earns a bonus)."""
    whole = " ".join(words)
    org = canonical_org(whole) if len(words) > 1 else None
    if org:
        return [Concept(whole, wq.Or([_all_words(words), _org_term(org)]), ())], []
    concepts: list[Concept] = []
    bonus: list[wq.Query] = []
    i = 0
    while i < len(words):
        long_form = _long_form_at(words, i)
        if long_form:
            end, acronym = long_form
            typed = " ".join(words[i:end])
            concepts.append(Concept(typed, _long_form_concept(typed, acronym)))
            i = end
            continue
        parts = compound_parts(words[i])
        if len(parts) > 1:
            found, phrase = _compound_concepts(parts)
            concepts.extend(found)
            bonus.extend(phrase)
        else:
            concept = _word_concept(words[i], words[i + 1] if i + 1 < len(words) else None,
                                    words[i - 1] if i else None)
            if concept is not None:
                concepts.append(concept)
        i += 1
    for left, right in zip(concepts, concepts[1:]):
        if left.stems and right.stems:
            bonus.extend(_near(left.stems[-1], right.stems[0]))
    return concepts, bonus


def _word_concept(word: str, following: str | None, preceding: str | None) -> Concept | None:
    acronym = acronym_typed(word)
    if acronym is not None:
        return Concept(word, _acronym_concept(word, acronym), (stem(normal_word(word)),))
    normal = normal_word(word)
    if normal in QUERY_STOP_WORDS or len(normal) < 2:
        return None
    stemmed = stem(normal)
    alternatives = [_text_term(stemmed)]
    # `well being` also finds "wellbeing": two typed words may be one word in the posts.
    for first, second in ((word, following), (preceding, word)):
        if first and second and _WORD.fullmatch(first) and _WORD.fullmatch(second):
            alternatives.append(_text_term(stem(normal_word(first + second))))
    org = _named_org(word)
    if org:
        alternatives.append(_org_term(org))
    return Concept(word, alternatives[0] if len(alternatives) == 1 else wq.Or(alternatives), (stemmed,))


def _compound_concepts(parts: list[str]) -> tuple[list[Concept], list[wq.Query]]:
    """`well-being` is the concepts well and being, each also met by "wellbeing", with a bonus
    when the parts stand together as typed."""
    normal = [normal_word(part) for part in parts]
    joined = _text_term(stem(normal_word("".join(parts))))
    kept = [(part, stem(word)) for part, word in zip(parts, normal) if not is_stop_word(word)]
    concepts = [Concept(part, wq.Or([_text_term(stemmed), joined]), (stemmed,)) for part, stemmed in kept]
    if len(kept) < 2:
        return concepts, []
    stems = [stemmed for _, stemmed in kept]
    return concepts, [wq.Phrase(name, stems, boost=PHRASE_BONUS) for name in TEXT_FIELDS]


def _acronym_concept(word: str, acronym: Acronym) -> wq.Query:
    """`SEND` in capitals finds the acronym (never the verb) and its long forms, ranked lower.
    In lower case it may also be the plain word: `send budgets` still ranks SEND posts first,
    because the acronym's mark is rarer than the word."""
    parts = [_text_term(acronym_term(acronym.key))]
    if not acronym.also_a_word or not word.isupper():
        parts.append(_text_term(stem(acronym.key)))
    parts.extend(_long_forms(acronym, EXPANSION_BOOST))
    org = canonical_org(acronym.written)
    if org:
        parts.append(_org_term(org))
    return wq.Or(parts)


def _long_form_concept(typed: str, acronym: Acronym) -> wq.Query:
    """`education health and care plan` also finds posts that only write EHCP, ranked lower."""
    parts = _long_forms(acronym, 1.0)
    parts.append(_text_term(acronym_term(acronym.key), EXPANSION_BOOST))
    if not acronym.also_a_word:
        parts.append(_text_term(stem(acronym.key), EXPANSION_BOOST))
    org = canonical_org(typed) or canonical_org(acronym.written)
    if org:
        parts.append(_org_term(org))
    return wq.Or(parts)


def _long_forms(acronym: Acronym, boost: float) -> list[wq.Query]:
    """Each long form as a phrase. A phrase scores the sum of its words, so an expansion's boost
    is shared among them: a long form found counts about as much as one typed word."""
    queries = []
    for form in acronym.long_forms:
        words = len(_WORD.findall(form))
        phrase = _phrase_query(form, boost if boost >= 1 else boost / max(1, words))
        if phrase is not None:
            queries.append(phrase)
    return queries


def _long_form_at(words: list[str], start: int) -> tuple[int, Acronym] | None:
    """The longest acronym long form that the typed words spell from `start`, and where it ends."""
    best = None
    table = _long_form_table()
    stems: list[str] = []
    for end in range(start, min(len(words), start + 12)):
        stems.extend(_stems_of(words[end]))
        acronym = table.get(tuple(stems))
        if acronym is not None and end > start:
            best = (end + 1, acronym)
    return best


_LONG_FORMS: dict[tuple[str, ...], Acronym] | None = None


def _long_form_table() -> dict[tuple[str, ...], Acronym]:
    global _LONG_FORMS
    if _LONG_FORMS is None:
        table = {}
        for acronym in acronyms().values():
            for form in acronym.long_forms:
                key = tuple(s for w in _WORD.findall(form) for s in _stems_of(w))
                if len(key) > 1:
                    table.setdefault(key, acronym)
        _LONG_FORMS = table
    return _LONG_FORMS


def _stems_of(word: str) -> list[str]:
    parts = (normal_word(part) for part in compound_parts(word))
    return [stem(part) for part in parts if part not in STOP_WORDS and len(part) > 1]


def _phrase_query(text: str, boost: float = 1.0) -> wq.Query | None:
    stems = [s for w in _WORD.findall(text) for s in _stems_of(w)]
    if not stems:
        return None
    if len(stems) == 1:
        return _text_term(stems[0], boost)
    return wq.Or([wq.Phrase(name, stems, boost=boost) for name in TEXT_FIELDS])


def _words_query(words: list[str]) -> wq.Query | None:
    return _phrase_query(" ".join(words))


def _all_words(words: list[str]) -> wq.Query:
    stems = [s for w in words for s in _stems_of(w)]
    return wq.And([_text_term(s) for s in stems]) if stems else wq.NullQuery


def _near(left: str, right: str) -> list[wq.Query]:
    """Two typed words ranked higher when near each other in the title or body. (Position
    checks are the dearest part of a search, so one nearness test a pair, not one per slop.)"""
    return [wq.Phrase(name, [left, right], slop=NEAR_SLOP, boost=NEAR_BONUS) for name in NEAR_FIELDS]


def _text_term(text: str, boost: float = 1.0) -> wq.Query:
    return wq.Or([wq.Term(name, text, boost=boost) for name in TEXT_FIELDS])


def _org_term(canonical: str) -> wq.Query:
    return wq.Term(KEY_FIELDS["org"], filter_key("org", canonical))


def _restriction(parser, field_name: str, value: str) -> wq.Query | None:
    parsed = parser.parse(f"{field_name}:{value}")
    if parsed is None or parsed is wq.NullQuery:
        return None
    return _widen_aliases(parsed)


# -- written with syntax ---------------------------------------------------------------------

def _parse_syntax(parser, text: str, notices: list[str]) -> ParsedQuery:
    """Whoosh's parser, after quoting hyphenated words so `sector-led` is a phrase, not `NOT led`."""
    segments = text.split('"')
    for i in range(0, len(segments), 2):  # outside quotes only
        segments[i] = _INNER_HYPHEN.sub(lambda m: f'"{m.group(1)}"', segments[i])
    joined = '"'.join(segments)
    try:
        parsed = parser.parse(joined)
    except Exception:  # Whoosh's parser is lenient; this is the last resort
        parsed = None
    if parsed is None or parsed is wq.NullQuery:
        words = " ".join(_WORD.findall(_OPERATORS.sub(" ", text)))
        fallback = _parse_natural(parser, words, notices) if words else ParsedQuery(wq.NullQuery)
        if fallback.query is None or fallback.query is wq.NullQuery:
            notices.append("Your search only had very common words or symbols, which are not searched. "
                           "Try more specific words.")
            return ParsedQuery(wq.NullQuery)
        notices.append("Part of your search could not be understood, so its words were searched on their own.")
        return fallback
    expanded = _widen_aliases(parsed, _alias_candidates(text))
    return ParsedQuery(expanded, required=[expanded])


def _syntax_notices(text: str) -> list[str]:
    notices = []
    unknown = sorted({m.group(1) for m in _FIELD_PREFIX.finditer(text)} - set(QUERY_FIELD_NAMES))
    if unknown:
        names = ", ".join(f"“{name}:”" for name in unknown)
        notices.append(f"There is no field called {names}, so it was searched as ordinary words.")
    if text.count('"') % 2:
        notices.append("A quote mark was not closed, so the words after it were searched as a phrase to the end.")
    if text.count("(") != text.count(")"):
        notices.append("The brackets in your search did not match, so some were ignored.")
    if re.search(r"\b(title|tag|org|source|author|category|year):(\s|$)", text):
        notices.append("A field name had nothing after its colon, so it was searched as a word.")
    return notices


def _named_org(words: str) -> str | None:
    """The body these words name. A single word must be written as the text would write it,
    so `LGA` names the Local Government Association but `nice` is not NICE."""
    if len(words.split()) > 1:
        return canonical_org(words)
    found = find_organisations(words)
    return found[0] if len(found) == 1 else None


def _alias_candidates(text: str) -> dict[tuple[str, ...], str]:
    """Stemmed word sequences in the query that name an organisation -> its canonical name."""
    candidates = _PHRASE.findall(text) + _WORD.findall(_PHRASE.sub(" ", text))
    found: dict[tuple[str, ...], str] = {}
    for candidate in candidates:
        name = _named_org(candidate)
        if name:
            key = tuple(s for w in _WORD.findall(candidate) for s in _stems_of(w))
            if key:
                found[key] = name
    return found


def _widen_aliases(q: wq.Query, aliases: dict[tuple[str, ...], str] | None = None) -> wq.Query:
    """`LGA` and `org:LGA` also find posts whose organisations include the Local Government
    Association, however the post writes it."""
    org_field = KEY_FIELDS["org"]
    if isinstance(q, wq.Term) and q.fieldname == org_field:
        name = canonical_org(q.text)
        return wq.Term(org_field, filter_key("org", name), boost=q.boost) if name else q
    if isinstance(q, wq.Or) and aliases:
        key = _text_key(q)
        if key in aliases:
            return wq.Or(list(q.subqueries) + [_org_term(aliases[key])])
    if q.is_leaf():
        return q
    return q.apply(lambda child: _widen_aliases(child, aliases))


def _text_key(q: wq.Or) -> tuple[str, ...] | None:
    """The words an Or over the text fields searches for, when all its parts search the same."""
    keys = set()
    for sub in q.subqueries:
        if isinstance(sub, wq.Term) and sub.fieldname in TEXT_FIELDS:
            keys.add((sub.text,))
        elif isinstance(sub, wq.Phrase) and sub.fieldname in TEXT_FIELDS:
            keys.add(tuple(sub.words))
        else:
            return None
    return keys.pop() if len(keys) == 1 else None


# -- filters -----------------------------------------------------------------------------------

def filter_queries(request: SearchRequest) -> dict[str, wq.Query]:
    """One query per filtered field: values within a field widen (OR), fields narrow (AND)."""
    queries: dict[str, wq.Query] = {}
    for name, values in request.filters().items():
        if not values:
            continue
        terms = [wq.Term(KEY_FIELDS[name], filter_key(name, value)) for value in values]
        queries[name] = wq.Or(terms) if len(terms) > 1 else terms[0]
    return queries


def date_query(request: SearchRequest) -> wq.Query | None:
    """Inclusive bounds; `2019` or `2019-03` as an upper bound means to its end."""
    if not request.date_from and not request.date_to:
        return None
    start = request.date_from or None
    end = (request.date_to + "~") if request.date_to else None
    return wq.TermRange("date", start, end, startexcl=False, endexcl=False)
