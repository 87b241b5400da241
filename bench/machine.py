"""What machine a figure was measured on, printed with every figure: CPU model, cores, Python
build and load average. A figure that holds on one machine only is not a result (issue 28)."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def load_average() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def describe() -> str:
    """One line: `AMD EPYC, 2 cores, CPython 3.11.7 (main May 9 2026 07:35:25), load average 1.02`."""
    build = f"{platform.python_implementation()} {platform.python_version()} ({' '.join(platform.python_build())})"
    return f"{cpu_model()}, {os.cpu_count()} cores, {build}, load average {load_average():.2f}"
