"""HTTP validators: a reload, a feed poll or a proxy asks "has it changed?" and gets a 304.

Every answer drawn from the index (pages, JSON, CSV, Atom) is fixed by the index version it was
worked out on, the address asked for (host, scheme and path prefix included, since links inside
answers use them) and the code that drew it. Its ETag is a digest of those, so a request that
sends it back (If-None-Match) is answered 304 before any search is made, by whichever worker
takes it; If-Modified-Since is compared with when the index was built. An answer cut short by the
time limit gets no validator and is not to be stored.

When the app is given a SHARED_ANSWERS_DIR (`lgsearch serve` gives its workers one), the body of
every complete answer is kept there by its ETag (shared_answers.py), and the same address asked
again is answered from it, by any worker, before any search is made or page drawn.
"""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path

from flask import Flask, Response, current_app, g, request

from indexer.query import IndexUnavailable
from webui.service import search_service
from webui.shared_answers import SharedAnswers


# How long a browser or proxy may reuse an answer before asking again, by kind of answer.
PAGE = "public, max-age=60, must-revalidate"  # pages and JSON: a reindex shows within a minute
FEED = "public, max-age=900"  # Atom: readers poll; a quarter of an hour is fresh enough
DOWNLOAD = "public, max-age=300"  # CSV
NOT_STORED = "no-store"  # an answer cut short by the time limit
CACHE_CONTROL = {
    "views.home": PAGE,
    "views.search": PAGE,
    "views.document": PAGE,
    "orgs.organisations": PAGE,
    "orgs.organisation": PAGE,
    "api.api_search": PAGE,
    "api.api_document": PAGE,
    "api.api_organisation": PAGE,
    "feeds.search_csv": DOWNLOAD,
    "feeds.search_atom": FEED,
}
_CODE_ROOTS = ("webui", "indexer")
_CODE_SUFFIXES = (".py", ".html", ".csv", ".css", ".js")
_SHARED = "lgsearch.shared_answers"


def register(app: Flask) -> None:
    """Answer unchanged requests with 304, and give every answer from the index its validators."""
    app.extensions["lgsearch.code_version"] = code_version()
    directory = app.config.get("SHARED_ANSWERS_DIR")
    app.extensions[_SHARED] = SharedAnswers(Path(directory)) if directory else None
    app.before_request(answer_if_unchanged)
    app.after_request(add_validators)


def answer_if_unchanged():
    """A 304 when the request's If-None-Match (or If-Modified-Since) says the client has this
    answer already; otherwise note the validators for add_validators. Never searches."""
    policy = CACHE_CONTROL.get(request.endpoint)
    if policy is None or request.method not in ("GET", "HEAD"):
        return None
    service = search_service()
    try:
        version, built = service.validator()
    except IndexUnavailable:
        return None  # the view says so
    code, code_changed = current_app.extensions["lgsearch.code_version"]
    g.validators = (_etag(version, code), _last_modified(built, code_changed), policy)
    g.incomplete_before = service.incomplete_answers()
    etag, modified, _ = g.validators
    if request.if_none_match:
        unchanged = request.if_none_match.contains(etag) or request.if_none_match.star_tag
    else:
        since = request.if_modified_since
        unchanged = since is not None and modified is not None and modified <= since
    if not unchanged:
        return _shared_answer(etag)
    response = Response(status=304)
    _set_validators(response, *g.validators)
    return response


def add_validators(response: Response) -> Response:
    validators = g.get("validators")
    if validators is None or response.status_code != 200:
        return response
    if search_service().incomplete_answers() != g.incomplete_before:
        response.headers["Cache-Control"] = NOT_STORED
        return response
    _set_validators(response, *validators)
    shared = current_app.extensions.get(_SHARED)
    if shared is not None and request.method == "GET" and not response.is_streamed and not g.get("shared_hit"):
        shared.put(validators[0], response.content_type, response.get_data())
    return response


def _shared_answer(etag: str) -> Response | None:
    """The answer kept for this ETag by any worker, or None to work it out."""
    shared = current_app.extensions.get(_SHARED)
    kept = shared.get(etag) if shared is not None else None
    if kept is None:
        return None
    g.shared_hit = True
    content_type, body = kept
    return Response(body, content_type=content_type)


def _set_validators(response: Response, etag: str, modified: datetime.datetime | None, policy: str) -> None:
    response.set_etag(etag)
    if modified is not None:
        response.last_modified = modified
    response.headers["Cache-Control"] = policy


def _etag(version: str, code: str) -> str:
    """A digest of the index version, the code, and the whole address asked for (the root,
    which links in the answer are made from, then the path and query string as sent)."""
    asked = "\n".join((version, code, request.url_root, request.full_path, current_app.config["SERVICE_NAME"]))
    return hashlib.sha256(asked.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def _last_modified(built: str | None, code_changed: datetime.datetime) -> datetime.datetime | None:
    """When the index was built, or the code last changed if that is later."""
    if not built:
        return None
    try:
        moment = datetime.datetime.fromisoformat(built)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return max(moment, code_changed).replace(microsecond=0)


def code_version() -> tuple[str, datetime.datetime]:
    """A digest of the code that draws answers (the same in every worker and on every host
    running it), and when it last changed."""
    digest = hashlib.sha256()
    newest = 0.0
    root = Path(__file__).resolve().parent.parent
    for package in _CODE_ROOTS:
        for path in sorted((root / package).rglob("*")):
            if path.suffix in _CODE_SUFFIXES and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
                newest = max(newest, path.stat().st_mtime)
    changed = datetime.datetime.fromtimestamp(newest, datetime.timezone.utc)
    return digest.hexdigest()[:16], changed
