"""Control characters: one definition, used wherever text is read, searched or written as XML."""

from __future__ import annotations


from helpers import REPO_ROOT
from indexer.text import CONTROL_CHARS


def test_control_characters_are_removed_and_tabs_and_line_breaks_kept():
    assert CONTROL_CHARS.sub("", "a\x00b\x08c\x0bd\x0ce\x1ff\x7fg") == "abcdefg"
    assert CONTROL_CHARS.sub("", "tab\there\r\nand\nhere") == "tab\there\r\nand\nhere"


def test_the_control_characters_are_written_out_in_one_module_only():
    written = [
        path.relative_to(REPO_ROOT).as_posix()
        for package in ("indexer", "lgsearch", "webui")
        for path in (REPO_ROOT / package).rglob("*.py")
        if r"\x00-\x08" in path.read_text(encoding="utf-8")
    ]
    assert written == ["indexer/text.py"]
