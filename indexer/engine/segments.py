"""What the reindex job needs of Whoosh's segments beyond its public writer: committing segments
written by other processes, reading a segment's columns without its terms, and telling which
files of a generation its table of contents names, and deriving the arrays of segments Whoosh's
own writer made. Each reaches into Whoosh-Reloaded 2.7.5's writer and reader internals, so they
live here, in the engine.
"""

from __future__ import annotations

import re
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage, OverlayStorage
from whoosh.reading import MultiReader, SegmentReader

from indexer import store
from indexer.engine.postings import TermPostings, joined_values, leaf_blocks, places_reader
from indexer.engine.segment_arrays import SegmentArrays, SegmentArraysWriter


def commit_segments(writer, segments: list) -> None:
    """Commit the segments (written by FreshSegmentWriters in other processes), in order, as the
    index's one new generation, through `writer`, which holds the write lock and wrote nothing."""
    writer._close_segment()  # the writer's own, empty
    writer._commit_toc(writer._merge_segments(None, None, None) + segments)
    writer._finish()


def columns_reader(ix) -> MultiReader:
    """The index's columns and deletions, segment by segment, without reading any terms:
    Whoosh's SegmentReader copies a segment's terms and postings into memory when it opens."""
    toc = whoosh_index.TOC.read(ix.storage, ix.indexname)
    return MultiReader([_ColumnsReader(ix.storage, ix.schema, segment) for segment in toc.segments])


class _ColumnsReader(SegmentReader):
    """A segment's columns and deletions, as SegmentReader reads them, without its terms."""

    def __init__(self, storage, schema, segment):
        self.schema = schema
        self.is_closed = False
        self._segment = segment
        self._segid = segment.segment_id()
        self._gen = None
        self._storage = (
            OverlayStorage(segment.open_compound_file(storage), storage) if segment.is_compound() else storage
        )
        self._codec = segment.codec()
        self._perdoc = self._codec.per_document_reader(self._storage, segment)

    def close(self) -> None:
        self._perdoc.close()
        self._storage.close()
        self.is_closed = True


def unreferenced_files(generation: Path, keep: set[str], indexname: str = "MAIN") -> list[Path] | None:
    """The files and folders of the generation its table of contents does not name (Whoosh's
    temporary folder and files, the segments of a commit that never finished, the shared files of
    another commit or half-written ones), besides `keep`; None when the table of contents cannot
    be read."""
    storage = FileStorage(str(generation))
    try:
        toc = whoosh_index.TOC.read(storage, indexname)
    except Exception:
        return None
    segments = {segment.segment_id() for segment in toc.segments}
    segment_file: re.Pattern = whoosh_index.TOC._segment_pattern(indexname)
    named = {
        whoosh_index.TOC._filename(indexname, toc.generation),
        f"{indexname}_WRITELOCK",
        store.shared_folder_name(toc.generation),
        *keep,
    }
    return [
        path
        for path in generation.iterdir()
        if path.name not in named and not ((match := segment_file.fullmatch(path.name)) and match.group(1) in segments)
    ]


def write_from_blocks(folder: Path, leaf, read_blocks, places_decoder) -> None:
    """Derive a segment's arrays from its blocks (a segment Whoosh's own writer made).
    `read_blocks(leaf, field_name, term)` gives its blocks with numbers within the segment, and
    `places_decoder(field_name)` the batch decoder of a field's places, or None. A term's numbers
    and places are joined as the query path joins them (TermPostings)."""
    writer = SegmentArraysWriter(folder, leaf.segment().segment_id())
    try:
        for field_name, field in leaf.schema.items():
            if not field.indexed:
                continue
            decode = places_decoder(field_name)
            writer.start_field(field_name, decode)
            for term in leaf.lexicon(field_name):
                blocks = list(read_blocks(leaf, field_name, term))
                docs, weights = TermPostings(blocks, None).arrays()
                if decode is None:
                    writer.add(term, docs, weights)
                else:
                    writer.add(term, docs, weights, *joined_values(blocks))
        writer.finish(leaf.doc_count_all())
    except BaseException:
        writer.abandon()
        raise


def write_missing_arrays(generation: Path) -> int:
    """Derive the arrays (segment_arrays.py) of each segment of the generation's latest commit
    that has none, or whose arrays do not check out: the segments Whoosh's own writer made (a
    small rebuild, an incremental update, a merge) and those of an index built before them.
    Returns how many were written."""
    ix = whoosh_index.open_dir(str(generation))
    written = 0
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            segment = leaf.segment()
            if segment is None or SegmentArrays.open(generation, segment.segment_id(), leaf.doc_count_all()):
                continue
            write_from_blocks(
                generation, leaf, leaf_blocks, lambda name, schema=leaf.schema: places_reader(schema, name)
            )
            written += 1
    return written
