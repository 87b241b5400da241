"""Drives `lgsearch serve` with wrk, a load client written outside the project, for bench.load.

wrk (Debian's `wrk`) is written in C and needs a few percent of a core where the Python client
needs much of one, so on a 2-core machine more of the machine is left to the server. Its Lua
script is written at run time from bench.load's list of addresses: each of wrk's threads sends
its own share of the list in order (thread t the t-th, t+T-th, ... addresses), so no address is
sent twice unless the list runs out, and with ETags given, each as If-None-Match. wrk runs for a
time, not a count; the script's `done` prints the counts and latencies as one line of JSON.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

RESULT_MARK = "LGSEARCH_WRK "
THREADS = 2  # wrk's own threads: one a core is plenty for 8 connections on loopback
TIMEOUT = "10s"  # a request not answered within this counts as a timeout error

_SCRIPT = """
local paths = {%(paths)s}
local etags = {%(etags)s}
local threads = 0
setup = function(thread)
  thread:set("first", threads)
  threads = threads + 1
end
local sent = 0
init = function(args)
  sent = 0
end
request = function()
  local at = (first + sent * %(threads)d) %% #paths + 1
  sent = sent + 1
  local etag = etags[at]
  if etag ~= nil and etag ~= "" then
    return wrk.format("GET", paths[at], {["If-None-Match"] = etag%(close_also)s})
  end
  return wrk.format("GET", paths[at])
end
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "%(mark)s{\\"requests\\": %%d, \\"microseconds\\": %%d, \\"connect\\": %%d, \\"read\\": %%d, \\"write\\": %%d, " ..
    "\\"status\\": %%d, \\"timeout\\": %%d, \\"p50\\": %%d, \\"p95\\": %%d, \\"p99\\": %%d, \\"max\\": %%d}\\n",
    summary.requests, summary.duration, errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def ensure_wrk() -> str:
    """The path of wrk, installed from Debian's packages first if it is missing (as root only)."""
    found = shutil.which("wrk")
    if found:
        return found
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing wrk (apt-get install wrk) for the outside client...", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, stdout=subprocess.DEVNULL)
        found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed: run `sudo apt-get install wrk`, or use --client python.")
    return found


def lua_string(text: str) -> str:
    """A Lua string literal of an address or ETag (ASCII: addresses are percent-encoded)."""
    return json.dumps(text, ensure_ascii=True)


def write_script(path: Path, urls: list, threads: int = THREADS, keep_alive: bool = True) -> Path:
    """The Lua script for `urls`: paths, or (path, ETag) pairs sent with If-None-Match."""
    paths = [url if isinstance(url, str) else url[0] for url in urls]
    etags = [None if isinstance(url, str) else url[1] for url in urls]
    path.write_text(
        _SCRIPT
        % {
            "paths": ", ".join(lua_string(p) for p in paths),
            "etags": ", ".join(lua_string(e or "") for e in etags),
            "threads": threads,
            "mark": RESULT_MARK,
            "close": "nil" if keep_alive else '{["Connection"] = "close"}',
            "close_also": "" if keep_alive else ', ["Connection"] = "close"',
        }
    )
    return path


def run_wrk(base: str, urls: list, connections: int, seconds: float, script_dir: Path, keep_alive: bool = True) -> dict:
    """One wrk run of `seconds` against `base`, `connections` open at once; the counts, requests
    a second and latencies in ms, in the shape bench.load's other runs report."""
    wrk = ensure_wrk()
    script = write_script(script_dir / "mix.lua", urls, keep_alive=keep_alive)
    completed = subprocess.run(
        [
            wrk,
            f"-t{THREADS}",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            f"--timeout={TIMEOUT}",
            "-s",
            str(script),
            base + "/",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    line = next((row for row in completed.stdout.splitlines() if row.startswith(RESULT_MARK)), None)
    if line is None:
        raise SystemExit(f"wrk gave no result (exit {completed.returncode}): {completed.stdout} {completed.stderr}")
    found = json.loads(line[len(RESULT_MARK) :])
    errors = found["connect"] + found["read"] + found["write"] + found["status"] + found["timeout"]
    return {
        "requests": found["requests"],
        "seconds": found["microseconds"] / 1e6,
        "errors": errors,
        "p50": found["p50"] / 1000,
        "p95": found["p95"] / 1000,
        "p99": found["p99"] / 1000,
        "max": found["max"] / 1000,
        "distinct": len({url if isinstance(url, str) else url[0] for url in urls}),
    }
