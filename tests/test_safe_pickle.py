"""Nothing in the index folder runs as code: a planted pickle is refused, and said to be damage.

Each case plants a payload whose unpickling would write a marker file, in the table of contents
(the schema, the list of segments) or in a post's stored fields, then runs every entry point that
opens an index: the app as `lgsearch serve` loads it, and `search`, `stats`, `export` and
`publish` as processes of their own. None writes the marker; each says the index is damaged and
names `lgsearch index --rebuild`.
"""

from __future__ import annotations

import gc
import importlib
import io
import os
import pickle
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
import whoosh
from whoosh import index as whoosh_index
from whoosh.filedb.structfile import StructFile

from helpers import CORPUS, REPO_ROOT
from indexer import safe_pickle, store
from indexer.reindex import reindex
from indexer.query import SearchRequest, SearchService
from indexer.query.generation import Generation
from indexer.query.health import read_through
from indexer.safe_pickle import ForbiddenInIndex

# Whoosh leaves the file open when reading a table of contents fails; collected below.
pytestmark = pytest.mark.filterwarnings(r"ignore:unclosed file .*:ResourceWarning")


@pytest.fixture(autouse=True)
def collect_whooshs_open_files():
    yield
    gc.collect()


class Payload:
    """Unpickled, runs code that writes the marker file."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return exec, (f"open({str(self.marker)!r}, 'w').write('ran')",)


def rewrite_toc(generation: Path, *, schema: bytes | None = None, segments: bytes | None = None) -> None:
    """The live table of contents with its pickled schema or list of segments replaced."""
    toc = next(generation.glob("_MAIN_*.toc"))
    old = StructFile(io.BytesIO(toc.read_bytes()))
    new = StructFile(io.BytesIO())
    for _ in range(3):  # the sizes of int, long and float
        new.write_varint(old.read_varint())
    new.write_int(old.read_int())  # byte order check
    new.write_int(old.read_int())  # format version
    for _ in range(3):  # Whoosh's release
        new.write_varint(old.read_varint())
    old_schema = old.read_string()
    new.write_string(schema if schema is not None else old_schema)
    new.write_int(old.read_int())  # generation
    new.write_int(old.read_int())
    new.write(segments if segments is not None else old.read())
    toc.write_bytes(new.file.getvalue())


def plant_in_stored_fields(generation: Path, marker: Path) -> None:
    """A post whose stored fields are a payload, written by Whoosh's own writer: the newest post,
    so the first page and `stats` read it."""
    ix = whoosh_index.open_dir(str(generation))
    writer = ix.writer()
    writer.add_document(
        id="planted",
        path=Payload(marker),
        title="Planted Ofsted post",
        body="Ofsted ofsted",
        date="2031-01-01",
        year="2031",
        newest_key="2031-01-01",
        oldest_key="2031-01-01",
    )
    writer.commit(merge=False)
    ix.close()


PLANTS = {
    "the schema in the table of contents": lambda gen, marker: rewrite_toc(
        gen, schema=pickle.dumps(Payload(marker), 2)
    ),
    "the list of segments in the table of contents": lambda gen, marker: rewrite_toc(
        gen, segments=pickle.dumps([Payload(marker)], pickle.HIGHEST_PROTOCOL)
    ),
    "a post's stored fields": plant_in_stored_fields,
}


@pytest.fixture(params=PLANTS)
def planted(request, built_index, tmp_path) -> tuple[Path, Path]:
    marker = tmp_path / "marker"
    PLANTS[request.param](store.live_generation(built_index), marker)
    assert not marker.exists()
    return built_index, marker


def test_the_app_as_serve_loads_it_runs_nothing_and_says_the_index_is_damaged(planted):
    from lgsearch.serve import _Server
    from webui.service import search_service

    index_dir, marker = planted
    gc_before = gc.get_threshold()
    app = _Server(index_dir, {"workers": 1}).load()  # create_app and warm, as each worker does
    gc.set_threshold(*gc_before)
    try:
        with app.test_client() as client:
            for url in (
                "/healthz",
                "/",
                "/search?q=ofsted",
                "/api/search?q=ofsted",
                "/search.csv?q=ofsted",
                "/search.atom?q=ofsted",
                "/doc/planted",
                "/org",
            ):
                answer = client.get(url)
                assert answer.status_code == 503, (url, answer.status_code)
                assert "lgsearch index --rebuild" in answer.get_data(as_text=True), url
    finally:
        with app.app_context():
            search_service().close()
    assert not marker.exists()


@pytest.mark.parametrize("command", [["search", "ofsted"], ["stats"], ["export"], ["publish", "{dest}"]])
def test_each_command_runs_nothing_and_says_the_index_is_damaged(planted, command, tmp_path):
    index_dir, marker = planted
    dest = tmp_path / "dest"
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "indexer", "--index-dir", str(index_dir), *[part.format(dest=dest) for part in command]],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO_ROOT,
    )
    assert not marker.exists()
    assert done.returncode == 1, done.stdout + done.stderr
    assert "lgsearch index --rebuild" in done.stderr
    # Nothing of the damaged generation was copied anywhere.
    assert not (dest / store.POINTER_NAME).exists() and not list(dest.glob("gen-*"))


def test_the_command_the_message_names_repairs_it(planted, corpus_dir):
    index_dir, marker = planted
    reindex([corpus_dir], index_dir, rebuild=True)
    with SearchService(index_dir) as service:
        assert service.health().documents == len(CORPUS)
        assert service.search(SearchRequest(q="ofsted")).total == 2
    assert not marker.exists()


@pytest.mark.parametrize("protocol", range(0, pickle.HIGHEST_PROTOCOL + 1))
def test_a_pickle_that_calls_anything_else_is_refused_at_every_protocol(protocol, tmp_path):
    marker = tmp_path / "marker"
    for planted in (Payload(marker), [1, {"a": Payload(marker)}], (b"bytes", Payload(marker))):
        with pytest.raises(ForbiddenInIndex):
            safe_pickle.loads(pickle.dumps(planted, protocol))
        with pytest.raises(ForbiddenInIndex):
            safe_pickle.load(io.BytesIO(pickle.dumps(planted, protocol)))
    assert not marker.exists()
    # Even names an index does hold cannot be reached through another module's attributes.
    with pytest.raises(ForbiddenInIndex):
        safe_pickle.loads(pickle.dumps(os.system, protocol))


def test_what_the_index_holds_reads_back_the_same():
    import datetime
    from collections import defaultdict

    # As Whoosh writes them: stored fields (strings, lists of names, numbers, none) and the
    # table of contents at the highest protocol, postings blocks (numbers and bytes) at protocol 2.
    stored = {
        "id": "a",
        "tags": ["SLI", "South East"],
        "year": 2020,
        "date": "2020-06-01",
        "author": None,
        "score": 1.5,
        "flag": True,
    }
    postings = ((1, 2, 3), [1.0, 2.5], (b"\x00\x01", b"\xff" * 40, b"\x00" * 500), "", None)
    segment_parts = [defaultdict(int, {"body": 12}), {3, 5}, frozenset({1}), b"bytes"]
    for value, protocol in ((stored, pickle.HIGHEST_PROTOCOL), (postings, 2), (segment_parts, pickle.HIGHEST_PROTOCOL)):
        assert safe_pickle.loads(pickle.dumps(value, protocol)) == value
    # A date is not among what an index holds (dates are stored as text), so it is refused.
    with pytest.raises(ForbiddenInIndex):
        safe_pickle.loads(pickle.dumps(datetime.date(2020, 1, 1), pickle.HIGHEST_PROTOCOL))


def test_bytes_made_by_a_codec_other_than_latin_1_are_refused():
    crafted = b"\x80\x02c_codecs\nencode\nq\x00X\x03\x00\x00\x00abcq\x01X\x05\x00\x00\x00rot13q\x02\x86q\x03Rq\x04."
    with pytest.raises(pickle.UnpicklingError):
        safe_pickle.loads(crafted)


def test_bytes_made_from_anything_but_text_are_refused():
    """`_codecs.encode` answered by str.encode: given a number or a codec that is no text
    encoding, the pickle is refused as damaged, not run."""
    crafted_number = b"\x80\x02c_codecs\nencode\nq\x00K\x05X\x06\x00\x00\x00latin1q\x02\x86q\x03Rq\x04."
    crafted_zlib = b"\x80\x02c_codecs\nencode\nq\x00X\x03\x00\x00\x00abcX\x04\x00\x00\x00zlibq\x02\x86q\x03Rq\x04."
    for crafted in (crafted_number, crafted_zlib):
        with pytest.raises(pickle.UnpicklingError):
            safe_pickle.loads(crafted)
    assert safe_pickle.loads(pickle.dumps(b"\x00\xe9\xff", 2)) == b"\x00\xe9\xff"


def test_every_unpickling_call_of_whoosh_goes_through_the_index_unpickler():
    """Import all of Whoosh; a module that unpickles and install() does not know fails here."""
    for module in pkgutil.walk_packages(whoosh.__path__, "whoosh."):
        try:
            importlib.import_module(module.name)
        except Exception:  # modules of optional parts that cannot import cannot read anything either
            continue
    safe_pickle.install()
    left = {
        name: safe_pickle.unpickling_names(module)
        for name, module in sys.modules.items()
        if name.split(".")[0] == "whoosh" and module is not None
    }
    assert {name: names for name, names in left.items() if names} == {}
    assert whoosh_index.toc_loaders == {}  # the 2011 format's unpickler admits anything


def test_every_name_admitted_is_one_a_real_index_holds(segmented_index, monkeypatch):
    """The admitted list is exactly what building, reading and searching an index of several
    segments with deletions unpickles: nothing more is let through than the index needs."""
    used = set()
    find_class = safe_pickle.IndexUnpickler.find_class

    def recording(self, module, name):
        used.add((module, name))
        return find_class(self, module, name)

    monkeypatch.setattr(safe_pickle.IndexUnpickler, "find_class", recording)
    live = store.live_generation(segmented_index)
    gen = Generation.opened(live)
    try:
        gen.warm_common_words()
        for docnum in range(gen.searcher.doc_count_all()):
            if not gen.searcher.reader().is_deleted(docnum):
                gen.stored_fields(docnum)
    finally:
        gen.close()
    read_through(live)
    with SearchService(segmented_index) as service:
        for q in ("ofsted", '"peer challenge"', "title:academies", "sector-led", "ofstead", "*"):
            service.search(SearchRequest(q=q))
        list(service.export())
    # Every posting of every word of every field, inlined or in blocks, with its values.
    ix = whoosh_index.open_dir(str(live))
    with ix.searcher() as searcher:
        for leaf, _ in searcher.reader().leaf_readers():
            for field_name in leaf.indexed_field_names():
                for term in list(leaf.lexicon(field_name)):
                    matcher = leaf.postings(field_name, term)
                    list(matcher.all_items())
    ix.close()
    assert used == set(safe_pickle.admitted())


def test_a_pickle_that_names_nothing_is_read_by_pickle_itself_and_one_that_names_anything_is_not(monkeypatch):
    """The quick path takes only pickles with no byte of an opcode that names an object. A payload
    always has one; a list of numbers that happens to hold such a byte goes through IndexUnpickler
    and reads the same."""
    made = []
    real = safe_pickle.IndexUnpickler
    monkeypatch.setattr(safe_pickle, "IndexUnpickler", lambda file: made.append(file) or real(file))
    numbers = pickle.dumps([3, 7, 12, 40], 2)
    assert safe_pickle.loads(numbers) == [3, 7, 12, 40] and made == []
    with_the_byte = pickle.dumps([0x63, 0x69, 0x93], 2)  # the values are GLOBAL's, INST's and STACK_GLOBAL's bytes
    assert safe_pickle.loads(with_the_byte) == [0x63, 0x69, 0x93] and len(made) == 1
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        with pytest.raises(ForbiddenInIndex):
            safe_pickle.loads(pickle.dumps(Payload(Path("/nonexistent/marker")), protocol))
    assert len(made) == 2 + pickle.HIGHEST_PROTOCOL
