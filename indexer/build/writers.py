"""Whoosh's multi-process writer, made to die with the job and to stop when cancelled."""
from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys

from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import SegmentWriter

logger = logging.getLogger(__name__)


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


class _WriterProcess(SubWriterTask):
    """One of Whoosh's writer processes, made to die with the job: a killed job must never leave
    processes behind (the lock itself is not inherited: see store.ReindexLock)."""

    def __init__(self, *args):
        super().__init__(*args)
        self.daemon = True  # stopped by multiprocessing when the job exits normally
        self.job_pid = os.getpid()

    def run(self) -> None:
        _die_with(self.job_pid)
        # The job stops its writers itself; a stop signal to the whole group ends them at once.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        super().run()


def _die_with(job_pid: int) -> None:
    """Ask the kernel to kill this process when the job dies, then make sure it has not already."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            logger.warning("Could not tie a writer process to its job (errno %s)", ctypes.get_errno())
    if os.getppid() != job_pid:
        os._exit(1)


class ProcessWriter(MpWriter):
    """Whoosh's multi-process writer, with writer processes that die with the job and a cancel
    that really stops them. Whoosh's own cancel only sets a flag in the job's copy of each
    process object, so the processes waited for work forever and the job hung on exit
    waiting for them (SIGTERM then left it stuck)."""

    def _new_task(self):
        task = _WriterProcess(self.storage, self.indexname, self.jobqueue, self.resultqueue,
                              self.subargs, self.multisegment)
        self.tasks.append(task)
        task.start()
        return task

    def commit(self, *args, **kwargs) -> None:
        super().commit(*args, **kwargs)
        failed = [task.exitcode for task in self.tasks if task.exitcode != 0]
        if failed:
            raise RuntimeError(f"A writer process failed (exit status {failed[0]})")

    def cancel(self) -> None:
        try:
            for task in self.tasks:
                if task.is_alive():
                    task.kill()
            for task in self.tasks:
                task.join(timeout=10)
            for q in (self.jobqueue, self.resultqueue):
                q.cancel_join_thread()  # nobody will read what is still queued
                q.close()
        finally:
            if not self.is_closed:
                SegmentWriter.cancel(self)

