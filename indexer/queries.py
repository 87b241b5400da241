"""Turning a SearchRequest into Whoosh queries: the user's words, aliases and filters.

Part of the query service (with search.py): the only other place that speaks Whoosh's query
language. A query that does not parse still searches, as plain words, with a notice saying so.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from whoosh import query as wq
from whoosh.analysis import StemmingAnalyzer
from whoosh.qparser import FieldAliasPlugin, MultifieldParser, PlusMinusPlugin

from indexer.orgs import canonical_org, find_organisations
from indexer.request import SearchRequest, canonical_value
from indexer.schema import KEY_FIELDS, QUERY_FIELD_NAMES

TEXT_FIELDS = ("title", "body")
_FIELD_PREFIX = re.compile(r"(?<![\w:])([A-Za-z_]+):")
_WORD = re.compile(r"[\w'’&-]+")
_PHRASE = re.compile(r'"([^"]+)"')
_OPERATORS = re.compile(r"\b(?:AND|OR|NOT)\b")
_stemmer = StemmingAnalyzer()


@dataclass
class ParsedQuery:
    query: wq.Query | None  # None means "every document"
    notice: str | None = None


def make_parser(schema) -> MultifieldParser:
    parser = MultifieldParser(list(TEXT_FIELDS), schema)
    aliases: dict[str, list[str]] = {}
    for name, field in QUERY_FIELD_NAMES.items():
        if name != field:
            aliases.setdefault(field, []).append(name)
    parser.add_plugin(FieldAliasPlugin(aliases))
    parser.add_plugin(PlusMinusPlugin())
    return parser


def parse_user_query(parser: MultifieldParser, text: str) -> ParsedQuery:
    """The user's words as a Whoosh query, with organisation aliases widened to the body's name."""
    text = text.replace("\x00", " ").strip()
    if not text:
        return ParsedQuery(None)
    notices = _syntax_notices(text)
    try:
        parsed = parser.parse(text)
    except Exception:  # Whoosh's parser is lenient; this is the last resort
        parsed = None
    if parsed is None or parsed is wq.NullQuery:
        words = " ".join(_WORD.findall(_OPERATORS.sub(" ", text)))
        fallback = parser.parse(words) if words else wq.NullQuery
        if fallback is wq.NullQuery:
            return ParsedQuery(wq.NullQuery, "Your search only had very common words or symbols, "
                                             "which are not searched. Try more specific words.")
        parsed = fallback
        notices.append("Part of your search could not be understood, so its words were searched on their own.")
    expanded = _widen_aliases(parsed, _alias_candidates(text))
    whole = _named_org(text.strip('"'))
    if whole:
        expanded = wq.Or([expanded, wq.Term(KEY_FIELDS["org"], whole.lower())])
    return ParsedQuery(expanded, " ".join(notices) or None)


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


def _alias_candidates(text: str) -> dict[tuple[str, ...], str]:
    """Stemmed word sequences in the query that name an organisation -> its canonical name."""
    candidates = _PHRASE.findall(text) + _WORD.findall(_PHRASE.sub(" ", text))
    found: dict[tuple[str, ...], str] = {}
    for candidate in candidates:
        name = _named_org(candidate)
        if name:
            key = tuple(token.text for token in _stemmer(candidate, mode="query"))
            if key:
                found[key] = name
    return found


def _named_org(words: str) -> str | None:
    """The body these words name. A single word must be written as the text would write it,
    so `LGA` names the Local Government Association but `nice` is not NICE."""
    if len(words.split()) > 1:
        return canonical_org(words)
    found = find_organisations(words)
    return found[0] if len(found) == 1 else None


def _widen_aliases(q: wq.Query, aliases: dict[tuple[str, ...], str]) -> wq.Query:
    """`LGA` also finds posts whose organisations include the Local Government Association."""
    org_field = KEY_FIELDS["org"]
    if isinstance(q, wq.Term) and q.fieldname == org_field:
        name = canonical_org(q.text)
        return wq.Term(org_field, name.lower(), boost=q.boost) if name else q
    if isinstance(q, wq.Or) and aliases:
        key = _text_key(q)
        if key in aliases:
            return wq.Or(list(q.subqueries) + [wq.Term(org_field, aliases[key].lower())])
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


def filter_queries(request: SearchRequest) -> dict[str, wq.Query]:
    """One query per filtered field: values within a field widen (OR), fields narrow (AND)."""
    queries: dict[str, wq.Query] = {}
    for name, values in request.filters().items():
        if not values:
            continue
        terms = [wq.Term(KEY_FIELDS[name], canonical_value(name, value).lower()) for value in values]
        queries[name] = wq.Or(terms) if len(terms) > 1 else terms[0]
    return queries


def date_query(request: SearchRequest) -> wq.Query | None:
    """Inclusive bounds; `2019` or `2019-03` as an upper bound means to its end."""
    if not request.date_from and not request.date_to:
        return None
    start = request.date_from or None
    end = (request.date_to + "~") if request.date_to else None
    return wq.TermRange("date", start, end, startexcl=False, endexcl=False)
