"""The one query service each app process shares with every request (and with the CLI's code).

The service keeps its own searcher and refreshes it when the index changes, so it is made once,
on first use: an app can start before any index exists and begin answering once one is built.
"""

from __future__ import annotations

import threading
from pathlib import Path

from flask import current_app


_EXTENSION = "lgsearch.search_service"
_lock = threading.Lock()


def search_service():
    """The app's SearchService, made on first use. Only indexer code touches the index itself."""
    app = current_app
    service = app.extensions.get(_EXTENSION)
    if service is None:
        with _lock:
            service = app.extensions.get(_EXTENSION)
            if service is None:
                from indexer.query import SearchService

                service = SearchService(Path(app.config["INDEX_DIR"]), time_limit=app.config.get("SEARCH_TIME_LIMIT"))
                app.extensions[_EXTENSION] = service
    return service
