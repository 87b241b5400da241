"""The query service: a SearchRequest in, a SearchResult out. Shared by the CLI and the web.

One searcher is kept per process and refreshed when the index changes, since opening one per
request costs ~90 ms (see ../shared/WHOOSH-NOTES.md). Facet values are cached per searcher
generation and counted with Counter, which is several times faster than Whoosh's groupedby.
"""
from __future__ import annotations

import logging
import threading
from collections import Counter
from itertools import chain
from pathlib import Path
from typing import Iterator

from whoosh import highlight
from whoosh import index as whoosh_index
from whoosh import query as wq

from indexer import store
from indexer.queries import TEXT_FIELDS, date_query, filter_queries, make_parser, parse_user_query
from indexer.request import FILTER_FIELDS, SearchRequest, canonical_value, filter_key
from indexer.results import DocumentPage, FacetValue, Hit, IndexStatus, IndexUnavailable, SearchResult
from indexer.schema import FACET_FIELDS, LIST_FIELDS
from indexer.snippets import MarkFormatter, PassageFragmenter, escaped, lead, paragraphs, whole_text_fragmenter

logger = logging.getLogger(__name__)

MORE_LIKE_THIS = 5
MORE_LIKE_TERMS = (8, 25)  # key terms to try, fewest first; see _more_like
SUGGEST_BELOW = 10  # results; see _suggestion


def document_dict(stored: dict, with_body: bool = False) -> dict:
    """Stored Whoosh fields as the contract's document fields."""
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
        doc[name] = list(stored_values(stored, name))
    if with_body:
        doc["body"] = stored.get("body", "")
    return doc


def stored_values(stored: dict, field: str) -> tuple[str, ...]:
    """A stored facet field's values: LIST_FIELDS hold several, joined with commas."""
    raw = stored.get(field) or ""
    if field in LIST_FIELDS:
        return tuple(value for value in raw.split(",") if value)
    return (raw,) if raw else ()


class _Generation:
    """One open searcher and what is cached for it."""

    def __init__(self, generation: Path):
        self.path = generation
        self.meta = store.check_schema(generation)
        self.index = whoosh_index.open_dir(str(generation))
        self.searcher = self.index.searcher()
        self.parser = make_parser(self.index.schema)
        self._facet_values: dict[str, list[tuple[str, ...]]] | None = None

    def refresh(self) -> None:
        if not self.searcher.up_to_date():
            self.searcher = self.searcher.refresh()
            self.meta = store.read_meta(self.path) or self.meta
            self._facet_values = None

    def facet_values(self) -> dict[str, list[tuple[str, ...]]]:
        """Each facet's values for every document number, read once per searcher generation."""
        if self._facet_values is None:
            size = self.searcher.reader().doc_count_all()
            values: dict[str, list[tuple[str, ...]]] = {name: [()] * size for name in FILTER_FIELDS}
            for docnum, stored in self.searcher.reader().iter_docs():
                for name in FILTER_FIELDS:
                    values[name][docnum] = stored_values(stored, FACET_FIELDS[name])
            self._facet_values = values
        return self._facet_values

    def close(self) -> None:
        self.searcher.close()
        self.index.close()


class SearchService:
    """Answers searches against the live index in `index_dir`, following reindexes."""

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self._lock = threading.RLock()
        self._current: _Generation | None = None
        self._stamp: tuple = ()

    # -- the open searcher -------------------------------------------------------------
    def _generation(self) -> _Generation:
        stamp = store.pointer_stamp(self.index_dir)
        if self._current is None or stamp != self._stamp:
            live = store.live_generation(self.index_dir)
            if live is None:
                raise IndexUnavailable("There is no search index yet. Run `lgsearch index` to build it.")
            try:
                fresh = _Generation(live)
            except store.IndexOutdated as error:
                raise IndexUnavailable(str(error)) from None
            except Exception as error:
                logger.exception("Could not open the index in %s", live)
                raise IndexUnavailable("The search index could not be opened. Run `lgsearch index --rebuild`.") from error
            if self._current is not None:
                self._current.close()
            self._current, self._stamp = fresh, stamp
        else:
            self._current.refresh()
        return self._current

    def close(self) -> None:
        with self._lock:
            if self._current is not None:
                self._current.close()
                self._current = None

    def __enter__(self) -> "SearchService":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- searching ---------------------------------------------------------------------
    def search(self, request: SearchRequest) -> SearchResult:
        with self._lock:
            gen = self._generation()
            parsed = parse_user_query(gen.parser, request.q)
            filters = filter_queries(request)
            dates = date_query(request)
            # Each part is matched once as a set of document numbers; the page, the total and
            # every facet's counts are then set intersections, not further Whoosh searches.
            base = self._docs(gen.searcher, _combine([parsed.query, dates]))
            filter_docs = {name: self._docs(gen.searcher, q) for name, q in filters.items()}
            matching = _intersect(base, filter_docs.values())
            hits = self._page(gen, parsed.query, matching, request)
            facets = self._facets(gen, base, filter_docs, request)
            suggestion = None
            if not parsed.notice:
                suggestion = self._suggestion(gen, request, parsed.query, dates, filters, len(matching))
            return SearchResult(request, len(matching), hits, facets, suggestion, parsed.notice)

    def iter_matching(self, request: SearchRequest) -> Iterator[dict]:
        """Every match on every page, in the request's order: for CSV downloads."""
        with self._lock:
            gen = self._generation()
            parsed = parse_user_query(gen.parser, request.q)
            full = _combine([parsed.query, date_query(request), *filter_queries(request).values()])
            results = gen.searcher.search(full, limit=None, **_sort_args(request))
            documents = [document_dict(hit.fields()) for hit in results]
        yield from documents

    def _docs(self, searcher, q: wq.Query) -> set[int]:
        return set(searcher.docs_for_query(q))

    def _page(self, gen: _Generation, text_query, matching: set[int], request: SearchRequest) -> list[Hit]:
        first = (request.page - 1) * request.per_page
        if first >= len(matching):
            return []
        results = gen.searcher.search(text_query or wq.Every(), filter=matching, limit=first + request.per_page,
                                      terms=True, **_sort_args(request))
        results.fragmenter = PassageFragmenter()
        results.formatter = MarkFormatter()
        scored = request.effective_sort == "relevance" and text_query is not None
        hits = []
        for hit in results[first:first + request.per_page]:
            stored = hit.fields()
            snippet = " ".join(hit.highlights("body", top=2).split()) if text_query is not None else ""
            hits.append(Hit(document_dict(stored), snippet or lead(stored.get("body", "")),
                            hit.score if scored else None))
        return hits

    def _facets(self, gen: _Generation, base: set[int], filter_docs: dict[str, set[int]],
                request: SearchRequest) -> dict[str, list[FacetValue]]:
        """Each field counted under every filter but its own, so a ticked value never hides the rest."""
        facet_values = gen.facet_values()
        facets = {}
        for name in FILTER_FIELDS:
            docs = _intersect(base, [d for other, d in filter_docs.items() if other != name])
            values_by_doc = facet_values[name]
            counts = Counter(chain.from_iterable(values_by_doc[docnum] for docnum in docs))
            # Indexed values are already canonical; only the request's need mapping.
            selected = {filter_key(name, value) for value in getattr(request, name)}
            listed = [FacetValue(value, count, value.casefold() in selected) for value, count in counts.items()]
            shown = {v.value.casefold() for v in listed}
            for value in getattr(request, name):
                value = canonical_value(name, value)
                if value.casefold() not in shown:
                    listed.append(FacetValue(value, 0, True))
                    shown.add(value.casefold())
            order = (lambda v: (-int(v.value), )) if name == "year" else (lambda v: (-v.count, v.value.casefold()))
            facets[name] = sorted(listed, key=order)
        return facets

    def _suggestion(self, gen, request, text_query, dates, filters, total) -> str | None:
        """A corrected query, offered only when it finds more than the original.

        Whoosh's corrector compares against every word in the index in pure Python (~60 ms at
        5,000 posts), so it is only asked when the search found less than a page of results."""
        if text_query is None or not request.q.strip() or total >= SUGGEST_BELOW:
            return None
        try:
            corrected = gen.searcher.correct_query(gen.parser.parse(request.q), request.q)
        except Exception:
            logger.debug("No spelling correction for %r", request.q, exc_info=True)
            return None
        if corrected.query == corrected.original_query or corrected.string.strip() == request.q.strip():
            return None
        better = parse_user_query(gen.parser, corrected.string).query
        found = len(self._docs(gen.searcher, _combine([better, dates, *filters.values()])))
        return corrected.string if found > total else None

    # -- one document ------------------------------------------------------------------
    def stored_document(self, doc_id: str) -> dict | None:
        """All stored fields of one document, without the page's highlighting or more-like-this."""
        with self._lock:
            searcher = self._generation().searcher
            docnum = searcher.document_number(id=doc_id)
            return None if docnum is None else document_dict(searcher.stored_fields(docnum), with_body=True)

    def document(self, doc_id: str, q: str = "") -> DocumentPage | None:
        with self._lock:
            gen = self._generation()
            searcher = gen.searcher
            docnum = searcher.document_number(id=doc_id)
            if docnum is None:
                return None
            stored = searcher.stored_fields(docnum)
            doc = document_dict(stored, with_body=True)
            terms = self._body_terms(gen, q)
            marked = [self._highlight(gen, p, terms) for p in paragraphs(doc["body"])]
            similar = self._more_like(searcher, docnum)
            return DocumentPage(doc, marked, [document_dict(hit.fields()) for hit in similar])

    def _more_like(self, searcher, docnum: int):
        """Posts sharing this one's key terms. Few terms are enough (and cheap) in a large
        collection; a small one needs more before five other posts share any."""
        for numterms in MORE_LIKE_TERMS:
            similar = searcher.more_like(docnum, "body", top=MORE_LIKE_THIS, numterms=numterms)
            if similar.scored_length() >= MORE_LIKE_THIS:
                break
        return similar

    def _body_terms(self, gen: _Generation, q: str) -> frozenset[str]:
        parsed = parse_user_query(gen.parser, q).query
        if parsed is None:
            return frozenset()
        return frozenset(text for field, text in parsed.iter_all_terms() if field in TEXT_FIELDS)

    def _highlight(self, gen: _Generation, paragraph: str, terms: frozenset[str]) -> str:
        if terms:
            analyzer = gen.index.schema["body"].analyzer
            marked = highlight.highlight(paragraph, terms, analyzer, whole_text_fragmenter(), MarkFormatter(), top=1)
            if marked:
                return marked
        return escaped(paragraph)

    # -- the index as a whole ----------------------------------------------------------
    def status(self) -> IndexStatus:
        with self._lock:
            gen = self._generation()
            return IndexStatus(gen.searcher.doc_count(), gen.meta.get("indexed_at"), store.index_size(gen.path))

    def export(self) -> Iterator[dict]:
        with self._lock:
            gen = self._generation()
            documents = [document_dict(stored, with_body=True)
                         for _, stored in sorted(gen.searcher.reader().iter_docs(), key=lambda d: d[1]["id"])]
        yield from documents

    def top_facet_values(self, limit: int = 10) -> dict[str, list[FacetValue]]:
        """The most common values of each facet over the whole index."""
        result = self.search(SearchRequest(per_page=1))
        return {name: values[:limit] for name, values in result.facets.items()}

    # -- the health check --------------------------------------------------------------
    _healthy_files: tuple = ()

    def health(self) -> IndexStatus:
        """The status, once the index being served has been read for real: its first and last
        stored documents and their postings, through plain reads of the files on disk. The open
        searcher reads through memory maps, and a map of a file truncated under it kills the
        worker (SIGBUS), so damage found here also stops it being served. Read again only
        when the files change."""
        with self._lock:
            gen = self._generation()
            files = _files_on_disk(gen.path)
            if files != self._healthy_files:
                try:
                    _read_through(gen.path)
                except Exception as error:
                    logger.exception("The index in %s is damaged", gen.path)
                    self.close()
                    raise IndexUnavailable("The search index is damaged. "
                                           "Run `lgsearch index --rebuild` to rebuild it from the sources.") from error
                self._healthy_files = files
            return IndexStatus(gen.searcher.doc_count(), gen.meta.get("indexed_at"), store.index_size(gen.path))


def _files_on_disk(generation: Path) -> tuple:
    files = []
    for entry in generation.iterdir():
        try:
            stat = entry.stat()
        except OSError:
            continue
        files.append((entry.name, stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(files))


def _read_through(generation: Path) -> None:
    """Open the index afresh without memory maps and read a stored document and a posting at each end."""
    from whoosh.filedb.filestore import FileStorage

    ix = FileStorage(str(generation), supports_mmap=False, readonly=True).open_index()
    try:
        with ix.searcher() as searcher:
            reader = searcher.reader()
            last = reader.doc_count_all() - 1
            for docnum in sorted({0, last}) if last >= 0 else ():
                if reader.is_deleted(docnum):
                    continue
                doc_id = reader.stored_fields(docnum)["id"]
                if docnum not in set(reader.postings("id", doc_id).all_ids()):
                    raise ValueError(f"document {docnum} is missing from the postings of its id")
    finally:
        ix.close()


def _combine(parts: list) -> wq.Query:
    present = [p for p in parts if p is not None]
    if not present:
        return wq.Every()
    return present[0] if len(present) == 1 else wq.And(present)


def _intersect(base: set[int], others) -> set[int]:
    result = base
    for other in sorted(others, key=len):
        result = result & other
    return result


def _sort_args(request: SearchRequest) -> dict:
    sort = request.effective_sort
    if sort == "newest" or (sort == "relevance" and not request.q.strip()):
        return {"sortedby": "newest_key", "reverse": True}
    if sort == "oldest":
        return {"sortedby": "oldest_key"}
    return {}

