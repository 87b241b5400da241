"""lgsearch's web interface: the GOV.UK-style finder, its JSON, CSV and Atom twins."""

from __future__ import annotations

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def content_security_policy() -> str:
    """No inline script but GOV.UK's own js-enabled line, allowed by its hash."""
    from webui.templating import govuk_inline_script_hash

    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {govuk_inline_script_hash()}",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app. The index is the one named by INDEX_DIR, else $LGSEARCH_INDEX_DIR, else ./index_data."""
    app = Flask(__name__)
    app.config.from_mapping(
        INDEX_DIR=os.environ.get("LGSEARCH_INDEX_DIR") or "index_data",
        # The name on every page, in feed titles and in the browser's list of search engines.
        SERVICE_NAME="Local government leadership writing",
        # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted (see docs/operations.md).
        PROXIES=os.environ.get("LGSEARCH_PROXIES") or 0,
    )
    if test_config is not None:
        app.config.update(test_config)
    proxies = int(app.config["PROXIES"])
    if proxies > 0:
        # Full addresses (Atom, CSV, OpenSearch) then use the host and scheme people use.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)
    # Keep JSON keys in the contract's order rather than sorted.
    app.json.sort_keys = False

    from webui import alerts, api, errors, feeds, guides, http_cache, orgs, templating, views

    templating.configure(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(orgs.bp)
    app.register_blueprint(guides.bp)
    alerts.configure(app)
    app.register_blueprint(alerts.bp)
    errors.register(app)
    http_cache.register(app)

    app.after_request(security_headers)
    return app


def security_headers(response):
    """Every response, pages and errors alike, forbids other inline script, framing and sniffing."""
    response.headers["Content-Security-Policy"] = content_security_policy()
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    return response


def warm(app: Flask) -> None:
    """Open the index and read what searches need, before the first request (a server's start),
    then open each reindexed version in the background as it appears."""
    from indexer.query import IndexUnavailable
    from webui.service import search_service

    with app.app_context():
        try:
            search_service().warm()
        except IndexUnavailable as error:  # the pages say so until an index is built
            app.logger.warning("Not warmed: %s", error)
        search_service().follow()
