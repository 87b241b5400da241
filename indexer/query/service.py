"""The query service: a SearchRequest in, a SearchResult out. Shared by the CLI and the web.

One searcher is kept per process (generation.py) and refreshed when the index changes, since
opening one per request costs ~90 ms (measured on this machine kind). A request is matched as
sets (matching.py), put in order (ranking.py), and its facets counted from per-generation facet
keys (facets.py), several times faster than Whoosh's groupedby; the answer is kept for the same
request again (cache.py).
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Iterator

from whoosh import query as wq

from indexer import store
from indexer.query.bounds import Deadline, OutOfTime, bounded_query, time_limit_setting
from indexer.query.cache import AnswerCache
from indexer.query.facets import facet_values
from indexer.query.generation import Generation, live_counts
from indexer.query.health import files_on_disk, read_through
from indexer.query.matching import NO_TEXT, Found, Spelling, TextMatch, base_of, bounded_docs, intersect, text_match
from indexer.query.parsing import ParsedQuery, date_query, filter_queries, parse_user_query, without_quotes
from indexer.query.ranking import by_date, page, ranked, text_terms
from indexer.query.request import FILTER_FIELDS, SearchRequest
from indexer.query.results import (
    Correction,
    DocumentPage,
    FacetValue,
    FacetValues,
    IndexStatus,
    IndexUnavailable,
    SearchResult,
)
from indexer.query.similar import more_like
from indexer.query.snippets import escaped, highlight_text, paragraphs
from indexer.safe_pickle import ForbiddenInIndex
from indexer.schema import stored_document

logger = logging.getLogger(__name__)

NO_POSTS = "There are no posts yet."  # an index of an empty folder: a normal state, not damage
DAMAGED = "The search index is damaged. Run `lgsearch index --rebuild` to rebuild it from the sources."
FOLLOW_EVERY = 1.0  # seconds between looks for a new version of the index, when following
HEALTH_WAIT = 0.05  # seconds /healthz waits for a search to finish before giving its last answer
OPEN_ATTEMPTS = 3  # a generation replaced and removed while being opened: open the next, this often
UNQUOTED_NOTICE = "No post has the words in quotes together, so they were searched as separate words."
CACHE_ALL_UP_TO = 5_000  # matches; a longer download is worked out afresh each time
LIGHT_UP_TO = 200_000  # characters of a post's page in which the query's words are lit


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
        self._thread = threading.local()  # each thread's count of answers cut short

    # -- the open searcher -------------------------------------------------------------
    def _generation(self) -> Generation:
        if self._following and self._current is not None:
            return self._current  # new versions are opened in the background (follow)
        stamp = store.pointer_stamp(self.index_dir)
        if self._current is None or stamp != self._stamp:
            fresh, stamp = self._open_live(stamp)
            if self._current is not None:
                self._current.close()
            self._current, self._stamp = fresh, stamp
        elif self._current.refresh():
            self._current.warm()
        return self._current

    def _open_live(self, stamp: tuple, attempts: int = OPEN_ATTEMPTS) -> tuple[Generation, tuple]:
        """The live generation, opened, and the pointer's stamp it was found by. One that a
        publish or rebuild replaced and removed while it was being opened is no damage: the
        one that replaced it is opened instead."""
        try:
            live = store.live_generation(self.index_dir)
            if live is None:
                raise IndexUnavailable("There is no search index yet. Run `lgsearch index` to build it.")
            return Generation.opened(live), stamp
        except store.IndexOutdated as error:
            raise IndexUnavailable(str(error)) from None
        except Exception as error:
            now = store.pointer_stamp(self.index_dir)
            if now != stamp and attempts > 1:
                return self._open_live(now, attempts - 1)
            if isinstance(error, IndexUnavailable):
                raise
            logger.exception("Could not open the index in %s", self.index_dir)
            raise IndexUnavailable("The search index could not be opened. Run `lgsearch index --rebuild`.") from error

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
        threading.Thread(target=self._keep_following, args=(every,), daemon=True, name="lgsearch-follow").start()

    def _keep_following(self, every: float) -> None:
        while not self._stopped.wait(every):
            try:
                self._open_next()
            except Exception:
                logger.exception("Could not open the new version of the index; still serving the one before")

    def _open_next(self) -> None:
        stamp = store.pointer_stamp(self.index_dir)
        current = self._current
        if current is None or (stamp == self._stamp and current.up_to_date()):
            if current is not None and (shared := current.shared_files_to_adopt()) is not None:
                with self._lock:  # the shared files written since it opened, for its own copy
                    current.use_shared(shared)
                    current.warm()
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
            except Exception as error:
                self._check_readable(gen, error)  # a damaged index says so; anything else is a bug
                raise
            if complete:
                self._answers.put(version, key, found)
            else:
                self._thread.incomplete = self.incomplete_answers() + 1
        return found

    def _answer(self, key, work):
        """The answer to `key`: kept (looked up first without the lock, see `_remembered`), or
        worked out by `work(generation)` under the lock and kept when complete."""
        remembered = self._remembered(key)
        if remembered is not None:
            return remembered
        with self._lock:
            gen = self._generation()
            return self._cached(gen, key, lambda: work(gen))

    def _remembered(self, key):
        """The answer to `key` kept for the version being served, looked up without the
        service's lock, so a repeat does not wait behind a search running in another thread;
        None when none is kept. Only a server following the index knows which version it serves
        without looking at the files (the lock is taken for that otherwise)."""
        gen = self._current if self._following else None
        if gen is None:
            return None
        return self._answers.get(_version(gen), key)

    def incomplete_answers(self) -> int:
        """How many answers this thread has been given that the time limit cut short: the web
        gives them no validators, so no cache keeps them."""
        return getattr(self._thread, "incomplete", 0)

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
        return self._answer(("page", request), lambda gen: self._search(gen, request))

    def _search(self, gen: Generation, request: SearchRequest) -> tuple[SearchResult, bool]:
        found = self._resolve(gen, request)
        hits, facets = [], {name: FacetValues.of([]) for name in FILTER_FIELDS}
        try:
            hits = page(gen, found, request)
            facets = facet_values(gen, found.base, found.filter_docs, request)
        except OutOfTime:
            pass  # the deadline notes it (found.timed_out), and the page says so
        notice = NO_POSTS if not gen.searcher.doc_count() else found.notice()
        result = SearchResult(request, len(found.matching), hits, facets, found.suggestion, notice, found.correction)
        if not found.timed_out:  # the page's timeline, from the posts already matched
            months = gen.month_counts(found.matching)
            self._answers.put(_version(gen), ("months", request.with_changes(page=1)), months)
        return result, not found.timed_out

    def iter_matching(self, request: SearchRequest) -> Iterator[dict]:
        """Every match on every page, in the request's order: for CSV downloads."""
        with self._lock:
            gen = self._generation()
            documents = self._cached(
                gen, ("all", request.with_changes(page=1, per_page=1)), lambda: self._all_matching(gen, request)
            )
        yield from documents

    def _all_matching(self, gen: Generation, request: SearchRequest) -> tuple[list[dict], bool]:
        found = self._resolve(gen, request)
        try:
            hits = ranked(gen, found, request, None)
        except OutOfTime:
            hits = []  # the deadline notes it: an answer cut short is not cached
        return [hit.document for hit in hits], not found.timed_out and len(hits) <= CACHE_ALL_UP_TO

    def newest_among(self, request: SearchRequest, ids: set[str]) -> tuple[list[dict], bool]:
        """The posts with these ids that match the request, newest first (stored fields, no
        body), and whether the search finished within its time limit: an email alert's new
        posts, in time that grows with them rather than with every match. A search cut short
        says so, so an alert never takes part of an answer for the whole."""
        with self._lock:
            gen = self._generation()
            found = self._resolve(gen, request)
            if found.timed_out:
                return [], False
            wanted = [
                docnum
                for post_id in ids
                for docnum in gen.searcher.document_numbers(id=post_id)
                if docnum in found.matching
            ]
            newest = request.with_changes(sort="newest")
            return [
                stored_document(gen.stored_fields(docnum)) for docnum in by_date(gen, wanted, newest, len(wanted))
            ], True

    def document_ids(self) -> tuple[set[str], str]:
        """The id of every live post, and the version of the index they were read from (see
        `index_version`): what email alerts count as already seen."""
        with self._lock:
            gen = self._generation()
            ids = gen.searcher.reader().column_reader("id")
            return {ids[docnum] for docnum in gen.every()}, _index_version(gen)

    def index_version(self) -> str:
        """A name for this version of the index that changes with every reindex that writes
        anything (the generation's folder and its commit number), unlike `indexed_at`, which
        two reindexes in one second share."""
        with self._lock:
            return _index_version(self._generation())

    def month_counts(self, request: SearchRequest) -> Counter:
        """How many of a search's results were published in each month (`YYYY-MM`); undated ones are left out."""
        return self._answer(("months", request.with_changes(page=1)), lambda gen: self._months(gen, request))

    def _months(self, gen: Generation, request: SearchRequest) -> tuple[Counter, bool]:
        found = self._resolve(gen, request)
        return gen.month_counts(found.matching), not found.timed_out

    def _resolve(self, gen: Generation, request: SearchRequest) -> Found:
        """Which posts a request matches, as sets of document numbers, with any spelling
        correction applied. Each part is matched once; the page, the total and every facet's
        counts are then set intersections, not further Whoosh searches."""
        deadline = Deadline(self.time_limit)
        parsed = self._parse(gen, request.q)
        text, filter_docs, spelling = NO_TEXT, {}, Spelling()
        base, partial = set(), False
        try:
            for name, q in filter_queries(request).items():
                filter_docs[name] = bounded_docs(gen, q, deadline)
            dates = date_query(request)
            if dates is not None:  # narrows every facet, never counted as one
                filter_docs[""] = bounded_docs(gen, dates, deadline)
            text = text_match(gen, parsed, deadline)
            if parsed.quoted and not text.any_docs:
                parsed, text = self._unquoted(gen, request, deadline)
            if parsed.words and not intersect(text.all_docs, filter_docs.values()):
                spelling = self._spelling(gen, request, parsed, text, filter_docs, deadline)
                if spelling.correction:
                    parsed, text = spelling.parsed, spelling.text
            base, partial = base_of(text, filter_docs, len(parsed.concepts))
        except OutOfTime:
            pass  # the deadline notes it, and the page says its results may be incomplete
        matching = intersect(base, filter_docs.values())
        return Found(
            parsed, text, filter_docs, base, matching, deadline, partial, spelling.correction, spelling.suggestion
        )

    def _parse(self, gen: Generation, q: str) -> ParsedQuery:
        parsed = parse_user_query(gen.parser, q)
        if parsed.query is None or parsed.query is wq.NullQuery:
            return parsed
        notices = [parsed.notice] if parsed.notice else []
        reader = gen.searcher.reader()
        bound = lambda part: bounded_query(part, reader, notices)  # noqa: E731
        return replace(
            parsed,
            query=bound(parsed.query),
            required=[bound(part) for part in parsed.required],
            excluded=[bound(part) for part in parsed.excluded],
            notice=" ".join(dict.fromkeys(notices)) or None,
        )

    def _unquoted(self, gen: Generation, request: SearchRequest, deadline: Deadline) -> tuple[ParsedQuery, TextMatch]:
        """No post has the quoted words together: search them as words, and say so. (Quotes in
        a pasted sentence are often quotation, not a phrase search.)"""
        loose = self._parse(gen, without_quotes(request.q))
        loose = replace(loose, notice=" ".join(n for n in (UNQUOTED_NOTICE, loose.notice) if n))
        return loose, text_match(gen, loose, deadline)

    def _spelling(
        self,
        gen: Generation,
        request: SearchRequest,
        parsed: ParsedQuery,
        text: TextMatch,
        filter_docs: dict[str, set[int]],
        deadline: Deadline,
    ) -> Spelling:
        """The corrected search, shown when only it has all the words; otherwise offered as
        "Did you mean" when it finds more posts; or nothing."""
        corrected_q = self._corrected(gen, request.q, parsed.words)
        if not corrected_q:
            return Spelling()
        better = self._parse(gen, corrected_q)
        better_text = text_match(gen, better, deadline)
        filters = filter_docs.values()
        if intersect(better_text.all_docs, filters) and request.correct:
            return Spelling(better, better_text, correction=Correction(request.q, corrected_q))
        if len(intersect(better_text.any_docs, filters)) > len(intersect(text.any_docs, filters)):
            return Spelling(suggestion=corrected_q)  # it finds more, if not all the words
        return Spelling()

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
            try:
                docnum = gen.searcher.document_number(id=doc_id)
                return None if docnum is None else stored_document(gen.stored_fields(docnum), gen.body(docnum))
            except Exception as error:
                self._check_readable(gen, error)
                raise

    def document(self, doc_id: str, q: str = "") -> DocumentPage | None:
        """One document with the query's words lit and more like it; kept for the same visit again."""
        return self._answer(("doc", doc_id, q), lambda gen: self._document(gen, doc_id, q))

    def _document(self, gen: Generation, doc_id: str, q: str) -> tuple[DocumentPage | None, bool]:
        """The page, and whether it is complete (more like this found in time)."""
        searcher = gen.searcher
        docnum = searcher.document_number(id=doc_id)
        if docnum is None:
            return None, True
        doc = stored_document(gen.stored_fields(docnum), gen.body(docnum))
        marked = self._marked(gen, doc["body"], self._body_terms(gen, q), Deadline(self.time_limit))
        try:
            similar = self._cached(gen, ("similar", doc_id), lambda: (self._similar(gen, docnum), True))
        except OutOfTime:
            return DocumentPage(doc, marked, [], more_like_this_skipped=True), False
        return DocumentPage(doc, marked, similar), True

    def _marked(self, gen: Generation, body: str, terms: frozenset[str], deadline: Deadline) -> list[str]:
        """Every paragraph of the body, escaped, with the query's words lit in those within its
        first LIGHT_UP_TO characters and the time limit (a 6 MB post is shown whole, but
        lighting all of it took seconds)."""
        marked, lit = [], 0
        for paragraph in paragraphs(body):
            lit += len(paragraph)
            if terms and lit <= LIGHT_UP_TO and not deadline.expired():
                marked.append(self._highlight(gen, paragraph, terms))
            else:
                marked.append(escaped(paragraph))
        return marked

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
    def validator(self) -> tuple[str, str | None]:
        """Which version of the index answers now come from, the same in every process reading
        it (the generation and its commit), and when it was built: for HTTP validators. No
        search is made, and a server following the index reads nothing from disk."""
        gen = self._current if self._following else None
        if gen is None:
            with self._lock:
                gen = self._generation()
        return f"{gen.path.name}:{gen.searcher.reader().generation()}", gen.meta.get("indexed_at")

    def status(self) -> IndexStatus:
        with self._lock:
            gen = self._generation()
            return IndexStatus(
                gen.searcher.doc_count(),
                gen.meta.get("indexed_at"),
                store.index_size(gen.path),
                extraction=live_counts(gen.searcher.reader(), "extraction"),
            )

    def export(self) -> Iterator[dict]:
        with self._lock:
            gen = self._generation()
            try:
                documents = [
                    stored_document(stored, gen.body(docnum))
                    for docnum, stored in sorted(gen.searcher.reader().iter_docs(), key=lambda d: d[1]["id"])
                ]
            except Exception as error:
                self._check_readable(gen, error)
                raise
        yield from documents

    def top_facet_values(self, limit: int = 10) -> dict[str, list[FacetValue]]:
        """The most common values of each facet over the whole index."""
        result = self.search(SearchRequest(per_page=1))
        return {name: values[:limit] for name, values in result.facets.items()}

    def _check_readable(self, gen: Generation, failure: Exception | None = None) -> None:
        """Read the generation through; if it cannot be, stop serving it and say so. A `failure`
        met reading it that names what no index holds (safe_pickle) is damage wherever it was."""
        try:
            if isinstance(failure, ForbiddenInIndex):
                raise failure
            read_through(gen.path)
        except Exception as error:
            raise self._damaged(gen) from error

    def _damaged(self, gen: Generation) -> IndexUnavailable:
        """Stop serving a damaged generation; the error to raise. Called while handling the damage."""
        logger.exception("The index in %s is damaged", gen.path)
        self._last_health = None
        self._drop_current()
        return IndexUnavailable(DAMAGED)

    def _replaced(self, gen: Generation) -> bool:
        """Whether the live index is another generation now (a publish or rebuild switched), so
        the files of `gen` vanishing is no damage: they go once a later switch removes them."""
        try:
            return store.live_generation(self.index_dir) != gen.path
        except store.IndexDamaged:
            return False

    # -- the health check --------------------------------------------------------------
    _healthy_files: tuple | None = ()

    def health(self) -> IndexStatus:
        """The status, once the index being served has been read for real: its first and last
        stored documents and their postings, through plain reads of the files on disk. The open
        searcher reads through memory maps, and a map of a file truncated under it kills the
        worker (SIGBUS), so damage found here also stops it being served. Read again only
        when the files change. While a search holds the searcher, the last answer stands as
        long as the files have not changed since, so a busy server still answers at once.

        A generation that a publish or rebuild replaced, and a later one removed, is still served
        from its open files until the new one is open (at the next request, or by the follow
        thread): its files vanishing under the check is not damage, and it answers as served."""
        if not self._lock.acquire(timeout=HEALTH_WAIT):
            last = self._last_health
            if last is not None and files_on_disk(last[0]) == self._healthy_files:
                return last[1]
            self._lock.acquire()
        try:
            gen = self._generation()
            try:
                files = files_on_disk(gen.path)
                if files is None:
                    raise FileNotFoundError(f"{gen.path} is gone")
                if files != self._healthy_files:
                    read_through(gen.path)
                    self._healthy_files = files
                size = store.index_size(gen.path)
            except Exception as error:
                if isinstance(error, ForbiddenInIndex) or not self._replaced(gen):
                    raise self._damaged(gen) from error
                last = self._last_health
                size = last[1].size_bytes if last is not None and last[0] == gen.path else 0
            status = IndexStatus(gen.searcher.doc_count(), gen.meta.get("indexed_at"), size)
            self._last_health = (gen.path, status)
            return status
        finally:
            self._lock.release()


def _index_version(gen: Generation) -> str:
    return f"{gen.path.name}:{gen.searcher.reader().generation()}"


def _version(gen: Generation) -> tuple:
    """Which version of the index an answer was worked out on: any change forgets it."""
    return str(gen.path), id(gen), gen.version
