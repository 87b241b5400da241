"""Typed words as concepts: what each word, hyphenated term, acronym or long form of a query
must match in a post, and the bonuses that rank posts with the words close together.

An acronym (`SEND`, or `ehcp`) also finds its long forms and the other way round, ranked below
the words typed; a hyphenated term is its parts, each also met by the joined word; an
organisation's name also finds posts naming the body in any form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from whoosh import query as wq
from whoosh.analysis import STOP_WORDS

from indexer.analysis import WORD_PATTERN, acronym_term, compound_parts, is_stop_word, normal_word, stem
from indexer.organisations import canonical_org, find_organisations
from indexer.query.request import filter_key
from indexer.schema import KEY_FIELDS, TEXT_FIELDS
from indexer.vocabulary import Acronym, acronym_typed, acronyms

EXPANSION_BOOST = 0.5  # an acronym's long form (or the other way) ranks below the words typed
PHRASE_BONUS = 2.0  # a hyphenated term written together ranks above its words apart
NEAR_BONUS = 0.5  # two typed words near each other
NEAR_SLOP = 4
NEAR_PAIRS = 4  # pairs of typed words that each earn the whole nearness bonus; more share it
NEAR_FIELDS = ("title", "body")

# Words that carry no topic in a typed question ("how do councils ...", "what is a ...").
QUERY_STOP_WORDS = STOP_WORDS | frozenset(
    "what whats how why where who whom whose which does do did doing done is are was were been being "
    "should would could shall might must about there their they them i me my our ours "
    "into its than then so such just very also any some get gets".split()
)

_WORD = re.compile(WORD_PATTERN)


@dataclass
class Concept:
    """One thing asked for; a post has it when `query` matches."""

    typed: str
    query: wq.Query
    stems: tuple[str, ...] = ()  # for nearness bonuses: the stemmed words, when plain words


def concepts_of(words: list[str]) -> tuple[list[Concept], list[wq.Query]]:
    """Typed words as concepts, and the bonuses that rank them together: a long form or
    organisation name is one concept, an acronym is one, and so is every other meaningful word,
    including each part of a hyphenated term (whose phrase earns a bonus)."""
    whole = " ".join(words)
    org = canonical_org(whole) if len(words) > 1 else None
    if org:
        return [Concept(whole, wq.Or([_all_words(words), org_term(org)]), ())], []
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
            found, phrase = _compoundconcepts_of(parts)
            concepts.extend(found)
            bonus.extend(phrase)
        else:
            concept = _word_concept(words[i], words[i + 1] if i + 1 < len(words) else None, words[i - 1] if i else None)
            if concept is not None:
                concepts.append(concept)
        i += 1
    pairs = [
        (left.stems[-1], right.stems[0]) for left, right in zip(concepts, concepts[1:]) if left.stems and right.stems
    ]
    # A long question's many pairs share the bonus a short query's few have, so that words
    # merely side by side in a pasted sentence do not outweigh the words themselves.
    boost = NEAR_BONUS * min(1.0, NEAR_PAIRS / len(pairs)) if pairs else 0.0
    for left, right in pairs:
        bonus.extend(_near(left, right, boost))
    return _once_each(concepts), bonus


def _once_each(concepts: list[Concept]) -> list[Concept]:
    """A word typed twice in a long question is still one thing asked for."""
    unique: list[Concept] = []
    for concept in concepts:
        if all(concept.query != other.query for other in unique):
            unique.append(concept)
    return unique


def _word_concept(word: str, following: str | None, preceding: str | None) -> Concept | None:
    acronym = acronym_typed(word)
    if acronym is not None:
        return Concept(word, _acronym_concept(word, acronym), (stem(normal_word(word)),))
    normal = normal_word(word)
    if normal in QUERY_STOP_WORDS or len(normal) < 2:
        return None
    stemmed = stem(normal)
    alternatives = [text_term(stemmed)]
    # `well being` also finds "wellbeing": two typed words may be one word in the posts.
    for first, second in ((word, following), (preceding, word)):
        if first and second and _WORD.fullmatch(first) and _WORD.fullmatch(second):
            alternatives.append(text_term(stem(normal_word(first + second))))
    org = named_org(word)
    if org:
        alternatives.append(org_term(org))
    return Concept(word, alternatives[0] if len(alternatives) == 1 else wq.Or(alternatives), (stemmed,))


def _compoundconcepts_of(parts: list[str]) -> tuple[list[Concept], list[wq.Query]]:
    """`well-being` is the concepts well and being, each also met by "wellbeing", with a bonus
    when the parts stand together as typed."""
    normal = [normal_word(part) for part in parts]
    joined = text_term(stem(normal_word("".join(parts))))
    kept = [(part, stem(word)) for part, word in zip(parts, normal) if not is_stop_word(word)]
    concepts = [Concept(part, wq.Or([text_term(stemmed), joined]), (stemmed,)) for part, stemmed in kept]
    if len(kept) < 2:
        return concepts, []
    stems = [stemmed for _, stemmed in kept]
    return concepts, [wq.Phrase(name, stems, boost=PHRASE_BONUS) for name in TEXT_FIELDS]


def _acronym_concept(word: str, acronym: Acronym) -> wq.Query:
    """`SEND` in capitals finds the acronym (never the verb) and its long forms, ranked lower.
    In lower case it may also be the plain word: `send budgets` still ranks SEND posts first,
    because the acronym's mark is rarer than the word."""
    parts = [text_term(acronym_term(acronym.key))]
    if not acronym.also_a_word or not word.isupper():
        parts.append(text_term(stem(acronym.key)))
    parts.extend(_long_forms(acronym, EXPANSION_BOOST))
    org = canonical_org(acronym.written)
    if org:
        parts.append(org_term(org))
    return wq.Or(parts)


def _long_form_concept(typed: str, acronym: Acronym) -> wq.Query:
    """`education health and care plan` also finds posts that only write EHCP, ranked lower."""
    parts = _long_forms(acronym, 1.0)
    parts.append(text_term(acronym_term(acronym.key), EXPANSION_BOOST))
    if not acronym.also_a_word:
        parts.append(text_term(stem(acronym.key), EXPANSION_BOOST))
    org = canonical_org(typed) or canonical_org(acronym.written)
    if org:
        parts.append(org_term(org))
    return wq.Or(parts)


def _long_forms(acronym: Acronym, boost: float) -> list[wq.Query]:
    """Each long form as a phrase. A phrase scores the sum of its words, so an expansion's boost
    is shared among them: a long form found counts about as much as one typed word."""
    queries = []
    for form in acronym.long_forms:
        words = len(_WORD.findall(form))
        phrase = phrase_query(form, boost if boost >= 1 else boost / max(1, words))
        if phrase is not None:
            queries.append(phrase)
    return queries


def _long_form_at(words: list[str], start: int) -> tuple[int, Acronym] | None:
    """The longest acronym long form that the typed words spell from `start`, and where it ends."""
    best = None
    table = _long_form_table()
    stems: list[str] = []
    for end in range(start, min(len(words), start + 12)):
        stems.extend(stems_of(words[end]))
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
                key = tuple(text_stems(form))
                if len(key) > 1:
                    table.setdefault(key, acronym)
        _LONG_FORMS = table
    return _LONG_FORMS


def stems_of(word: str) -> list[str]:
    """A typed word's index terms as the analyzer makes them (hyphenated parts, stop words out)."""
    parts = (normal_word(part) for part in compound_parts(word))
    return [stem(part) for part in parts if not is_stop_word(part)]


def text_stems(text: str) -> list[str]:
    """The index terms of every word of a text, in order."""
    return [s for word in _WORD.findall(text) for s in stems_of(word)]


def phrase_query(text: str, boost: float = 1.0) -> wq.Query | None:
    stems = text_stems(text)
    if not stems:
        return None
    if len(stems) == 1:
        return text_term(stems[0], boost)
    return wq.Or([wq.Phrase(name, stems, boost=boost) for name in TEXT_FIELDS])


def words_scored(text: str) -> wq.Query:
    """The words of a phrase, each scored where it stands: for ranking posts known to have it."""
    stems = text_stems(text)
    return wq.Or([text_term(stem) for stem in stems]) if stems else wq.NullQuery


def words_query(words: list[str]) -> wq.Query | None:
    return phrase_query(" ".join(words))


def _all_words(words: list[str]) -> wq.Query:
    stems = text_stems(" ".join(words))
    return wq.And([text_term(s) for s in stems]) if stems else wq.NullQuery


def _near(left: str, right: str, boost: float) -> list[wq.Query]:
    """Two typed words ranked higher when near each other in the title or body. (Position
    checks are the dearest part of a search, so one nearness test a pair, not one per slop.)"""
    return [wq.Phrase(name, [left, right], slop=NEAR_SLOP, boost=boost) for name in NEAR_FIELDS]


def text_term(text: str, boost: float = 1.0) -> wq.Query:
    return wq.Or([wq.Term(name, text, boost=boost) for name in TEXT_FIELDS])


def org_term(canonical: str) -> wq.Query:
    return wq.Term(KEY_FIELDS["org"], filter_key("org", canonical))


def named_org(words: str) -> str | None:
    """The body these words name. A single word must be written as the text would write it,
    so `LGA` names the Local Government Association but `nice` is not NICE."""
    if len(words.split()) > 1:
        return canonical_org(words)
    found = find_organisations(words)
    return found[0] if len(found) == 1 else None
