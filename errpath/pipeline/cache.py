"""Content-addressed SQLite cache of per-blob analysis.

Key: engine version + macro-list digest + blob id + path. A blob that did not
change is never parsed twice, across commits and across runs. WAL mode lets
concurrent runs read while one writes; every write is one transaction, so a
run killed mid-write leaves the cache as it was before that write.
"""
from __future__ import annotations

import os
import pickle
import sqlite3
import zlib
from pathlib import Path

ENGINE_VERSION = "facts-20-i21h"  # facts-20-i21h: a .c file's function-like macros that compute a position or a length, as functions (BlobAnalysis.macro_functions); facts-19: facts-18 and facts-18-loops together; facts-18: the request operations of a crypto algorithm a file registers (<atomic> roles); facts-18-loops: the step token also for a cursor copied from a local it was stepped into (`cur = next`) and for `&x` handed to any call of a loop on x; facts-17: a function definition inside a block is a block-opening statement macro (second chance reads it as a loop); facts-16: alignof() as sizeof (expression operands parse); facts-2: light call_names and token tuples; facts-4: KUnit assertions; facts-6: lazy CFGs from source, step pseudo-token; facts-7: a step only on what a loop condition names; facts-8: `x = (T)x + n` is a step too; facts-9: a .c file's integer macros; facts-10: not one with an #ifdef alternative it cannot compute; facts-11: the step token also for a step tested by an if of a for (;;) loop, and for a loop condition calling with &x; facts-12: a .c file's init-only functions; facts-13: the CFG classes pickled under their errpath.facts.* module paths (issue 19)


class CacheError(Exception):
    pass


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "errpath"


class Cache:
    def __init__(self, directory: str | os.PathLike | None):
        self.path = None
        self.db = None
        self.hits = 0
        self.misses = 0
        if directory is None:
            return
        d = Path(directory)
        try:
            d.mkdir(parents=True, exist_ok=True)
            self.path = d / "cache.sqlite3"
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("CREATE TABLE IF NOT EXISTS blobs (key TEXT PRIMARY KEY, data BLOB NOT NULL)")
            self.db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, data BLOB NOT NULL)")
        except (OSError, sqlite3.Error) as e:
            raise CacheError(f"cannot use cache dir {d}: {e}") from None

    @staticmethod
    def key(blob_id: str, path: str, macros_digest: str) -> str:
        return f"{ENGINE_VERSION}:{macros_digest}:{blob_id}:{path}"

    def get(self, key: str):
        if self.db is None:
            return None
        try:
            row = self.db.execute("SELECT data FROM blobs WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        if row is None:
            self.misses += 1
            return None
        try:
            value = pickle.loads(zlib.decompress(row[0]))
        except Exception:
            self.misses += 1  # a damaged entry is just a miss
            return None
        self.hits += 1
        return value

    def put_many(self, items: list[tuple[str, object]]) -> None:
        if self.db is None or not items:
            return
        self.put_raw([(k, zlib.compress(pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL), 1)) for k, v in items])

    def put_raw(self, rows: list[tuple[str, bytes]]) -> None:
        """Store already compressed pickles (what worker processes hand back)."""
        if self.db is None or not rows:
            return
        try:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany("INSERT OR REPLACE INTO blobs (key, data) VALUES (?, ?)", rows)
            self.db.execute("COMMIT")
        except sqlite3.Error:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    # A whole tree's findings (errpath.pipeline.engine.Checked), keyed by tree, options and code.
    def get_result(self, key: str):
        if self.db is None:
            return None
        try:
            row = self.db.execute("SELECT data FROM results WHERE key = ?", (key,)).fetchone()
            return pickle.loads(zlib.decompress(row[0])) if row is not None else None
        except Exception:   # missing table in an old cache, damaged row: just a miss
            return None

    def put_result(self, key: str, value) -> None:
        if self.db is None:
            return
        data = zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)
        try:
            self.db.execute("INSERT OR REPLACE INTO results (key, data) VALUES (?, ?)", (key, data))
        except sqlite3.Error:
            pass

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None
