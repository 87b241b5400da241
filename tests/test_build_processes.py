"""A rebuild stopped on the real two-process path: kill -9 and SIGTERM at several moments.

Each job is the real `lgsearch index --rebuild` in its own process, with the two-process writer
switched on for a small corpus and a marker printed at the moment under test. Afterwards no
process of the job is left, nothing it wrote is left, and the next `lgsearch index` succeeds.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from helpers import REPO_ROOT, write_post
from indexer import store
from indexer.reindex import reindex
from indexer.query.request import SearchRequest
from indexer.query.service import SearchService

pytestmark = pytest.mark.slow  # kills real reindex processes at each moment

POSTS = 40
DEADLINE = 60  # seconds: a generous bound for things that should take well under one

# argv: moment, pause ("pause" sleeps at the moment until stopped; "run" carries on), then the CLI's own.
JOB = """
    import os, sys, time
    import indexer.reindex as build
    import indexer.reindex.files as files
    import indexer.store as store
    from whoosh.writing import SegmentWriter

    moment, pause = sys.argv[1], sys.argv[2] == "pause"
    sys.argv = ["lgsearch", *sys.argv[3:]]
    build.PARALLEL_BUILD_THRESHOLD = 2

    def arrive(name):
        if name == moment:
            os.write(1, f"at {name}\\n".encode())  # one write: both writer processes may arrive at once
            if pause:
                time.sleep(600)

    read_document, reads = files.read_document, [0]
    def reading(*args, **kwargs):
        reads[0] += 1
        if reads[0] == 5:  # in each writer process: both are busy writing
            arrive("feeding")
        time.sleep(0.02)
        return read_document(*args, **kwargs)
    files.read_document = reading

    finalize = SegmentWriter._finalize_segment
    def committing(self, *args):
        arrive("committing")  # a writer process has read its files and is finishing its segment
        return finalize(self, *args)
    SegmentWriter._finalize_segment = committing

    atomic_write = store._atomic_write
    def switching(path, text):
        if path.name == store.POINTER_NAME:
            arrive("switching")  # the new generation is complete and renamed, CURRENT not yet replaced
        return atomic_write(path, text)
    store._atomic_write = switching

    from lgsearch.cli import main
    main()
"""


@pytest.fixture
def many_posts(tmp_path: Path) -> Path:
    folder = tmp_path / "many"
    for number in range(POSTS):
        write_post(
            folder,
            f"post-{number:03}.md",
            f"Post {number}",
            f"Council {number} writes about peer challenge and an Ofsted inspection.",
        )
    return folder


@pytest.fixture
def live_index(many_posts: Path, index_dir: Path) -> Path:
    reindex([many_posts], index_dir)
    return index_dir


def start_job(moment: str, pause: bool, index_dir: Path, source: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(JOB),
            moment,
            "pause" if pause else "run",
            "--index-dir",
            str(index_dir),
            "index",
            "--rebuild",
            str(source),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def running(pid: int) -> bool:
    """Alive and not merely a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def open_files(pid: int) -> set[str]:
    names = set()
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                names.add(os.readlink(fd))
            except OSError:
                pass
    except OSError:
        pass
    return names


def wait_until_gone(pids: set[int]) -> set[int]:
    deadline = time.monotonic() + DEADLINE
    while any(running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return {pid for pid in pids if running(pid)}


def reach(job: subprocess.Popen, moment: str) -> set[int]:
    """Wait for the job to reach the moment; its writer processes then."""
    line = job.stdout.readline().strip()
    if line != f"at {moment}":
        job.kill()
        pytest.fail(f"the job did not reach {moment}: {line!r} {job.communicate()[1][-2000:]}")
    return children_of(job.pid)


def nothing_left_behind(index_dir: Path, live: Path) -> None:
    names = {path.name for path in index_dir.iterdir()}
    assert not [name for name in names if name.startswith("building-") or name.endswith(".tmp")], names
    assert all(not name.startswith("gen-") or name <= live.name for name in names), names


def next_run_succeeds(index_dir: Path, source: Path) -> None:
    """The real CLI, with no --wait: a lock still held by anything of the dead job fails it."""
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "indexer", "--index-dir", str(index_dir), "index", str(source)],
        env=env,
        capture_output=True,
        text=True,
        timeout=DEADLINE,
    )
    assert done.returncode == 0, done.stderr
    with SearchService(index_dir) as service:
        assert service.search(SearchRequest()).total == POSTS


def test_writer_processes_never_hold_the_reindex_lock(live_index, many_posts):
    job = start_job("feeding", True, live_index, many_posts)
    writers = set()
    try:
        writers = reach(job, "feeding")
        assert len(writers) == 2  # the real two-process path
        lock = str((live_index / store.LOCK_NAME).resolve())
        assert lock in open_files(job.pid)
        assert all(lock not in open_files(pid) for pid in writers)
    finally:
        job.kill()
        job.communicate(timeout=DEADLINE)
        assert wait_until_gone(writers) == set()


@pytest.mark.parametrize("moment", ["feeding", "committing", "switching"])
def test_a_rebuild_killed_with_sigkill_leaves_no_process_and_the_next_run_succeeds(moment, live_index, many_posts):
    live = store.live_generation(live_index)
    job = start_job(moment, True, live_index, many_posts)
    writers = set()
    try:
        writers = reach(job, moment)
        if moment == "feeding":
            assert len(writers) == 2
        job.send_signal(signal.SIGKILL)
        job.wait(timeout=DEADLINE)
        assert wait_until_gone(writers) == set(), "writer processes outlived the killed job"
    finally:
        for pid in writers:  # never leak processes from a failing test
            if running(pid):
                os.kill(pid, signal.SIGKILL)
        job.kill()
        job.communicate()
    assert store.live_generation(live_index) == live
    next_run_succeeds(live_index, many_posts)
    nothing_left_behind(live_index, store.live_generation(live_index))


@pytest.mark.parametrize(
    "moment, pause",
    [
        ("feeding", True),
        ("committing", True),
        ("switching", True),
        # Not paused: the signal lands wherever the job happens to be. Several times, since a hang
        # used to come about one time in eight.
        *[("feeding", False)] * 6,
    ],
)
def test_sigterm_stops_a_rebuild_every_time_and_leaves_nothing(moment, pause, live_index, many_posts):
    live = store.live_generation(live_index)
    job = start_job(moment, pause, live_index, many_posts)
    writers = set()
    try:
        writers = reach(job, moment)
        job.send_signal(signal.SIGTERM)
        try:
            _, stderr = job.communicate(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            pytest.fail("the job did not stop on SIGTERM")
        assert wait_until_gone(writers) == set()
    finally:
        for pid in writers:
            if running(pid):
                os.kill(pid, signal.SIGKILL)
        job.kill()
        job.communicate()
    if job.returncode == 0:
        # Not paused, the job can finish before the signal arrives; then it is simply done.
        assert not pause
        live = store.live_generation(live_index)
    else:
        assert job.returncode == 1 and "The reindex was stopped. The live index is unchanged." in stderr, stderr
    assert store.live_generation(live_index) == live
    nothing_left_behind(live_index, live)
    next_run_succeeds(live_index, many_posts)
