"""Copying the live index to another index folder, for more hosts to serve: `lgsearch publish`.

A generation is a folder of files that never change once written, so reads scale by copies.
The copy is written beside the destination's live index as a `building-*` folder, checked file
by file against the source and opened as an index, and only then switched to with the same
atomic replace of `CURRENT` a rebuild uses. The destination's previous generation stays for
readers still on it. If anything fails, the destination is exactly as it was. A generation that
does not read through (a damaged one, or one holding a pickle that is not an index's own: see
safe_pickle.py) is not copied at all.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index

from indexer import store

logger = logging.getLogger(__name__)


class PublishError(Exception):
    """The live index could not be published; the destination is unchanged."""


@dataclass
class Published:
    generation: Path
    documents: int
    size_bytes: int


def publish(source: Path, destination: Path, wait: float = 0.0) -> Published:
    """Copy `source`'s live generation into `destination` and make it live there."""
    source, destination = Path(source), Path(destination)
    if destination.resolve() == source.resolve():
        raise PublishError("The destination is the index folder itself: name another folder.")
    if destination.exists() and not destination.is_dir():
        raise PublishError(f"{destination} is a file, not a folder.")
    destination.mkdir(parents=True, exist_ok=True)
    # The source's lock keeps a reindex from changing the live generation mid-copy; the
    # destination's keeps two publishes (or a reindex there) from switching at once.
    with store.ReindexLock(source, wait=wait), store.ReindexLock(destination, wait=wait):
        live = store.live_generation(source)
        if live is None:
            raise PublishError(f"There is no index in {source} to publish. Run `lgsearch index` first.")
        store.check_schema(live)
        _check_loads(live)
        store.remove_abandoned_builds(destination)
        building = store.new_building_dir(destination)
        try:
            _copy(live, building)
            documents = _verify(live, building)
            generation = store.publish(destination, building)
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
    logger.info("Published %s to %s as %s", live.name, destination, generation.name)
    return Published(generation, documents, store.index_size(generation))


def _copy(live: Path, building: Path) -> None:
    """The generation's files, and the folder of files its server workers share (shared.py) for
    its latest commit, if it has one: a copy is the same commit, so they fit it there too."""
    shared = _shared_folder(live)
    if shared is not None:
        (building / shared.name).mkdir()
    for path in _files(live):
        relative = path.relative_to(live)
        shutil.copyfile(path, building / relative)
        with open(building / relative, "rb") as handle:
            os.fsync(handle.fileno())
    if shared is not None:
        store.fsync_dir(building / shared.name)
    store.fsync_dir(building)


def _shared_folder(generation: Path) -> Path | None:
    """The generation's folder of shared files for its latest commit, when there is one."""
    toc = sorted(
        (int(match.group(1)), path.name)
        for path in generation.glob("_MAIN_*.toc")
        if (match := re.fullmatch(r"_MAIN_(\d+)\.toc", path.name))
    )
    folder = generation / store.shared_folder_name(toc[-1][0]) if toc else None
    return folder if folder is not None and folder.is_dir() and not folder.is_symlink() else None


def _files(generation: Path) -> list[Path]:
    """The files a copy of the generation holds: its own, and those of its shared folder."""
    shared = _shared_folder(generation)
    inside = sorted(p for p in shared.iterdir() if p.is_file()) if shared is not None else []
    return sorted(p for p in generation.iterdir() if p.is_file()) + inside


def _verify(live: Path, building: Path) -> int:
    """The copy has every file of the source, byte for byte, and opens as the same index."""
    names = [str(p.relative_to(live)) for p in _files(live)]
    copied = [str(p.relative_to(building)) for p in _files(building)]
    if names != copied:
        raise PublishError("The copy is missing files of the index.")
    for name in names:
        if _digest(live / name) != _digest(building / name):
            raise PublishError(f"The copy of {name} differs from the index.")
    expected, found = _document_count(live), _document_count(building)
    if expected != found:
        raise PublishError(f"The copy holds {found} documents, the index {expected}.")
    return found


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_loads(generation: Path) -> None:
    """The generation opens (its table of contents and segments) and every stored post reads, with
    nothing in them that is not an index's own (safe_pickle refuses it); else it is damaged, and
    is not copied anywhere. Searches read the rest through the same unpickler."""
    try:
        ix = whoosh_index.open_dir(str(generation))
        try:
            with ix.searcher() as searcher:
                for _ in searcher.reader().all_stored_fields():
                    pass
        finally:
            ix.close()
    except Exception as error:
        logger.info("Not publishing %s: %s", generation, error)
        raise store.IndexDamaged(f"{generation.name} cannot be read ({error})") from None


def _document_count(generation: Path) -> int:
    ix = whoosh_index.open_dir(str(generation))
    try:
        with ix.searcher() as searcher:
            return searcher.doc_count()
    finally:
        ix.close()
