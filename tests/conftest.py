"""Shared fixtures: a small corpus of real files and a real Whoosh index built from it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import CORPUS, SEEDS, index_in_segments, write_post
from indexer.reindex import reindex
from tests.relevance.relevance_eval import CORPUS as JUDGED_CORPUS


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    for name, title, body, meta in CORPUS:
        write_post(folder, name, title, body, **meta)
    return folder


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / "index"


@pytest.fixture
def built_index(corpus_dir: Path, index_dir: Path) -> Path:
    report = reindex([corpus_dir], index_dir)
    assert report.documents == len(CORPUS), report
    return index_dir


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def segmented_index(tmp_path_factory) -> Path:
    """The judged corpus indexed in three runs, with some posts then deleted: several segments,
    as a server's index has after incremental reindexes. Only read, never changed, by its tests."""
    return index_in_segments(tmp_path_factory.mktemp("segmented"), JUDGED_CORPUS)
