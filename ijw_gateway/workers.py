"""Worker processes that never outlive their parent: the one way ijw starts them
(``validate``, ``ledger ingest``, ``ledger status``).

A worker ends as soon as its parent does, however the parent ends (Ctrl-C, ``kill``,
``kill -9``, a crash): on Linux the kernel sends it SIGKILL (``prctl(PR_SET_PDEATHSIG)``);
elsewhere, or when the pool is started from a thread other than the main one (the
kernel's notice follows the *thread* that forked, not the process), a daemon thread in
the worker checks every half second whether its parent is still there. Workers ignore
Ctrl-C: the terminal sends SIGINT to the whole process group, and only the parent answers
it (one line, exit 130), ending its workers on the way out.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

__all__ = ["WorkerPool", "die_with_parent", "fork_available", "start_process"]

PR_SET_PDEATHSIG = 1
WATCH_SECONDS = 0.5
"""How often a worker without the kernel's notice checks for its parent."""

T = TypeVar("T")


def fork_available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _context() -> Any:
    return multiprocessing.get_context("fork") if fork_available() else multiprocessing.get_context()


def _from_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def die_with_parent(parent: int, kernel_notice: bool = True) -> None:
    """In a worker: end this process when the process ``parent`` ends (see the module's docstring)."""
    if kernel_notice and _parent_death_signal():
        if os.getppid() != parent:  # the parent ended before the notice was set up
            os._exit(1)
        return

    def watch() -> None:
        while True:
            time.sleep(WATCH_SECONDS)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="ijw-parent-watch", daemon=True).start()


def _parent_death_signal() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _start_worker(parent: int, kernel_notice: bool, initializer: Callable[..., Any] | None,
                  initargs: tuple[Any, ...]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent's handler (clean up, then exit) is not for a worker
    die_with_parent(parent, kernel_notice)
    if initializer is not None:
        initializer(*initargs)


class WorkerPool:
    """Worker processes (forked where the platform can) that die with their parent.

    ``initializer(*initargs)`` runs in each worker first; with fork the arguments are inherited,
    not pickled. Every worker is started here, with the parent's objects frozen for the garbage
    collector (so the workers' collections leave the pages they share with the parent alone).
    Leaving the ``with`` block normally waits for the work; on an exception (Ctrl-C included)
    the workers are ended at once.
    """

    def __init__(self, workers: int, initializer: Callable[..., Any] | None = None,
                 initargs: tuple[Any, ...] = ()) -> None:
        self.workers = workers
        self._executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=_context(),
            initializer=_start_worker,
            initargs=(os.getpid(), _from_main_thread(), initializer, initargs),
        )
        gc.freeze()
        try:
            self._executor.submit(int)  # with fork, this starts every worker now
        finally:
            gc.unfreeze()

    def submit(self, fn: Callable[..., T], /, *args: Any) -> Future[T]:
        return self._executor.submit(fn, *args)

    def close(self) -> None:
        """Wait for the work handed out, then end the workers."""
        self._executor.shutdown(wait=True)

    def terminate(self) -> None:
        """End the workers now; work not yet done is dropped."""
        processes = list((getattr(self._executor, "_processes", None) or {}).values())  # no public API before 3.14
        for process in processes:
            if process.is_alive():
                process.terminate()
        # then the executor's own thread sees them gone and ends, and is joined here (it would
        # otherwise be woken at exit through a pipe already closed: a message on stderr)
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_exc: object) -> None:
        if kind is None:
            self.close()
        else:
            self.terminate()


def start_process(target: Callable[..., Any], *args: Any) -> BaseProcess:
    """Start one worker process running ``target(*args)`` (forked where the platform can), that
    ignores Ctrl-C and dies with its parent."""
    process = _context().Process(target=_run, args=(os.getpid(), _from_main_thread(), target, args), daemon=True)
    process.start()
    return process


def _run(parent: int, kernel_notice: bool, target: Callable[..., Any], args: tuple[Any, ...]) -> None:
    _start_worker(parent, kernel_notice, None, ())
    target(*args)
