"""Turning what a user typed into Whoosh queries.

Most people type words, not syntax: `sector-led improvement`, `what makes a good DCS?`, a
sentence pasted from a report with its commas, colons, slashes, brackets and bullets. Those are
read as *concepts* (a word, a hyphenated term, an acronym or its long form, a quoted phrase),
each matched in the title, body or organisations; ranking.py then ranks posts by how much of
what the query asks for they have and how close together. Punctuation in such text is only
punctuation: a bracketed aside, a question mark ending a question, a stray quote mark.

Syntax applies only where it is plainly written as syntax: a query with an upper-case `AND`,
`OR` or `NOT` between words, a wildcard (`inspect*`, `organi?ation`) or a range is read by
Whoosh's parser as written (brackets group there), with hyphens inside words still joining.
Field restrictions (`tag:SLI`, a known field only), exclusions (`-review`, a minus after a
space) and balanced quoted phrases work in both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.qparser import FieldAliasPlugin, MultifieldParser, PlusMinusPlugin

from indexer.analysis import WORD_PATTERN, normal_word
from indexer.organisations import canonical_org
from indexer.query.concepts import (
    QUERY_STOP_WORDS,
    Concept,
    concepts_of,
    named_org,
    org_term,
    phrase_query,
    text_stems,
    words_query,
    words_scored,
)
from indexer.query.request import SearchRequest, filter_key
from indexer.schema import KEY_FIELDS, QUERY_FIELD_NAMES, TEXT_FIELDS

MAX_WORDS = 32  # of a typed query: enough for any question, and a bound on its cost

_WORD = re.compile(WORD_PATTERN)
# `colour:blue` looks like a field; `Note: this` and `https://...` are ordinary writing.
_FIELD_PREFIX = re.compile(r"(?<![\w:])([A-Za-z_]+):(?=[^\s/:])")
_PHRASE = re.compile(r'"([^"]+)"')
_OPERATORS = re.compile(r"\b(?:AND|OR|NOT)\b")
_OPERATOR_WORD = re.compile(r"(?<!\S)[(]*(?:AND|OR|NOT)[)]*(?!\S)")
# A wildcard is a `*` against a word (or the whole query), or a `?` inside a word or beside a
# `*`: `what is SEND?`, `?slip?` and a `* bullet` are typing; `organi?ation`, `?ead*` wildcards.
_WILDCARD = re.compile(r"\w\*|\*\w|\w\?+\w|\?+\w*\*|^\s*\*+\s*$")
_RANGE = re.compile(r"[\[{][^\]}]*\bTO\b")
_LOWER = re.compile(r"[a-z]")
SHOUTED_FROM = 4  # words: text this long all in capitals is writing, its AND/OR/NOT words too
_INNER_HYPHEN = re.compile(r"\b(\w+(?:[-\u2010\u2011]\w+)+)\b")
_ITEM = re.compile(r'(?P<minus>(?:(?<=\s)|^)-)?(?:(?P<field>[A-Za-z_]+):)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')


@dataclass
class ParsedQuery:
    query: wq.Query | None  # everything that scores; None means "every document"
    concepts: list[Concept] = field(default_factory=list)  # free text, matched most-first
    required: list[wq.Query] = field(default_factory=list)  # quoted phrases, fields
    excluded: list[wq.Query] = field(default_factory=list)
    bonus: list[wq.Query] = field(default_factory=list)  # nearness: ranks, never matches alone
    words: list[str] = field(default_factory=list)  # typed words that spelling may correct
    notice: str | None = None
    quoted: bool = False  # typed text with a quoted phrase that posts must have


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
    if is_syntax(text):
        notices = _syntax_notices(text)
        parsed = _parse_syntax(parser, text, notices)
    else:
        text, notices = _typed_text(text)
        parsed = _parse_natural(parser, text, notices)
    parsed.notice = " ".join(dict.fromkeys(notices)) or None
    return parsed


def is_syntax(text: str) -> bool:
    """Whether the query is plainly written in the query syntax, rather than typed or pasted."""
    if _WILDCARD.search(text) or _RANGE.search(text):
        return True
    if not _OPERATOR_WORD.search(text):
        return False
    words = _WORD.findall(text)
    return bool(_LOWER.search(text)) or len(words) < SHOUTED_FROM


# -- typed as people type --------------------------------------------------------------------


def _typed_text(text: str) -> tuple[str, list[str]]:
    """The text with a quote mark that opens no phrase taken as punctuation, and the notices
    about what was typed: an unknown field written as one, an empty field."""
    notices = []
    if text.count('"') % 2:
        last = text.rindex('"')
        text = text[:last] + " " + text[last + 1 :]
        notices.append("A quote mark was not closed, so it was read as punctuation.")
    unknown = sorted({m.group(1) for m in _FIELD_PREFIX.finditer(text)} - set(QUERY_FIELD_NAMES))
    if unknown:
        names = ", ".join(f"“{name}:”" for name in unknown)
        notices.append(f"There is no field called {names}, so it was searched as ordinary words.")
    if re.search(r"\b(title|tag|org|source|author|category|year):$", text):
        notices.append("A field name had nothing after its colon, so it was searched as a word.")
    return text, notices


def _parse_natural(parser, text: str, notices: list[str]) -> ParsedQuery:
    parsed = ParsedQuery(None)
    words: list[str] = []
    minus_words: list[str] = []
    scoring: list[wq.Query] = []  # what ranks the required parts: a phrase ranks by its words
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
            if item.group("minus"):
                parsed.excluded.append(restriction)
            else:
                parsed.required.append(restriction)
                scoring.append(restriction)
        elif phrase is not None:
            quoted = phrase_query(phrase)
            if quoted is None:
                continue
            if item.group("minus"):
                parsed.excluded.append(quoted)
            else:
                # Matching checks the words' positions once; ranking among the posts that have
                # the phrase needs only its words, which is far cheaper than checking again.
                parsed.required.append(quoted)
                parsed.quoted = True
                scoring.append(words_scored(phrase))
        elif item.group("minus"):
            excluded = words_query(_WORD.findall(word or ""))
            if excluded is not None:
                parsed.excluded.append(excluded)
                minus_words.extend(_WORD.findall(word or ""))
        else:
            words.extend(_WORD.findall(word or ""))
    if minus_words and not parsed.required and not concepts_of(words)[0]:
        # Nothing left to search but what is excluded: a pasted list of `-item` lines, not
        # a search for everything but them.
        notices.append("A minus sign before every word would leave nothing to search, so the words were searched.")
        words, parsed.excluded = words + minus_words, []
    words = _first_words(words, notices)
    parsed.concepts, parsed.bonus = concepts_of(words)
    parsed.words = [w for w in words if normal_word(w) not in QUERY_STOP_WORDS]
    scoring = [c.query for c in parsed.concepts] + scoring + parsed.bonus
    if not parsed.concepts and not parsed.required:
        if words or parsed.excluded:
            notices.append(
                "Your search only had very common words or symbols, which are not searched. Try more specific words."
            )
            parsed.query = wq.NullQuery
        return parsed
    parsed.query = scoring[0] if len(scoring) == 1 else wq.Or(scoring)
    return parsed


def without_quotes(text: str) -> str:
    """The query with its quote marks as punctuation: for quoted words no post has together."""
    return text.replace('"', " ")


def _first_words(words: list[str], notices: list[str]) -> list[str]:
    """The words up to the MAX_WORDS-th that is searched (question and stop words, which are
    not, do not count)."""
    counted = 0
    for at, word in enumerate(words):
        if normal_word(word) not in QUERY_STOP_WORDS:
            counted += 1
            if counted > MAX_WORDS:
                notices.append(f"Only the first {MAX_WORDS} words of your search were used.")
                return words[:at]
    return words


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
            notices.append(
                "Your search only had very common words or symbols, which are not searched. Try more specific words."
            )
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


def _alias_candidates(text: str) -> dict[tuple[str, ...], str]:
    """Stemmed word sequences in the query that name an organisation -> its canonical name."""
    candidates = _PHRASE.findall(text) + _WORD.findall(_PHRASE.sub(" ", text))
    found: dict[tuple[str, ...], str] = {}
    for candidate in candidates:
        name = named_org(candidate)
        if name:
            key = tuple(text_stems(candidate))
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
            return wq.Or(list(q.subqueries) + [org_term(aliases[key])])
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
