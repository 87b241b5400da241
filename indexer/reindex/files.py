"""One source file into the index: read it, extract the post, write its fields, count it.

A bad file is reported and skipped, never the end of the run, and keeps its last good version.
The same steps serve every writer: the job's own and each writer process of a large build.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index

from indexer import store
from indexer.reindex.report import Rejected, ReindexReport
from indexer.reindex.sources import SourceFile
from indexer.organisations import find_organisations
from indexer.reading.readers import UnreadableFile, read_bytes, read_document
from indexer.schema import document_fields, body_reader, document_from_stored

logger = logging.getLogger(__name__)


@dataclass
class Writing:
    """What the files written through one writer share: what the index held (id -> hash, root,
    stamp), whether the index is fresh (a rebuild), the day dates are read as, a rebuild's last
    good versions, the ids written so far and the report of it all."""

    existing: dict
    report: ReindexReport
    fresh: bool
    today: datetime.date
    last_good: "LastGoodVersions | None" = None
    seen: dict[str, str] = field(default_factory=dict)  # id -> the file that has it


def index_file(writer, source_file: SourceFile, writing: Writing) -> bool:
    """Index one file, or leave its indexed version as it is; True when the index was written to.

    A file whose size and modification time are those indexed is not read again. One whose time
    changed but not its content is written again (to record the new time) but counted unchanged."""
    existing, seen, report, fresh = writing.existing, writing.seen, writing.report, writing.fresh
    today, last_good = writing.today, writing.last_good
    doc_id = source_file.id
    if doc_id in seen:
        report.rejected.append(
            Rejected(
                str(source_file.path),
                f"Another file ({seen[doc_id]}) already has the id {doc_id}; rename one of them.",
            )
        )
        return False
    try:
        previous_hash, _, previous_stamp = existing.get(doc_id, (None, None, None))
        stamp = file_stamp(source_file.path)
        if not fresh and previous_stamp and previous_stamp == stamp:
            seen[doc_id] = str(source_file.path)  # same size and time: not read again
            report.unchanged += 1
            return False
        data = read_bytes(source_file.path, source_file.root)
        content_hash = hashlib.sha256(data).hexdigest()
        document = read_document(source_file.path, source_file.relative_path, data, today=today)
        document.organisations = find_organisations(f"{document.title}\n{document.body}")
    except UnreadableFile as error:
        _reject(report, source_file, error.reason)
        _keep_last_good_version(writer, source_file, existing, seen, last_good)
        return False
    except Exception as error:  # a bug of ours must not stop the run
        logger.exception("Could not extract %s", source_file.path)
        _reject(report, source_file, f"The file could not be read ({type(error).__name__}).")
        _keep_last_good_version(writer, source_file, existing, seen, last_good)
        return False
    seen[doc_id] = str(source_file.path)
    report.count_extraction(document.extraction)
    fields = document_fields(document, content_hash, str(source_file.root), stamp)
    if fresh:
        writer.add_document(**fields)
    else:
        writer.update_document(**fields)
    if previous_hash is None:
        report.added += 1
    elif previous_hash == content_hash:
        report.unchanged += 1
    else:
        report.updated += 1
    return True


def file_stamp(path: Path) -> str:
    """A file's size and modification time: when both are as indexed, it has not changed."""
    status = path.stat()
    return f"{status.st_size}:{status.st_mtime_ns}"


def _reject(report, source_file, reason) -> None:
    """Report a bad file. The report lists it (the CLI on stderr), so the log does not say it a
    second time."""
    logger.debug("Skipped %s: %s", source_file.path, reason)
    report.rejected.append(Rejected(str(source_file.path), reason))


def _keep_last_good_version(writer, source_file: SourceFile, existing, seen, last_good) -> None:
    """A file that has turned bad keeps its last good version, as docs/api.md promises: an
    incremental run leaves it where it is, a rebuild (`last_good` given) copies it across from
    the live index. What cannot be kept is counted as deleted."""
    doc_id = source_file.id
    if doc_id not in existing:
        return
    if last_good is not None:
        fields = last_good.fields(doc_id)
        if fields is None:
            return
        writer.add_document(**fields)
    seen[doc_id] = str(source_file.path)


class LastGoodVersions:
    """The live index's documents as index fields, for a rebuild to carry across a file that has
    turned bad. The live index is opened only when such a file turns up; one that cannot be read,
    or was built by another version of lgsearch, has nothing to carry (a rebuild never needs it)."""

    def __init__(self, index_dir: Path):
        self._index_dir = index_dir
        self._opened = False
        self._ix = self._searcher = None

    def __enter__(self) -> "LastGoodVersions":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        if self._ix is not None:
            self._ix.close()
        self._ix = self._searcher = None

    def fields(self, doc_id: str) -> dict | None:
        searcher = self._open()
        docnum = searcher.document_number(id=doc_id) if searcher is not None else None
        if docnum is None:
            return None
        stored = searcher.stored_fields(docnum)
        body = body_reader(searcher.reader())(docnum)
        return document_fields(
            document_from_stored(stored, body),
            stored.get("content_hash", ""),
            stored.get("source_root", ""),
            stored.get("file_stamp", ""),
        )

    def _open(self):
        if not self._opened:
            self._opened = True
            try:
                live = store.live_generation(self._index_dir)
                if live is not None:
                    store.check_schema(live)
                    self._ix = whoosh_index.open_dir(str(live))
                    self._searcher = self._ix.searcher()
            except store.IndexOutdated:
                logger.warning(
                    "The live index was built by another version of lgsearch, so files "
                    "that have turned bad are left out of the rebuild."
                )
            except Exception as error:
                logger.warning(
                    "The live index cannot be read (%s), so files that have turned bad are left out of the rebuild.",
                    error,
                )
                self.close()
        return self._searcher
