"""An operator sees how saved pages had their text found: `index -v` for the run, `stats` for the index."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from lgsearch.cli import cli

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "docs"
THIN_PAGE = (
    "<html><head><title>Budget night</title></head><body><div class='comments'>"
    "<p>The council agreed its budget after a long debate about adult social care.</p>"
    "<p>Council tax will rise by just under five per cent from April.</p></div></body></html>"
)


def posts(tmp_path: Path) -> Path:
    folder = tmp_path / "posts"
    folder.mkdir()
    for name in ("platform_blogger.html", "platform_ghost.html", "byline_by_author.txt"):
        shutil.copy(FIXTURES / name, folder / name)
    (folder / "thin.html").write_text(THIN_PAGE, encoding="utf-8")
    return folder


def test_index_verbose_counts_the_pages_read_by_each_path(tmp_path, runner):
    folder = posts(tmp_path)
    result = runner.invoke(cli, ["--index-dir", str(tmp_path / "index"), "index", "-v", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Saved pages: 2 article found, 1 thin (read again with a wider search)." in result.output
    again = runner.invoke(cli, ["--index-dir", str(tmp_path / "index"), "index", "--json", str(folder)])
    assert set(json.loads(again.stdout)) == {
        "added",
        "updated",
        "deleted",
        "unchanged",
        "rejected",
        "documents",
        "seconds",
    }


def test_stats_counts_each_path_over_the_index_and_forgets_removed_pages(tmp_path, runner):
    folder = posts(tmp_path)
    index = ["--index-dir", str(tmp_path / "index")]
    assert runner.invoke(cli, [*index, "index", str(folder)]).exit_code == 0
    stats = json.loads(runner.invoke(cli, [*index, "stats", "--json"]).output)
    assert stats["documents"] == 4
    assert stats["extraction"] == {"article": 2, "recall": 1}
    (folder / "thin.html").unlink()
    assert runner.invoke(cli, [*index, "index", str(folder)]).exit_code == 0
    assert json.loads(runner.invoke(cli, [*index, "stats", "--json"]).output)["extraction"] == {"article": 2}
    text = runner.invoke(cli, [*index, "stats"]).output
    assert "Saved pages: 2 article found" in text


def test_a_rebuild_keeps_each_post_s_path(tmp_path, runner):
    folder = posts(tmp_path)
    index = ["--index-dir", str(tmp_path / "index")]
    assert runner.invoke(cli, [*index, "index", str(folder)]).exit_code == 0
    assert runner.invoke(cli, [*index, "index", "--rebuild", str(folder)]).exit_code == 0
    stats = json.loads(runner.invoke(cli, [*index, "stats", "--json"]).output)
    assert stats["extraction"] == {"article": 2, "recall": 1}
