"""One place that turns every failure into an answer in the format of the view the URL reaches.

The api blueprint (/api/... and /healthz) answers JSON, the feeds blueprint (CSV, Atom and
OpenSearch) plain text, the pages HTML. Choosing by blueprint rather than by the URL's look keeps a
document whose id ends `.csv` a page. A user's mistake gets a sentence saying what to do; a fault of
ours is logged with its traceback and shown as a plain 500 page.
"""

from __future__ import annotations

import logging

from flask import current_app, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.query import InvalidParameter
from indexer.query import IndexUnavailable

logger = logging.getLogger(__name__)

NOT_READY = "The search index is not ready"
PAGE_TITLES = {
    400: "There is a problem with your search",
    404: "Page not found",
    405: "This page cannot be used that way",
    500: "Sorry, there is a problem with the service",
    503: NOT_READY,
}


BLUEPRINT_FORMATS = {"api": "json", "feeds": "text"}


def response_format() -> str:
    """The format of the blueprint that answers the URL. An address no view answers is a page,
    except under /api/, whose every answer is JSON."""
    blueprint = request.blueprint or _blueprint_for_get()
    if blueprint is not None:
        return BLUEPRINT_FORMATS.get(blueprint, "html")
    return "json" if request.path.startswith("/api/") else "html"


def _blueprint_for_get() -> str | None:
    """For a 405 (POST /search.csv, say): the blueprint the address belongs to."""
    try:
        endpoint, _ = current_app.url_map.bind_to_environ(request.environ).match(method="GET")
    except HTTPException:
        return None
    return endpoint.rpartition(".")[0] or None


def error_response(
    status: int, message: str, parameter: str | None = None, advice: str = "", page_message: str | None = None
):
    """The error in the request's own format, as a response with its status set.

    `page_message` replaces `message` on an HTML page, where the page's heading already says part of it.
    """
    kind = response_format()
    if kind == "json":
        response = jsonify({"error": {"parameter": parameter, "message": message}})
    elif kind == "text":
        text = message if parameter is None else f"Parameter “{parameter}”: {message}"
        response = make_response(text + "\n")
        response.mimetype = "text/plain"
    else:
        response = make_response(
            render_template(
                "error.html",
                title=PAGE_TITLES.get(status, PAGE_TITLES[500]),
                message=message if page_message is None else page_message,
                advice=advice,
                parameter=parameter,
                status=status,
            )
        )
    response.status_code = status
    return response


def invalid_parameter(error: InvalidParameter):
    return error_response(400, error.message, parameter=error.name)


def index_unavailable(error: IndexUnavailable):
    logger.warning("Index unavailable: %s", error)
    response = error_response(
        503, f"{NOT_READY}. {error}".strip(), advice="Try again in a few minutes.", page_message=str(error)
    )
    response.headers["Retry-After"] = "60"
    return response


def http_error(error: HTTPException):
    status = error.code or 500
    custom = error.description != type(error).description
    if status == 404:
        message = error.description if custom else "There is no page at this address."
        advice = (
            "If you typed the web address, check it is correct. "
            "If you pasted the web address, check you copied the entire address."
        )
    else:
        message, advice = error.description or PAGE_TITLES.get(status, ""), ""
    response = error_response(status, message, advice=advice)
    if status == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def unexpected_error(error: Exception):
    logger.exception("Unhandled error serving %s", request.path)
    return error_response(500, "Try again later.")


def register(app) -> None:
    app.register_error_handler(InvalidParameter, invalid_parameter)
    app.register_error_handler(IndexUnavailable, index_unavailable)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected_error)
