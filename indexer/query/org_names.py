"""An organisation as its page knows it: the name to show, its kind and its other names.

The index holds each body's canonical name with any comma turned into a space (commas separate
the values of a list field), so "Department for Environment, Food and Rural Affairs" is indexed
without its comma. Pages show the gazetteer's spelling and search with the indexed one.
The page's address is the web layer's business (webui/params.py).
"""

from __future__ import annotations

import functools

from indexer.organisations import aliases, known_organisations, organisation_kind

OTHER_KIND = "other"


def name_key(name: str) -> str:
    """What two spellings of one name share: case, commas and runs of spaces aside."""
    return " ".join(name.replace(",", " ").split()).casefold()


@functools.cache
def _gazetteer_by_key() -> dict[str, str]:
    return {name_key(name): name for name in known_organisations()}


@functools.lru_cache(maxsize=20_000)
def display_name(indexed: str) -> str:
    """The name to show for a value of the index's organisation field."""
    return _gazetteer_by_key().get(name_key(indexed)) or " ".join(indexed.split())


@functools.lru_cache(maxsize=20_000)
def kind_of(name: str) -> str:
    """One of orgs.KINDS, or "other" for a name neither the gazetteer nor the rules place."""
    known = known_organisations().get(display_name(name))
    return known or organisation_kind(name) or OTHER_KIND


def aliases_of(name: str) -> list[str]:
    """The other names the gazetteer knows a body by; rule-found bodies have none."""
    shown = display_name(name)
    if shown not in known_organisations():
        return []
    return [alias for alias in aliases(shown) if alias != shown]
