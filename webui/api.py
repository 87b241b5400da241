"""The JSON twins of the pages, and the health check. Same parameters, same results.

Every error on this blueprint answers in JSON (webui/errors.py).
"""

from __future__ import annotations


from flask import Blueprint, abort, jsonify, request

from indexer.query import Explorer, IndexUnavailable, facet_size_from
from webui import answers
from webui import params
from webui.service import search_service


bp = Blueprint("api", __name__)


@bp.get("/api/search")
def api_search():
    search_request = params.parse_search(request.args)
    facet_size = facet_size_from(request.args.get("facet_size"))
    return jsonify(answers.search_result(search_service().search(search_request), facet_size))


@bp.get("/api/doc/<path:doc_id>")
def api_document(doc_id: str):
    document = search_service().stored_document(doc_id)
    if document is None:
        abort(404, description=f"There is no document with the id “{doc_id}”.")
    return jsonify(document)


@bp.get("/api/org/<path:name>")
def api_organisation(name: str):
    """An organisation page's data. JSON never redirects: an alias answers with the canonical body's data."""
    explorer = Explorer(search_service())
    found = explorer.find(params.name_from_segment(name))
    if found is None:
        abort(404, description=f"No post names an organisation called “{params.name_from_segment(name)}”.")
    return jsonify(answers.organisation_profile(explorer.profile(found)))


@bp.get("/healthz")
def healthz():
    """For monitoring: 200 with the document count when the index served reads back, 503 when not."""
    try:
        status = search_service().health()
    except IndexUnavailable as error:
        response = jsonify({"status": "unavailable", "reason": str(error)})
        response.status_code = 503
        return response
    return jsonify({"status": "ok", "documents": status.documents, "indexed_at": status.indexed_at})
