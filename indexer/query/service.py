"""The query service: a SearchRequest in, a SearchResult out. Shared by the CLI and the web.

One searcher is kept per process (generation.py) and refreshed when the index changes, since
opening one per request costs ~90 ms (see ../shared/WHOOSH-NOTES.md). A request is matched as
sets (matching.py), put in order (ranking.py), and its facets counted from per-generation facet
keys (facets.py), several times faster than Whoosh's groupedby; the answer is kept for the same
request again (cache.py).
"""
from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from pathlib import Path
from typing import Iterator

from whoosh import query as wq

from indexer import store
from indexer.query.bounds import Deadline, OutOfTime, bounded_docs, bounded_query, time_limit_setting
from indexer.query.cache import AnswerCache
from indexer.query.facets import facet_values
from indexer.query.generation import Generation, live_counts
from indexer.query.health import files_on_disk, read_through
from indexer.query.matching import Found, TextMatch, base_of, intersect, text_match
from indexer.query.parsing import ParsedQuery, date_query, filter_queries, parse_user_query
from indexer.query.ranking import page, ranked, text_terms
from indexer.query.request import FILTER_FIELDS, SearchRequest
from indexer.query.results import (Correction, DocumentPage, FacetValue, FacetValues, IndexStatus, IndexUnavailable,
                                   SearchResult)
from indexer.query.similar import more_like
from indexer.query.snippets import escaped, highlight_text, paragraphs
from indexer.schema import stored_document

logger = logging.getLogger(__name__)

DAMAGED = "The search index is damaged. Run `lgsearch index --rebuild` to rebuild it from the sources."
FOLLOW_EVERY = 1.0  # seconds between looks for a new version of the index, when following
HEALTH_WAIT = 0.05  # seconds /healthz waits for a search to finish before giving its last answer
CACHE_ALL_UP_TO = 5_000  # matches; a longer download is worked out afresh each time


class SearchService:
    """Answers searches against the live index in `index_dir`, following reindexes."""

    def __init__(self, index_dir: Path, time_limit: float | None = None):
        self.index_dir = Path(index_dir)
        self.time_limit = time_limit if time_limit is not None else time_limit_setting()
        self._lock = threading.RLock()
        self._current: Generation | None = None
        self._stamp: tuple = ()
        self._answers = AnswerCache()
        self._last_health: tuple[Path, IndexStatus] | None = None
        self._following = False
        self._stopped = threading.Event()

    # -- the open searcher -------------------------------------------------------------
    def _generation(self) -> Generation:
        if self._following and self._current is not None:
            return self._current  # new versions are opened in the background (follow)
        stamp = store.pointer_stamp(self.index_dir)
        if self._current is None or stamp != self._stamp:
            live = store.live_generation(self.index_dir)
            if live is None:
                raise IndexUnavailable("There is no search index yet. Run `lgsearch index` to build it.")
            try:
                fresh = Generation.opened(live)
            except store.IndexOutdated as error:
                raise IndexUnavailable(str(error)) from None
            except Exception as error:
                logger.exception("Could not open the index in %s", live)
                raise IndexUnavailable("The search index could not be opened. Run `lgsearch index --rebuild`.") from error
            if self._current is not None:
                self._current.close()
            self._current, self._stamp = fresh, stamp
        elif self._current.refresh():
            self._current.warm()
        return self._current

    def warm(self) -> None:
        """Open the index and read what searches need now, the commonest words' places too (a
        server does this as it starts)."""
        with self._lock:
            self._generation().warm_common_words()

    def follow(self, every: float = FOLLOW_EVERY) -> None:
        """From now on, open each new version of the index in the background as soon as it is
        published, and switch to it once warmed, so no visitor's search waits while it opens.
        Until then searches use the version before, which stays readable."""
        self._following = True
        threading.Thread(target=self._keep_following, args=(every,), daemon=True,
                         name="lgsearch-follow").start()

    def _keep_following(self, every: float) -> None:
        while not self._stopped.wait(every):
            try:
                self._open_next()
            except Exception:
                logger.exception("Could not open the new version of the index; still serving the one before")

    def _open_next(self) -> None:
        stamp = store.pointer_stamp(self.index_dir)
        current = self._current
        if current is None or (stamp == self._stamp and current.searcher.up_to_date()):
            return  # nothing open (a request opens it) or nothing new
        live = store.live_generation(self.index_dir)
        if live is None:
            return
        fresh = Generation.opened(live)
        try:
            fresh.warm_common_words()
        except Exception:
            fresh.close()
            raise
        with self._lock:
            old, self._current, self._stamp = self._current, fresh, stamp
            if old is not None:
                old.close()

    def _cached(self, gen: Generation, key, answer):
        """The answer to `key` for this version of the index: remembered, or worked out now."""
        version = _version(gen)
        found = self._answers.get(version, key)
        if found is None:
            try:
                found, complete = answer()
            except (OutOfTime, IndexUnavailable):
                raise
            except Exception:
                self._check_readable(gen)  # a damaged index says so; anything else is a bug
                raise
            if complete:
                self._answers.put(version, key, found, _weight(found))
        return found

    def close(self) -> None:
        self._stopped.set()
        self._drop_current()

    def _drop_current(self) -> None:
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
        """One page of results with facets; the same request again is answered from memory."""
        with self._lock:
            gen = self._generation()
            return self._cached(gen, ("page", request), lambda: self._search(gen, request))

    def _search(self, gen: Generation, request: SearchRequest) -> tuple[SearchResult, bool]:
        found = self._resolve(gen, request)
        hits, facets = [], {name: FacetValues.of([]) for name in FILTER_FIELDS}
        try:
            hits = page(gen, found, request)
            facets = facet_values(gen, found.base, found.filter_docs, request)
        except OutOfTime:
            found.out_of_time = True
        result = SearchResult(request, len(found.matching), hits, facets, found.suggestion,
                              found.notice(), found.correction)
        if not found.timed_out:  # the page's timeline, from the posts already matched
            months = gen.month_counts(found.matching)
            self._answers.put(_version(gen), ("months", request.with_changes(page=1)), months, _weight(months))
        return result, not found.timed_out

    def iter_matching(self, request: SearchRequest) -> Iterator[dict]:
        """Every match on every page, in the request's order: for CSV downloads."""
        with self._lock:
            gen = self._generation()
            documents = self._cached(gen, ("all", request.with_changes(page=1, per_page=1)),
                                     lambda: self._all_matching(gen, request))
        yield from documents

    def _all_matching(self, gen: Generation, request: SearchRequest) -> tuple[list[dict], bool]:
        found = self._resolve(gen, request)
        try:
            hits = ranked(gen, found, request, None)
        except OutOfTime:
            found.out_of_time, hits = True, []
        return [hit.document for hit in hits], not found.timed_out and len(hits) <= CACHE_ALL_UP_TO

    def month_counts(self, request: SearchRequest) -> Counter:
        """How many of a search's results were published in each month (`YYYY-MM`); undated ones are left out."""
        with self._lock:
            gen = self._generation()
            return self._cached(gen, ("months", request.with_changes(page=1)), lambda: self._months(gen, request))

    def _months(self, gen: Generation, request: SearchRequest) -> tuple[Counter, bool]:
        found = self._resolve(gen, request)
        return gen.month_counts(found.matching), not found.timed_out

    def _resolve(self, gen: Generation, request: SearchRequest) -> Found:
        """Which posts a request matches, as sets of document numbers, with any spelling
        correction applied. Each part is matched once; the page, the total and every facet's
        counts are then set intersections, not further Whoosh searches."""
        deadline = Deadline(self.time_limit)
        parsed = self._parse(gen, request.q)
        found = Found(parsed, TextMatch(set(), set(), []), {}, set(), set())
        try:
            for name, q in filter_queries(request).items():
                found.filter_docs[name] = bounded_docs(gen, q, deadline)
            dates = date_query(request)
            if dates is not None:  # narrows every facet, never counted as one
                found.filter_docs[""] = bounded_docs(gen, dates, deadline)
            found.text = text_match(gen, parsed, deadline)
            if parsed.words and not intersect(found.text.all_docs, found.filter_docs.values()):
                self._correct(gen, request, found, deadline)
            found.base, found.partial = base_of(found.text, found.filter_docs, len(found.parsed.concepts))
        except OutOfTime:
            found.out_of_time = True
        found.matching = intersect(found.base, found.filter_docs.values())
        found.deadline = deadline
        return found

    def _parse(self, gen: Generation, q: str) -> ParsedQuery:
        parsed = parse_user_query(gen.parser, q)
        if parsed.query is not None and parsed.query is not wq.NullQuery:
            notices = [parsed.notice] if parsed.notice else []
            reader = gen.searcher.reader()
            bound = lambda part: bounded_query(part, reader, notices)  # noqa: E731
            parsed.query = bound(parsed.query)
            parsed.required = [bound(part) for part in parsed.required]
            parsed.excluded = [bound(part) for part in parsed.excluded]
            parsed.notice = " ".join(dict.fromkeys(notices)) or None
        return parsed

    def _correct(self, gen: Generation, request: SearchRequest, found: Found, deadline: Deadline) -> None:
        """Show the corrected results when only they have all the words; otherwise offer them
        when they find more posts."""
        corrected_q = self._corrected(gen, request.q, found.parsed.words)
        if not corrected_q:
            return
        better = self._parse(gen, corrected_q)
        better_text = text_match(gen, better, deadline)
        filters = found.filter_docs.values()
        if intersect(better_text.all_docs, filters) and request.correct:
            found.correction = Correction(request.q, corrected_q)
            found.parsed, found.text = better, better_text
        elif len(intersect(better_text.any_docs, filters)) > len(intersect(found.text.any_docs, filters)):
            found.suggestion = corrected_q  # "Did you mean": it finds more, if not all the words

    def _corrected(self, gen: Generation, q: str, words: list[str]) -> str | None:
        """The query with its misspelt words corrected, or None when none can be."""
        fixes = gen.corrector().correct_words(words)
        if not fixes:
            return None
        corrected = q
        for typed, fix in fixes.items():
            corrected = re.sub(rf"(?<!\w){re.escape(typed)}(?!\w)", fix, corrected)
        return corrected if corrected != q else None

    # -- one document ------------------------------------------------------------------
    def stored_document(self, doc_id: str) -> dict | None:
        """All stored fields of one document, without the page's highlighting or more-like-this."""
        with self._lock:
            gen = self._generation()
            docnum = gen.searcher.document_number(id=doc_id)
            return None if docnum is None else stored_document(gen.stored_fields(docnum), gen.body(docnum))

    def document(self, doc_id: str, q: str = "") -> DocumentPage | None:
        """One document with the query's words lit and more like it; kept for the same visit again."""
        with self._lock:
            gen = self._generation()
            return self._cached(gen, ("doc", doc_id, q), lambda: (self._document(gen, doc_id, q), True))

    def _document(self, gen: Generation, doc_id: str, q: str) -> DocumentPage | None:
        searcher = gen.searcher
        docnum = searcher.document_number(id=doc_id)
        if docnum is None:
            return None
        doc = stored_document(gen.stored_fields(docnum), gen.body(docnum))
        terms = self._body_terms(gen, q)
        marked = [self._highlight(gen, p, terms) for p in paragraphs(doc["body"])]
        similar = self._cached(gen, ("similar", doc_id), lambda: (self._similar(gen, docnum), True))
        return DocumentPage(doc, marked, similar)

    def _similar(self, gen: Generation, docnum: int) -> list[dict]:
        """More like this, the same whatever the query: kept apart from each visit's highlights."""
        similar = more_like(gen, docnum, Deadline(self.time_limit))
        return [stored_document(gen.stored_fields(doc)) for doc in similar]

    def _body_terms(self, gen: Generation, q: str) -> frozenset[str]:
        """The terms to light up on a document's page; a misspelt word is lit as corrected,
        as the results page that linked here showed it."""
        parsed = parse_user_query(gen.parser, q)
        if parsed.words:
            corrected = self._corrected(gen, q, parsed.words)
            if corrected:
                parsed = parse_user_query(gen.parser, corrected)
        if parsed.query is None:
            return frozenset()
        return text_terms(parsed.query)

    def _highlight(self, gen: Generation, paragraph: str, terms: frozenset[str]) -> str:
        return highlight_text(paragraph, terms, gen.schema["body"].analyzer) or escaped(paragraph)

    # -- the index as a whole ----------------------------------------------------------
    def status(self) -> IndexStatus:
        with self._lock:
            gen = self._generation()
            return IndexStatus(gen.searcher.doc_count(), gen.meta.get("indexed_at"), store.index_size(gen.path),
                               extraction=live_counts(gen.searcher.reader(), "extraction"))

    def export(self) -> Iterator[dict]:
        with self._lock:
            gen = self._generation()
            documents = [stored_document(stored, gen.body(docnum))
                         for docnum, stored in sorted(gen.searcher.reader().iter_docs(), key=lambda d: d[1]["id"])]
        yield from documents

    def top_facet_values(self, limit: int = 10) -> dict[str, list[FacetValue]]:
        """The most common values of each facet over the whole index."""
        result = self.search(SearchRequest(per_page=1))
        return {name: values[:limit] for name, values in result.facets.items()}

    def _check_readable(self, gen: Generation) -> None:
        """Read the generation through; if it cannot be, stop serving it and say so."""
        try:
            read_through(gen.path)
        except Exception as error:
            logger.exception("The index in %s is damaged", gen.path)
            self._last_health = None
            self._drop_current()
            raise IndexUnavailable(DAMAGED) from error

    # -- the health check --------------------------------------------------------------
    _healthy_files: tuple = ()

    def health(self) -> IndexStatus:
        """The status, once the index being served has been read for real: its first and last
        stored documents and their postings, through plain reads of the files on disk. The open
        searcher reads through memory maps, and a map of a file truncated under it kills the
        worker (SIGBUS), so damage found here also stops it being served. Read again only
        when the files change. While a search holds the searcher, the last answer stands as
        long as the files have not changed since, so a busy server still answers at once."""
        if not self._lock.acquire(timeout=HEALTH_WAIT):
            last = self._last_health
            if last is not None and files_on_disk(last[0]) == self._healthy_files:
                return last[1]
            self._lock.acquire()
        try:
            gen = self._generation()
            files = files_on_disk(gen.path)
            if files != self._healthy_files:
                self._check_readable(gen)
                self._healthy_files = files
            status = IndexStatus(gen.searcher.doc_count(), gen.meta.get("indexed_at"), store.index_size(gen.path))
            self._last_health = (gen.path, status)
            return status
        finally:
            self._lock.release()


def _version(gen: Generation) -> tuple:
    """Which version of the index an answer was worked out on: any change forgets it."""
    return str(gen.path), id(gen), gen.version


def _weight(answer) -> int:
    """About how many items an answer holds, for the answer cache's bound."""
    if isinstance(answer, SearchResult):
        return 1 + len(answer.hits) + sum(len(values) for values in answer.facets.values())
    if isinstance(answer, DocumentPage):
        return 1 + len(answer.paragraphs) + len(answer.more_like_this)
    if isinstance(answer, (list, dict, Counter)):
        return 1 + len(answer)
    return 1
