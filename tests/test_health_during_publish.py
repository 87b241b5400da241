"""`/healthz` never answers 500, nor says the index is damaged, while `lgsearch publish` runs
back to back into the folder the app reads: each publish removes a generation a reader may be
on, and the files of the one being checked can vanish under the check."""

from __future__ import annotations

import threading

import pytest

from indexer.publish import publish
from webui import create_app, warm
from webui.service import search_service

PUBLISHES = 8


@pytest.mark.parametrize("following", [False, True], ids=["checking each request", "following as serve does"])
def test_healthz_answers_ok_throughout_back_to_back_publishes(built_index, tmp_path, following):
    dest = tmp_path / "replica"
    publish(built_index, dest)
    app = create_app({"TESTING": True, "INDEX_DIR": str(dest)})
    if following:
        warm(app)  # open the index now and each new one in the background, as each worker of serve does
    answers, stop = [], threading.Event()

    def keep_asking():
        with app.test_client() as client:
            while not stop.is_set() or len(answers) < 50:
                answer = client.get("/healthz")
                answers.append((answer.status_code, answer.get_json()))

    asking = threading.Thread(target=keep_asking)
    asking.start()
    try:
        for _ in range(PUBLISHES):
            publish(built_index, dest)
    finally:
        stop.set()
        asking.join(60)
        with app.app_context():
            search_service().close()
    failed = [answer for answer in answers if answer[0] != 200]
    assert failed == [], f"{len(failed)} of {len(answers)} failed, such as {failed[:3]}"
    assert all(body["documents"] == 5 for _, body in answers)
