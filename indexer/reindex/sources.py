"""The files a reindex reads: every indexable file under the sources, in a stable order.

Links are followed only while they stay inside their source folder, so nothing outside it can
reach the web; a link that cannot be followed is reported, never silently dropped.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from indexer.reindex.report import Rejected
from indexer.document import document_id
from indexer.reading.readers import SUPPORTED_EXTENSIONS


class SourceError(Exception):
    """A source that does not exist or cannot be indexed: the user's to fix (exit status 2)."""


@dataclass
class SourceFile:
    path: Path
    root: Path
    relative_path: str

    @property
    def id(self) -> str:
        return document_id(self.relative_path)


def collect_files(sources: list[Path], rejected: list[Rejected] | None = None) -> list[SourceFile]:
    """Every indexable file under the sources, in a stable order. Links that cannot be followed
    (see _follow) are added to `rejected` with the reason."""
    rejected = [] if rejected is None else rejected
    files: list[SourceFile] = []
    for source in sources:
        if not source.exists():
            raise SourceError(f"There is no file or folder called {source}.")
        root = source.resolve()
        if root.is_file():
            if root.suffix.lower() not in SUPPORTED_EXTENSIONS:
                kinds = ", ".join(sorted(SUPPORTED_EXTENSIONS))
                raise SourceError(f"{source} is not a file lgsearch can index (it reads {kinds}).")
            files.append(SourceFile(root, root, root.name))
            continue
        found: list[Path] = []
        _walk(root, root, (root,), found, rejected)
        files.extend(SourceFile(path, root, path.relative_to(root).as_posix()) for path in sorted(found))
    return files


def _walk(root: Path, folder: Path, chain: tuple[Path, ...], found: list[Path], rejected: list[Rejected]) -> None:
    """The indexable files in `folder` (as seen from `root`) and below. `chain` holds the real
    folders walked to get here, so a link back to one of them is a loop."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as error:
        rejected.append(Rejected(str(folder), f"The folder cannot be read ({error.strerror})."))
        return
    for entry in entries:
        path = Path(entry.path)
        indexable = path.suffix.lower() in SUPPORTED_EXTENSIONS
        if entry.is_symlink():
            target = _follow(root, path, indexable, rejected)
            if target is None:
                continue
            if target.is_dir():
                if target in chain:
                    rejected.append(
                        Rejected(
                            str(path),
                            "The link leads back to a folder that contains it "
                            "(a loop), so lgsearch does not follow it.",
                        )
                    )
                else:
                    _walk(root, path, (*chain, target), found, rejected)
            elif indexable and target.is_file():
                found.append(path)
        elif entry.is_dir(follow_symlinks=False):
            _walk(root, path, (*chain, path), found, rejected)
        elif indexable and entry.is_file(follow_symlinks=False):
            found.append(path)


def _follow(root: Path, link: Path, indexable: bool, rejected: list[Rejected]) -> Path | None:
    """Where a link inside a source folder leads, if that is inside the same folder.

    A link out of it could put any file the indexer can read (say /etc/passwd) on the web."""
    # Only links that could be a post or a folder are worth a word; others are ignored like any file.
    worth_reporting = indexable or not link.suffix
    try:
        target = link.resolve(strict=True)
    except FileNotFoundError:
        if worth_reporting:
            rejected.append(Rejected(str(link), f"The link leads to nothing: {os.readlink(link)} does not exist."))
        return None
    except (RuntimeError, OSError):
        if worth_reporting:
            rejected.append(Rejected(str(link), "The link is part of a loop of links, so lgsearch does not follow it."))
        return None
    if not target.is_relative_to(root):
        if indexable or target.is_dir():
            rejected.append(
                Rejected(
                    str(link),
                    f"The link leads outside the source folder (to {target}); "
                    "lgsearch follows only links that stay inside it.",
                )
            )
        return None
    return target
