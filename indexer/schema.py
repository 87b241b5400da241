"""The Whoosh schema: which fields are searched, which are facets, and its version."""
from __future__ import annotations

from whoosh.analysis import SimpleAnalyzer, StemmingAnalyzer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

# Bump when the fields change: an index of another version must be rebuilt.
SCHEMA_VERSION = 1

# Facet fields keep each value's case for display; `*_key` twins hold the same values
# lower-cased, so filters and `tag:`-style queries ignore case.
FACET_FIELDS = {
    "tag": "tags",
    "org": "organisations",
    "category": "categories",
    "source": "source",
    "author": "author",
    "year": "year",
}
# Stored facet fields that hold several values, joined with commas.
LIST_FIELDS = ("tags", "categories", "organisations")
KEY_FIELDS = {name: f"{name}_key" for name in FACET_FIELDS if name != "year"}
KEY_FIELDS["year"] = "year"

# Sort keys that put undated posts last whichever way the dates run.
NEWEST_KEY_MISSING = "0000-00-00"
OLDEST_KEY_MISSING = "9999-99-99"

# What a user may write before a colon in a query, and the field it searches.
QUERY_FIELD_NAMES = {
    "title": "title",
    "body": "body",
    "tag": "tag_key",
    "tags": "tag_key",
    "org": "org_key",
    "organisation": "org_key",
    "organisations": "org_key",
    "category": "category_key",
    "source": "source_text",
    "author": "author_text",
    "year": "year",
}


def _keyword(stored: bool, lowercase: bool) -> KEYWORD:
    return KEYWORD(stored=stored, commas=True, lowercase=lowercase, scorable=not stored)


def build_schema() -> Schema:
    stemmed = StemmingAnalyzer()
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        path=STORED(),
        source_root=ID(stored=True),
        content_hash=STORED(),
        title=TEXT(stored=True, analyzer=stemmed, field_boost=2.0, spelling=True),
        body=TEXT(stored=True, analyzer=stemmed, spelling=True),
        date=ID(stored=True),
        newest_key=ID(sortable=True),
        oldest_key=ID(sortable=True),
        year=ID(stored=True),
        author=ID(stored=True),
        source=ID(stored=True),
        tags=_keyword(stored=True, lowercase=False),
        categories=_keyword(stored=True, lowercase=False),
        organisations=_keyword(stored=True, lowercase=False),
        tag_key=_keyword(stored=False, lowercase=True),
        category_key=_keyword(stored=False, lowercase=True),
        org_key=_keyword(stored=False, lowercase=True),
        source_key=_keyword(stored=False, lowercase=True),
        author_key=_keyword(stored=False, lowercase=True),
        source_text=TEXT(analyzer=SimpleAnalyzer()),
        author_text=TEXT(analyzer=SimpleAnalyzer()),
    )
