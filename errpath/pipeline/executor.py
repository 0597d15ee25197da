"""Where the per-blob analysis runs: in this process, a local process pool, or a
Dask distributed cluster. Every executor runs the same task (`blob_task`) on
the same chunks and hands back the results in input order, so the report does
not depend on where the work ran.

A task's result per file is `(status, size, data)`: status "ok" with the
zlib-compressed pickle of the file's BlobAnalysis (exactly the bytes the cache
stores), or "git-error" with the message when the blob cannot be read.

Local workers read the blobs from the repository themselves (only blob ids
cross the pipe) and write their results to the shared SQLite cache (WAL, one
short transaction per chunk), so the main process only decodes what comes
back. Dask workers get the blob bytes in the task (they need no repository)
and the client writes the cache.
"""
from __future__ import annotations

import os
import pickle
import sys
import zlib
from collections import deque
from typing import Iterator, Sequence

# One item of a chunk: (path, blob id, cache key, blob bytes or None to read it here).
Item = tuple

_REPO = None          # per worker process: the repository, reopened by path
_REPO_ROOT = None
_CACHE = None         # per worker process: its own connection to the shared cache
_CACHE_DIR = None


def _worker_repo(root: str):
    global _REPO, _REPO_ROOT
    if _REPO is None or _REPO_ROOT != root:
        from ..git.repo import Repo
        _REPO, _REPO_ROOT = Repo(root), root
    return _REPO


def _worker_cache(directory: str):
    global _CACHE, _CACHE_DIR
    if _CACHE is None or _CACHE_DIR != directory or _CACHE.pid != os.getpid():
        from .cache import Cache
        _CACHE, _CACHE_DIR = Cache(directory), directory
        _CACHE.pid = os.getpid()
    return _CACHE


def encode(analysis) -> bytes:
    return zlib.compress(pickle.dumps(analysis, protocol=pickle.HIGHEST_PROTOCOL), 1)


def decode(data: bytes):
    return pickle.loads(zlib.decompress(data))


def blob_task(items: Sequence[Item], macros, repo_root: str | None = None,
              cache_dir: str | None = None, recursion_limit: int | None = None) -> list[tuple]:
    """Analyse the files of one chunk; see the module docstring for the result."""
    from .blob import _analyse_task
    from ..git.repo import GitError
    if recursion_limit and sys.getrecursionlimit() != recursion_limit:
        sys.setrecursionlimit(recursion_limit)   # how deep a nesting is analysed must not depend on where
    out, rows = [], []
    for path, blob, key, data in items:
        if data is None:
            repo = _worker_repo(repo_root)
            try:
                kind, data = repo.pygit2_repo.odb.read(blob)   # ~2x faster than Repository[oid].data
                if kind != 3:   # not a blob (GIT_OBJECT_BLOB)
                    raise ValueError(kind)
            except Exception:
                try:
                    data = repo.read_blob(blob)   # says what is wrong
                except GitError as e:
                    out.append(("git-error", 0, str(e)))
                    continue
        z = encode(_analyse_task((path, data, macros)))
        out.append(("ok", len(data), z))
        if cache_dir is not None:
            rows.append((key, z))
    if rows:
        _worker_cache(cache_dir).put_raw(rows)
    return out


def chunks(items: list, jobs: int, *, limit: int = 16) -> list[list]:
    """Contiguous chunks: small enough to balance the load at the end, big enough
    that the pipe and the task overhead stay small."""
    size = max(1, min(limit, len(items) // (jobs * 8) or 1))
    return [items[i:i + size] for i in range(0, len(items), size)]


class InProcess:
    """--jobs 1: the same tasks, here."""
    name = "local"
    reads_repo = True
    writes_cache = True
    jobs = 1

    def run(self, parts: list[list], macros, repo_root, cache_dir) -> Iterator[list]:
        for part in parts:
            yield blob_task(part, macros, repo_root, cache_dir)

    def close(self) -> None:
        pass


class LocalPool:
    """A process pool on this machine (fork), at most a few chunks in flight per
    worker so memory stays bounded on a whole-kernel scan."""
    name = "local"
    reads_repo = True
    writes_cache = True

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.pool = None

    def _ensure(self):
        if self.pool is None:
            from concurrent.futures import ProcessPoolExecutor
            from .workers import worker_init  # workers ignore SIGINT: no tracebacks on Ctrl-C
            self.pool = ProcessPoolExecutor(max_workers=self.jobs, initializer=worker_init,
                                            initargs=(sys.getrecursionlimit(),))
        return self.pool

    def run(self, parts: list[list], macros, repo_root, cache_dir) -> Iterator[list]:
        pool = self._ensure()
        window = self.jobs * 4
        pending: deque = deque()
        it = iter(parts)
        for part in it:
            pending.append(pool.submit(blob_task, part, macros, repo_root, cache_dir))
            if len(pending) >= window:
                break
        while pending:
            r = pending.popleft().result()
            nxt = next(it, None)
            if nxt is not None:
                pending.append(pool.submit(blob_task, nxt, macros, repo_root, cache_dir))
            yield r

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None


class DaskExecutor:
    """The same tasks on a Dask distributed cluster (`--executor dask`): a
    scheduler address, or an in-process LocalCluster when none is given. The
    blob bytes travel with the task; the client writes the cache."""
    name = "dask"
    reads_repo = False
    writes_cache = False

    def __init__(self, scheduler: str | None = None, jobs: int | None = None):
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise RuntimeError("--executor dask needs Dask distributed: pip install 'errpath[dask]'") from None
        self.cluster = None
        if scheduler:
            self.client = Client(scheduler)
        else:
            self.cluster = LocalCluster(n_workers=jobs or os.cpu_count() or 1, threads_per_worker=1,
                                        processes=True, dashboard_address=":0")
            self.client = Client(self.cluster)
        info = self.client.scheduler_info()
        self.jobs = max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))

    def run(self, parts: list[list], macros, repo_root, cache_dir) -> Iterator[list]:
        window = self.jobs * 4
        pending: deque = deque()
        it = iter(parts)
        limit = sys.getrecursionlimit()

        def submit(part):
            return self.client.submit(blob_task, part, macros, None, None, limit, pure=False)
        for part in it:
            pending.append(submit(part))
            if len(pending) >= window:
                break
        while pending:
            fut = pending.popleft()
            r = fut.result()
            fut.release()
            nxt = next(it, None)
            if nxt is not None:
                pending.append(submit(nxt))
            yield r

    def close(self) -> None:
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()


def make_executor(kind: str, jobs: int, scheduler: str | None = None):
    if kind == "dask":
        return DaskExecutor(scheduler, jobs)
    if kind != "local":
        raise ValueError(f"unknown executor {kind!r}")
    return InProcess() if jobs <= 1 else LocalPool(jobs)
