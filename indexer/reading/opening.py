"""Opening a source file where the folder walk found it, never through a link out of its folder.

The walk (reindex/sources.py) follows a link only when it leads inside the source folder, but a
file can be swapped for a link to `/etc/passwd` between the walk and the read. So the file is
opened one folder at a time down from the source folder, along the path it really has at the
moment of reading (links inside the folder resolved, as the walk allows), and no step follows a
link (`O_NOFOLLOW`): whatever is swapped, and whenever, what is opened is a file inside the folder,
or nothing is. The opened file is then checked to be a regular file (`fstat`), not a pipe or device.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: opening a named pipe someone put in place of a post must not wait for a writer.
_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


class NotInside(Exception):
    """The file cannot be opened as a regular file inside its source folder; `reason` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def open_inside(path: Path, root: Path) -> int:
    """A descriptor of the regular file at `path` (found by the walk under the source folder
    `root`, itself a real path), opened without following any link out of `root`."""
    real = Path(os.path.realpath(path))
    if not real.is_relative_to(root):
        raise NotInside(
            f"The file is now a link that leads outside the source folder (to {real}); "
            "lgsearch reads only files inside it."
        )
    if real == root:  # a single file named as a source
        return regular_file(_open(str(root), _FILE))
    *folders, name = real.relative_to(root).parts
    folder = os.open(root, _FOLDER & ~os.O_NOFOLLOW)  # the source folder itself, as named
    try:
        for part in folders:
            inner = _open(part, _FOLDER, folder)
            os.close(folder)
            folder = inner
        return regular_file(_open(name, _FILE, folder))
    finally:
        os.close(folder)


def _open(name: str, flags: int, folder: int | None = None) -> int:
    try:
        return os.open(name, flags, dir_fd=folder)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENOTDIR):
            # A part of the path became a link (or a file) after it was resolved.
            raise NotInside(
                "The file was replaced by a link while lgsearch was reading it, so it was not read."
            ) from None
        raise


def regular_file(fd: int) -> int:
    """The descriptor, if it is of a regular file; else it is closed and the reason raised."""
    kind = os.fstat(fd).st_mode
    if not stat.S_ISREG(kind):
        os.close(fd)
        if stat.S_ISDIR(kind):
            raise IsADirectoryError(errno.EISDIR, "is a folder")
        raise NotInside("The file could not be read: it is not a regular file.")
    return fd
