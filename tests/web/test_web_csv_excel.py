"""The CSV download opens right in a spreadsheet: read here as Excel's import reads a file."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re

from helpers import write_post
from indexer.query import SearchRequest
from web import web_corpus as corpus


def excel_import(data: bytes) -> list[list[str]]:
    """What Excel's CSV import does with the bytes: UTF-8 when the file starts with a byte-order
    mark, otherwise the computer's own code page (Windows-1252 on a UK Windows PC)."""
    if data.startswith(codecs.BOM_UTF8):
        text = data[len(codecs.BOM_UTF8) :].decode("utf-8")
    else:
        text = data.decode("cp1252", errors="replace")
    return list(csv.reader(io.StringIO(text, newline="")))


def test_excel_opens_curly_quotes_and_accents_as_written(tmp_path, open_app):
    write_post(
        tmp_path / "corpus",
        "business.md",
        "Everyone’s business: café culture in Ōtautahi",
        "Safeguarding is everyone’s business.",
        date="2021-04-01",
        source="Council Voices",
    )
    corpus.build_index(tmp_path / "corpus", tmp_path / "index")
    client = open_app(tmp_path / "index").test_client()

    response = client.get("/search.csv?q=safeguarding")
    data = response.get_data()
    assert data.startswith(codecs.BOM_UTF8)
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    header, row = excel_import(data)
    assert header[:3] == ["title", "date", "url"]
    assert row[:3] == ["Everyone’s business: café culture in Ōtautahi", "2021-04-01", "http://localhost/doc/business"]
    assert row[header.index("source")] == "Council Voices"
    # Without the mark, the same bytes garble: the reason for it.
    assert excel_import(data[len(codecs.BOM_UTF8) :])[1][0] != row[0]


def test_the_file_is_named_after_the_search_and_the_day(client):
    disposition = client.get("/search.csv?q=leadership&source=Council+Voices&from=2019").headers["Content-Disposition"]
    today = datetime.date.today().isoformat()
    assert disposition == f'attachment; filename="lgsearch-leadership-council-voices-from-2019-{today}.csv"'
    assert re.fullmatch(
        rf'attachment; filename="lgsearch-all-posts-{today}\.csv"',
        client.get("/search.csv").headers["Content-Disposition"],
    )


def test_a_file_name_keeps_to_safe_characters_and_a_short_length():
    from webui.feeds import csv_file_name

    day = datetime.date(2026, 12, 7)
    assert (
        csv_file_name(SearchRequest(q='"peer challenge" OR 東京/../x'), day)
        == "lgsearch-peer-challenge-or-x-2026-12-07.csv"
    )
    long = csv_file_name(SearchRequest(q="word " * 100), day)
    assert re.fullmatch(r"lgsearch-[a-z0-9-]{1,60}-2026-12-07\.csv", long) and "--" not in long
    assert csv_file_name(SearchRequest(q="東京"), day) == "lgsearch-all-posts-2026-12-07.csv"
