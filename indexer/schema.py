"""The Whoosh schema, its version, and the one mapping between a Document and the index.

`document_fields` writes a Document as index fields; `stored_document` reads one back as the
contract's document and `document_from_stored` as the Document itself (so a rebuild can carry a
post across), so both directions live beside the fields they use. A post's body is kept in a
column of its own (`body_reader`), not among its stored fields.
"""

from __future__ import annotations

import datetime
import sys
from array import array

from whoosh.analysis import Filter, RegexTokenizer, SimpleAnalyzer
from whoosh.columns import CompressedBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.formats import Positions
from whoosh.system import pack_uint

from indexer.analysis import text_analyzer, words_of
from indexer.document import Document

# Bump when the fields or their analysis change: an index of another version must be rebuilt.
# 2: Snowball stemmer, joined compounds, acronym marks, British spellings; lists stored as lists.
# 3: facet labels indexed, so facets are read from postings, not from every stored post.
# 4: each file's hash, root and size-and-time in columns, so a reindex need not read every post.
# 5: the body in a column of its own, so reading a post's other fields does not unpack its body;
#    word positions as 4-byte numbers (PackedPositions), so numpy reads a word's places at once.
# 6: `source_url`, the post's original address.
# 7: `extraction`, how a saved page's text was found ("article", "recall", "visible text").
SCHEMA_VERSION = 7

# Facet name -> the stored field holding its display values.
FACET_FIELDS = {
    "tag": "tags",
    "org": "organisations",
    "category": "categories",
    "source": "source",
    "author": "author",
    "year": "year",
}
# Stored fields that hold a list of values.
LIST_FIELDS = ("tags", "categories", "organisations")
# Facet name -> the indexed field of its values as `value_key` writes them, for filters and
# `tag:`-style queries.
KEY_FIELDS = {name: f"{name}_key" for name in FACET_FIELDS if name != "year"}
KEY_FIELDS["year"] = "year"
# Facet name -> the indexed field of its values exactly as written, so the spelling most posts
# use can be shown for each key without reading stored posts. (A year is its own label.)
LABEL_FIELDS = {name: f"{name}_label" for name in KEY_FIELDS if name != "year"}
LABEL_FIELDS["year"] = "year"
# The fields free text is matched in: a post's tags and categories say what it is about.
TEXT_FIELDS = ("title", "body", "labels")
# The unstemmed words of each post, once each: what the spelling corrector may suggest.
WORDS_FIELD = "words"
# Each post's body as written, compressed, apart from its other stored fields: a download's
# 2,000 rows, a results page and a feed read those, and unpacking every body with them was two
# thirds of a download's time (Whoosh keeps a post's stored fields as one compressed pickle).
BODY_COLUMN = "body_text"

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

_VALUE_SEPARATOR = "\x1f"  # between the values of a key field; never inside a value


def value_key(value: str) -> str:
    """What two facet values share when they mean the same: case and spacing aside."""
    return " ".join(value.split()).casefold()


class PackedPositions(Positions):
    """Whoosh's Positions format with each posting's positions written as 4-byte little-endian
    numbers after Whoosh's 4-byte count, not as a pickled list of gaps. A phrase needs every
    place of its words, and numpy then reads them for all of a word's posts at once
    (indexer/engine/postings.py), where unpickling them was most of the time of reading a word's places."""

    def encode(self, poslist) -> bytes:
        packed = array("I", poslist)
        if _BIG_ENDIAN:
            packed.byteswap()
        return pack_uint(len(packed)) + packed.tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        packed = array("I", valuestring[_COUNT_SIZE:])
        if _BIG_ENDIAN:
            packed.byteswap()
        return packed.tolist()


_BIG_ENDIAN = sys.byteorder == "big"
_COUNT_SIZE = len(pack_uint(0))  # Whoosh's count of positions before them
assert array("I").itemsize == 4, "PackedPositions needs 4-byte unsigned ints"


def _text_field(**options) -> TEXT:
    """A text field whose positions are PackedPositions."""
    field = TEXT(**options)
    field.format = PackedPositions(field_boost=field.format.field_boost)
    return field


class ValueKeyFilter(Filter):
    """Key fields hold `value_key`s, so `tag:Peer  Challenge` finds "peer challenge"."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = value_key(token.text)
            if token.text:
                yield token


def _key_field() -> KEYWORD:
    field = KEYWORD(scorable=False)
    field.analyzer = RegexTokenizer(f"[^{_VALUE_SEPARATOR}]+") | ValueKeyFilter()
    return field


def _label_field() -> KEYWORD:
    field = KEYWORD(scorable=False)
    field.analyzer = RegexTokenizer(f"[^{_VALUE_SEPARATOR}]+")
    return field


def build_schema() -> Schema:
    text = text_analyzer()
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        path=STORED(),
        source_root=ID(stored=True, sortable=True),
        content_hash=ID(stored=True, sortable=True),
        file_stamp=ID(stored=True, sortable=True),
        title=_text_field(stored=True, analyzer=text, field_boost=2.0),
        body=_text_field(analyzer=text),
        **{BODY_COLUMN: COLUMN(CompressedBytesColumn())},
        labels=_text_field(analyzer=text, field_boost=1.5),
        words=KEYWORD(scorable=False),
        date=ID(stored=True),
        newest_key=ID(sortable=True),
        oldest_key=ID(sortable=True),
        year=ID(stored=True),
        author=ID(stored=True),
        source=ID(stored=True),
        tags=STORED(),
        categories=STORED(),
        organisations=STORED(),
        source_url=STORED(),
        extraction=ID(stored=True),
        source_text=TEXT(analyzer=SimpleAnalyzer()),
        author_text=TEXT(analyzer=SimpleAnalyzer()),
        **{KEY_FIELDS[name]: _key_field() for name in FACET_FIELDS if name != "year"},
        **{LABEL_FIELDS[name]: _label_field() for name in FACET_FIELDS if name != "year"},
    )


def document_fields(document: Document, content_hash: str, source_root: str, file_stamp: str = "") -> dict:
    """A Document as index fields: display values, filter keys, sort keys and spelling words,
    with what the reindex job compares next time (the file's hash, its source, its size and time)."""
    date = document.date.isoformat() if document.date else None
    fields = {
        "id": document.id,
        "path": document.path,
        "source_root": source_root,
        "content_hash": content_hash,
        "file_stamp": file_stamp,
        "title": document.title,
        "body": document.body,
        BODY_COLUMN: document.body.encode("utf-8"),
        "labels": "\n".join([*document.tags, *document.categories]),
        WORDS_FIELD: " ".join(sorted(set(words_of(f"{document.title}\n{document.body}")))),
        "newest_key": date or NEWEST_KEY_MISSING,
        "oldest_key": date or OLDEST_KEY_MISSING,
        "source_text": document.source or "",
        "author_text": document.author or "",
    }
    if date:
        fields["date"] = date
        fields["year"] = document.year
    if document.source_url:
        fields["source_url"] = document.source_url
    if document.extraction:
        fields["extraction"] = document.extraction
    values = {
        "tag": document.tags,
        "category": document.categories,
        "org": document.organisations,
        "source": [document.source] if document.source else [],
        "author": [document.author] if document.author else [],
    }
    for name, items in values.items():
        clean = [" ".join(item.split()) for item in items if item and item.strip()]
        if not clean:
            continue
        display = FACET_FIELDS[name]
        fields[display] = clean if display in LIST_FIELDS else clean[0]
        fields[KEY_FIELDS[name]] = _VALUE_SEPARATOR.join(value_key(item) for item in clean)
        fields[LABEL_FIELDS[name]] = _VALUE_SEPARATOR.join(clean)
    return fields


def stored_document(stored: dict, body: str | None = None) -> dict:
    """Stored index fields as the contract's document fields, with the body when given."""
    doc = {
        "id": stored["id"],
        "path": stored.get("path"),
        "title": stored.get("title", ""),
        "date": stored.get("date"),
        "year": stored.get("year"),
        "author": stored.get("author"),
        "source": stored.get("source"),
    }
    for name in LIST_FIELDS:
        doc[name] = list(stored.get(name) or ())
    doc["source_url"] = stored.get("source_url")
    if body is not None:
        doc["body"] = body
    return doc


def document_from_stored(stored: dict, body: str) -> Document:
    """Stored index fields and body as the Document they were written from: `document_fields` undone."""
    date = stored.get("date")
    return Document(
        id=stored["id"],
        path=stored.get("path", ""),
        title=stored.get("title", ""),
        body=body,
        date=datetime.date.fromisoformat(date) if date else None,
        author=stored.get("author"),
        source=stored.get("source"),
        **{name: list(stored.get(name) or ()) for name in LIST_FIELDS},
        source_url=stored.get("source_url"),
        extraction=stored.get("extraction"),
    )


def body_reader(reader):
    """Each post's body by document number, from its column: `body_reader(reader)(docnum)`.
    Keep the reader to read many: each makes its column reader afresh."""
    column = reader.column_reader(BODY_COLUMN)
    return lambda docnum: column[docnum].decode("utf-8")
