"""One model, many users: questions wait in a bounded queue and one worker thread answers them in order.

    >>> worker = ModelWorker(max_pending=8)
    >>> job = worker.submit(lambda: predict(...))     # QueueFull when 8 are already waiting
    >>> job.position()                                 # 0 = being answered now, 1 = next, ...
    >>> result = await asyncio.wrap_future(job.future)

The web server's event loop only submits and awaits: a question never blocks other requests (the page, the
schema, SQL runs, another user's queue position). A full queue is refused at once (`QueueFull`, HTTP 503) rather
than left to hang. Finished jobs are kept for a while (``keep_seconds``) so a client polling by job id can read
its answer.
"""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field


class QueueFull(Exception):
    """Every place in the queue is taken."""


@dataclass
class Job:
    id: str
    fn: Callable[[], object]
    seq: int
    future: Future = field(default_factory=Future)
    submitted: float = field(default_factory=time.monotonic)
    started: float | None = None
    finished: float | None = None
    owner: ModelWorker | None = None

    def position(self) -> int:
        """0 while this job runs (or is done), else how many jobs are ahead of it plus one."""
        return self.owner.position(self) if self.owner is not None else 0

    @property
    def state(self) -> str:
        if self.finished is not None:
            return "done"
        return "running" if self.started is not None else "queued"

    @property
    def waited(self) -> float:
        """Seconds between submission and the start of the work (so far, if it has not started)."""
        return (self.started or time.monotonic()) - self.submitted


class ModelWorker:
    """A single worker thread running submitted jobs in submission order; at most ``max_pending`` wait."""

    def __init__(self, max_pending: int = 16, keep_seconds: float = 600.0):
        self.max_pending = max_pending
        self.keep_seconds = keep_seconds
        self._pending: OrderedDict[str, Job] = OrderedDict()
        self._jobs: dict[str, Job] = {}
        self._cv = threading.Condition()
        self._seq = itertools.count()
        self._running: Job | None = None
        self._stop = False
        self._thread = threading.Thread(target=self._loop, name="graphsql-model", daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[[], object]) -> Job:
        with self._cv:
            if self._stop:
                raise QueueFull("the server is stopping")
            if len(self._pending) >= self.max_pending:
                raise QueueFull(f"{len(self._pending)} questions are already waiting: try again in a minute")
            job = Job(uuid.uuid4().hex[:16], fn, next(self._seq), owner=self)
            self._pending[job.id] = job
            self._jobs[job.id] = job
            self._forget_old()
            self._cv.notify()
            return job

    def get(self, job_id: str) -> Job | None:
        with self._cv:
            return self._jobs.get(job_id)

    def position(self, job: Job) -> int:
        with self._cv:
            if job.id not in self._pending:
                return 0
            ahead = sum(1 for other in self._pending.values() if other.seq < job.seq)
            return ahead + 1 + (self._running is not None)

    def stats(self) -> dict:
        with self._cv:
            return {"pending": len(self._pending), "max_pending": self.max_pending,
                    "running": self._running is not None}

    def close(self, timeout: float = 5.0) -> None:
        """Refuse new jobs, fail the waiting ones, and let the running one finish (up to ``timeout`` s)."""
        with self._cv:
            self._stop = True
            for job in self._pending.values():
                job.future.set_exception(QueueFull("the server stopped before this question was answered"))
            self._pending.clear()
            self._cv.notify_all()
        self._thread.join(timeout)

    def _forget_old(self) -> None:
        now = time.monotonic()
        for job_id in [j.id for j in self._jobs.values() if j.finished and now - j.finished > self.keep_seconds]:
            del self._jobs[job_id]

    def _loop(self) -> None:
        while True:
            with self._cv:
                while not self._pending and not self._stop:
                    self._cv.wait()
                if self._stop and not self._pending:
                    return
                _, job = self._pending.popitem(last=False)
                self._running = job
                job.started = time.monotonic()
            try:
                result = job.fn()
            except BaseException as err:  # the caller sees the error; the worker goes on
                job.future.set_exception(err)
            else:
                job.future.set_result(result)
            finally:
                with self._cv:
                    job.finished = time.monotonic()
                    self._running = None
