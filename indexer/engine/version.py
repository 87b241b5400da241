"""Whether the installed Whoosh is the one the fast reader was written for."""

from __future__ import annotations

from importlib import metadata

# The fast reader knows Whoosh-Reloaded 2.7.5's W3 codec byte by byte: its block layout, its
# pickled stored fields and its column classes. Another release may lay them out otherwise.
FAST_DISTRIBUTION = "Whoosh-Reloaded"
FAST_VERSION = "2.7.5"


def fast_reader_fits() -> tuple[bool, str]:
    """(True, "") when the fast reader may be used, else (False, why not)."""
    try:
        installed = metadata.version(FAST_DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return False, f"{FAST_DISTRIBUTION} is not installed (another Whoosh distribution is)"
    if installed != FAST_VERSION:
        return False, f"{FAST_DISTRIBUTION} is {installed}, and the fast reader knows {FAST_VERSION} only"
    import whoosh

    if tuple(whoosh.__version__[:3]) != tuple(int(part) for part in FAST_VERSION.split(".")):
        return False, f"the whoosh package says it is {whoosh.versionstring()}, not {FAST_VERSION}"
    return True, ""
