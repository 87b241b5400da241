"""Files derived once from an index generation, that every server worker maps instead of building.

Each worker used to build its own copy of what it reads from a generation the same way as every
other worker: the places and arrays of the commonest words (~140 MB a worker at 20,000 posts),
each facet's (post, value) pairs and each post's month. The reindex job now writes them once,
as `.npy` files in a folder inside the generation, and a worker maps them read-only
(`np.load(mmap_mode="r")`): the system keeps one copy of their pages for every process.

The folder is `shared-<commit>` (the Whoosh commit the files were derived from), written under a
temporary name and renamed whole, so a killed job leaves nothing that is read. Its
`manifest.json` names the format, the commit, the segments and the number of posts, and every
file's type, shape and CRC-32; a worker checks them all as it opens the files, and on any
mismatch (an index built before this, a file cut short or changed, another commit's folder)
derives what it needs in memory as before and logs one warning. No pickle is ever read:
`allow_pickle=False`, and the words, facet values and months are JSON.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer import store
from indexer.engine.postings import Places
from indexer.schema import SCHEMA_VERSION

logger = logging.getLogger(__name__)

SWITCH_VARIABLE = "LGSEARCH_SHARED_FILES"  # "off": every worker derives its own copy, as before
FORMAT = 1  # bumped whenever what the files hold, or how, changes
MANIFEST = "manifest.json"
CHECK_CHUNK = 1 << 24  # bytes checksummed at a time


@dataclass
class SharedFiles:
    """What a worker takes from the files: views of the maps, and the JSON parts."""

    places: dict[tuple[str, str], Places]
    arrays: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]
    facets: dict[str, dict]  # name -> {"docs", "values", "starts": arrays; "keys": list; "labels": dict}
    months: tuple[np.ndarray, list[str]]


def shared_files_on() -> bool:
    """Whether servers use (and write) shared files: unless LGSEARCH_SHARED_FILES=off, to rule
    them out when something looks wrong, or to measure what workers take without them."""
    return os.environ.get(SWITCH_VARIABLE, "").strip().lower() not in ("off", "no", "0", "false")


def identity(gen) -> dict:
    """What a generation's open searcher is: its commit, segments and number of posts, with the
    formats the files are written in. Files written for another never match."""
    reader = gen.searcher.reader()
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "engine": gen.engine_name,  # the plain engine's arrays leave deleted posts out; the fast one's keep them
        "commit": gen.commit,
        "segments": [leaf.segment().segment_id() for leaf, _ in reader.leaf_readers() if leaf.segment() is not None],
        "documents": reader.doc_count_all(),
    }


def folder_of(generation: Path, commit: int) -> Path:
    return generation / store.shared_folder_name(commit)


def write_shared_files(generation: Path) -> Path | None:
    """Derive the shared files of the generation's latest commit and put them in place; None
    when they are there already. Called by a rebuild before it is switched to."""
    from indexer.query.generation import Generation  # the files hold exactly what it derives

    gen = Generation(Path(generation))
    try:
        if not gen.shares_files():
            return None
        if _written_for(folder_of(gen.path, gen.commit), identity(gen)):
            return None  # checked whole by each worker as it opens them
        return write_derived(gen)
    finally:
        gen.close()


def write_derived(gen, warmed: bool = False) -> Path | None:
    """Write what the generation derived (the commonest words' places and arrays, read now
    unless `warmed`, its facet pairs and months) as its shared files; None when another process
    put files that fit in place first, which are then used rather than replaced."""
    pairs = gen.facet_pairs()
    numbers, names = gen.months()
    if not warmed:
        gen.warm_common_words(share=False)
    places, arrays = gen.postings.kept_words()
    arrays = {key: value for key, value in arrays.items() if key not in places}
    parts: dict[str, np.ndarray] = {}
    _add_runs(parts, "places_keys", [kept.keys for kept in places.values()], np.int64)
    _add_runs(parts, "places_docs", [kept.arrays[0] for kept in places.values()], np.int32)
    _add_runs(parts, "places_weights", [kept.arrays[1] for kept in places.values()], np.float64)
    _add_runs(parts, "arrays_docs", [docs for docs, _ in arrays.values()], np.int32)
    _add_runs(parts, "arrays_weights", [weights for _, weights in arrays.values()], np.float64)
    facets = {}
    for name, facet in pairs.items():
        parts[f"facet_{name}_docs"] = np.asarray(facet.docs, dtype=np.int32)
        parts[f"facet_{name}_values"] = np.asarray(facet.values, dtype=np.int32)
        parts[f"facet_{name}_starts"] = np.asarray(facet.starts, dtype=np.int64)
        facets[name] = {"keys": facet.keys, "labels": gen.facet_labels(name)}
    parts["months"] = np.asarray(numbers, dtype=np.int32)
    manifest = identity(gen) | {
        "places": [list(key) for key in places],
        "arrays": [list(key) for key in arrays],
        "facets": facets,
        "month_names": names,
        "files": {},
    }
    return _put_in_place(folder_of(gen.path, gen.commit), parts, manifest, lambda: read_shared_files(gen, quiet=True))


def _written_for(folder: Path, wanted: dict) -> bool:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and all(manifest.get(key) == value for key, value in wanted.items())


def _add_runs(parts: dict, name: str, runs: list, dtype) -> None:
    """The runs one after another in one array, and where each starts (and the last ends)."""
    parts[name] = np.concatenate([np.asarray(run, dtype=dtype) for run in runs]) if runs else np.zeros(0, dtype)
    parts[name + "_starts"] = np.concatenate(([0], np.cumsum([len(run) for run in runs], dtype=np.int64)))


def _put_in_place(final: Path, parts: dict[str, np.ndarray], manifest: dict, fitting) -> Path | None:
    """Write the files into a temporary folder, the manifest last, then rename it whole; unless
    `fitting()` finds files that fit there already (another worker's, mapped by others)."""
    building = final.with_name(f"{final.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir()
    try:
        for name, array in parts.items():
            path = building / f"{name}.npy"
            with open(path, "wb") as handle:
                np.save(handle, np.ascontiguousarray(array), allow_pickle=False)
                handle.flush()
                os.fsync(handle.fileno())
            manifest["files"][name] = {"dtype": array.dtype.str, "shape": list(array.shape), "crc32": _crc(path)}
        with open(building / MANIFEST, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(manifest))
            handle.flush()
            os.fsync(handle.fileno())
        store.fsync_dir(building)
        if final.exists():
            if fitting() is not None:
                shutil.rmtree(building)
                return None
            shutil.rmtree(final)  # damaged: replaced
        try:
            building.rename(final)
        except OSError:
            if not final.is_dir():
                raise
            shutil.rmtree(building)  # another worker's came first
            return None
        store.fsync_dir(final.parent)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return final


def read_shared_files(gen, quiet: bool = False) -> SharedFiles | None:
    """The generation's shared files, mapped and checked; None (with one warning) when they are
    missing or do not match it, so that the worker derives what it needs itself."""
    if not gen.shares_files():
        return None
    folder = folder_of(gen.path, gen.commit)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError("its manifest is not an object")
        wanted = identity(gen)
        for key, value in wanted.items():
            if manifest.get(key) != value:
                raise ValueError(f"they were written for another {key} ({manifest.get(key)!r}, not {value!r})")
        arrays = {name: _mapped(folder, name, spec) for name, spec in manifest["files"].items()}
        return _assembled(manifest, arrays, wanted["documents"])
    except FileNotFoundError:
        if not folder.exists():  # the usual state after an update, until its first worker writes them
            if not quiet:
                logger.info("No shared files for %s yet; this worker derives its own copy", folder)
            return None
        why = "one of their files is missing"
    except Exception as error:  # whatever is wrong with them, the worker derives its own
        why = str(error) or type(error).__name__
    if not quiet:
        logger.warning("Not using the shared files of %s (%s); this worker derives its own copy", folder, why)
    return None


def _mapped(folder: Path, name: str, spec: dict) -> np.ndarray:
    if not isinstance(name, str) or not name.replace("_", "").isalnum():
        raise ValueError(f"the manifest names a file {name!r}")
    path = folder / f"{name}.npy"
    if _crc(path) != spec["crc32"]:
        raise ValueError(f"{path.name} has changed since it was written")
    array = np.load(path, mmap_mode="r", allow_pickle=False)
    if array.dtype.str != spec["dtype"] or list(array.shape) != spec["shape"]:
        raise ValueError(f"{path.name} is not the shape or type its manifest says")
    return np.asarray(array)  # a plain view of the map: the map stays open while the view lives


def _crc(path: Path) -> int:
    crc = 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHECK_CHUNK), b""):
            crc = zlib.crc32(block, crc)
    return crc


def _assembled(manifest: dict, files: dict[str, np.ndarray], documents: int) -> SharedFiles:
    """The mapped arrays cut into each word's, facet's and post's parts, checked to fit."""
    place_words = [tuple(key) for key in manifest["places"]]
    keys = _cut(files, "places_keys", len(place_words))
    docs = _cut(files, "places_docs", len(place_words))
    weights = _cut(files, "places_weights", len(place_words))
    places = {
        word: Places(keys[at], (docs[at], weights[at])) for at, word in enumerate(place_words) if len(docs[at]) > 0
    }
    array_words = [tuple(key) for key in manifest["arrays"]]
    only_docs = _cut(files, "arrays_docs", len(array_words))
    only_weights = _cut(files, "arrays_weights", len(array_words))
    arrays = {word: (only_docs[at], only_weights[at]) for at, word in enumerate(array_words)}
    for word_docs, word_weights in [kept.arrays for kept in places.values()] + list(arrays.values()):
        _check_docs(word_docs, documents)
        if len(word_weights) != len(word_docs):
            raise ValueError("a word's weights do not match its posts")
    for kept in places.values():
        if len(kept.keys) and not 0 <= kept.keys[0] >> 32 <= kept.keys[-1] >> 32 < documents:
            raise ValueError("a word's places name posts the index does not hold")
    facets = {}
    for name, facet in manifest["facets"].items():
        values, starts = files[f"facet_{name}_values"], files[f"facet_{name}_starts"]
        _check_docs(files[f"facet_{name}_docs"], documents)
        if len(starts) != documents + 1 or (len(values) and not 0 <= values.min() <= values.max() < len(facet["keys"])):
            raise ValueError(f"the {name} facet's pairs do not fit the index")
        facets[name] = facet | {"docs": files[f"facet_{name}_docs"], "values": values, "starts": starts}
    months, names = files["months"], manifest["month_names"]
    if len(months) != documents or (len(months) and not 0 <= months.min() <= months.max() < len(names)):
        raise ValueError("the months do not fit the index")
    return SharedFiles(places, arrays, facets, (months, names))


def _cut(files: dict[str, np.ndarray], name: str, count: int) -> list[np.ndarray]:
    whole, starts = files[name], files[name + "_starts"]
    if len(starts) != count + 1 or starts[0] != 0 or starts[-1] != len(whole) or (np.diff(starts) < 0).any():
        raise ValueError(f"{name} is not cut as its manifest says")
    return [whole[start:end] for start, end in zip(starts[:-1].tolist(), starts[1:].tolist())]


def _check_docs(docs: np.ndarray, documents: int) -> None:
    if len(docs) and not (0 <= docs[0] and docs[-1] < documents and (np.diff(docs) >= 0).all()):
        raise ValueError("a part names posts the index does not hold, or out of order")
