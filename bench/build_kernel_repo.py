#!/usr/bin/env python3
"""Build the benchmark kernel history repo from Debian ``linux-source`` packages.

    .venv/bin/python bench/build_kernel_repo.py [--out /work/kernels/repo]
                                                [--debs-dir /work/kernels] [--series]

Steps (each skipped when already done, so the script is idempotent):

1. make sure the three .deb files are in ``--debs-dir``; missing ones are
   fetched with ``apt-get update`` (once) + ``apt-get download <pkg>=<ver>``;
2. ``dpkg-deb -x`` each .deb into ``<debs-dir>/x-<series>_<debver>/`` and untar
   the ``linux-source-*.tar.xz`` it contains next to itself, giving
   ``x-*/usr/src/linux-source-*/`` (extraction goes to a temp dir that is
   renamed into place, so an existing dir is a complete one);
3. create a *bare* git repo at ``--out`` with pygit2 only (no git CLI) and
   commit each full source tree on branch ``main``, oldest first::

       v6.1.192  ->  v6.12.107  ->  v6.12.117

   Trees are built bottom-up with ``TreeBuilder`` from ``create_blob``
   (no index).  Symlinks are stored as links (mode 120000), executables as
   100755, empty directories are dropped (git cannot store them).  Author,
   committer and dates are fixed, so the commit ids are reproducible;
4. with ``--series``: branch ``series`` from v6.12.107 with one commit per
   file under ``mm/`` and ``fs/`` that differs between 6.12.107 and
   6.12.117 (added, modified or deleted; subject ``<path>: update to
   6.12.117``; in path order), then one final commit bringing the rest of the
   tree to 6.12.117, so ``series-head^{tree}`` == ``v6.12.117^{tree}``.
   Tag ``series-head``.  Refs are only written once the whole series has been
   created.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pygit2

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import KERNELS_DIR, KERNEL_REPO, VERSIONS, KernelVersion, du_bytes, fmt_bytes  # noqa: E402

TREE = 0o040000
BLOB = 0o100644
BLOB_EXEC = 0o100755
LINK = 0o120000
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"

BRANCH = "refs/heads/main"
SERIES_BRANCH = "refs/heads/series"
SERIES_TAG = "series-head"
SERIES_DIRS = ("mm/", "fs/")
SERIES_FROM, SERIES_TO = "6.12.107", "6.12.117"

# Fixed identity and dates => reproducible commit ids on any machine.
IDENT = ("errpath bench", "bench@errpath.invalid")
VERSION_TIME = {"6.1.192": 1_760_000_000, "6.12.107": 1_760_100_000, "6.12.117": 1_760_200_000}
SERIES_TIME0 = 1_760_150_000


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def sig(t: int) -> pygit2.Signature:
    return pygit2.Signature(IDENT[0], IDENT[1], t, 0)


# --------------------------------------------------------------------------
# 1-2: debs and extraction
# --------------------------------------------------------------------------

class Apt:
    def __init__(self) -> None:
        self.updated = False

    def download(self, v: KernelVersion, debs_dir: Path) -> Path:
        if not self.updated:
            log("+ apt-get update")
            r = subprocess.run(["apt-get", "update"], stdout=sys.stderr)
            if r.returncode != 0:
                log("  apt-get update failed (not root?); trying the download with the existing lists")
            self.updated = True
        log(f"+ apt-get download {v.apt_spec}   (in {debs_dir})")
        subprocess.run(["apt-get", "download", v.apt_spec], cwd=debs_dir, check=True, stdout=sys.stderr)
        deb = debs_dir / v.deb_filename
        if not deb.is_file():
            raise SystemExit(f"apt-get download did not produce {deb}")
        return deb


def ensure_deb(v: KernelVersion, debs_dir: Path, apt: Apt) -> Path:
    deb = debs_dir / v.deb_filename
    if deb.is_file() and deb.stat().st_size > 0:
        return deb
    return apt.download(v, debs_dir)


def _marked_extracted(v: KernelVersion, debs_dir: Path) -> bool:
    xdir = debs_dir / v.extract_dirname
    if (xdir / ".extracted-ok").is_file():
        return True
    # Trees extracted by the provisioning job are listed in extracted.txt.
    listing = debs_dir / "extracted.txt"
    if listing.is_file():
        want = f"{v.extract_dirname}/usr/src/{v.package}"
        return any(line.strip().rstrip("/") == want for line in listing.read_text().splitlines())
    return False


def check_kernel_version(src: Path, v: KernelVersion) -> None:
    head = (src / "Makefile").read_text(errors="replace")[:2000]
    fields = dict(re.findall(r"^(VERSION|PATCHLEVEL|SUBLEVEL)\s*=\s*(\d+)", head, re.M))
    got = f"{fields.get('VERSION')}.{fields.get('PATCHLEVEL')}.{fields.get('SUBLEVEL')}"
    if got != v.kernel:
        raise SystemExit(f"{src}/Makefile says {got}, expected {v.kernel}")


def ensure_extracted(v: KernelVersion, debs_dir: Path, apt: Apt) -> Path:
    xdir = debs_dir / v.extract_dirname
    src = xdir / "usr" / "src" / v.package
    if src.is_dir() and (src / "Makefile").is_file() and _marked_extracted(v, debs_dir):
        check_kernel_version(src, v)
        return src
    deb = ensure_deb(v, debs_dir, apt)
    if xdir.exists():
        log(f"  {xdir} is incomplete (no .extracted-ok marker); re-extracting")
        shutil.rmtree(xdir)
    tmp = Path(tempfile.mkdtemp(prefix=".x-", dir=debs_dir))
    try:
        log(f"+ dpkg-deb -x {deb.name} {tmp.name}")
        subprocess.run(["dpkg-deb", "-x", str(deb), str(tmp)], check=True, stdout=sys.stderr)
        tarballs = sorted((tmp / "usr" / "src").glob("linux-source-*.tar.*"))
        if not tarballs:
            raise SystemExit(f"no linux-source tarball in {deb}")
        log(f"+ tar -xf {tarballs[0].name}")
        subprocess.run(["tar", "-C", str(tmp / "usr" / "src"), "-xf", str(tarballs[0])], check=True,
                       stdout=sys.stderr)
        if not (tmp / "usr" / "src" / v.package / "Makefile").is_file():
            raise SystemExit(f"{tarballs[0]} did not unpack to {v.package}/")
        (tmp / ".extracted-ok").write_text(f"{v.apt_spec}\n")
        os.rename(tmp, xdir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    check_kernel_version(src, v)
    return src


# --------------------------------------------------------------------------
# 3: trees and commits
# --------------------------------------------------------------------------

class TreeWriter:
    """Writes a directory into the odb bottom-up; returns the tree oid."""

    def __init__(self, repo: pygit2.Repository) -> None:
        self.repo = repo
        self.files = self.links = self.bytes = self.skipped = 0

    def write_dir(self, path: str) -> pygit2.Oid | None:
        tb = self.repo.TreeBuilder()
        n = 0
        with os.scandir(path) as it:
            entries = sorted(it, key=lambda e: e.name)
        for e in entries:
            if e.is_symlink():
                target = os.readlink(os.fsencode(e.path))
                tb.insert(e.name, self.repo.create_blob(target), LINK)
                self.links += 1
            elif e.is_dir(follow_symlinks=False):
                sub = self.write_dir(e.path)
                if sub is None:
                    continue  # git cannot store empty directories
                tb.insert(e.name, sub, TREE)
            elif e.is_file(follow_symlinks=False):
                with open(e.path, "rb") as f:
                    data = f.read()
                # create_blob hashes first and skips the write (zlib) when
                # the object already exists, which makes later versions cheap.
                oid = self.repo.create_blob(data)
                mode = BLOB_EXEC if e.stat(follow_symlinks=False).st_mode & 0o100 else BLOB
                tb.insert(e.name, oid, mode)
                self.files += 1
                self.bytes += len(data)
            else:
                self.skipped += 1  # fifos, sockets, devices: none in a kernel tree
                continue
            n += 1
        return tb.write() if n else None


def ref_target(repo: pygit2.Repository, name: str) -> pygit2.Oid | None:
    try:
        return repo.references[name].peel(pygit2.Commit).id
    except (KeyError, ValueError):
        return None


def build_versions(repo: pygit2.Repository, debs_dir: Path, apt: Apt,
                   versions: tuple[KernelVersion, ...] = VERSIONS,
                   times: dict[str, int] = VERSION_TIME) -> dict:
    """Commit each version's full tree on BRANCH, oldest first, and tag it v<kernel>."""
    stats = {}
    parent = None
    for v in versions:
        tag_ref = f"refs/tags/{v.tag}"
        have = ref_target(repo, tag_ref)
        if have is not None:
            log(f"= {v.tag} already present ({have})")
            parent = have
            continue
        t0 = time.perf_counter()
        src = ensure_extracted(v, debs_dir, apt)
        t1 = time.perf_counter()
        log(f"* writing tree of {src}")
        tw = TreeWriter(repo)
        tree = tw.write_dir(str(src))
        msg = (f"Linux {v.kernel}\n\nFull source tree of Debian {v.package} {v.deb_version}"
               f" (linux-source tarball).\n")
        when = sig(times[v.kernel])
        commit = repo.create_commit(None, when, when, msg, tree, [parent] if parent else [])
        repo.references.create(BRANCH, commit, force=True)
        repo.references.create(tag_ref, commit)
        t2 = time.perf_counter()
        stats[v.tag] = {"commit": str(commit), "tree": str(tree), "files": tw.files, "links": tw.links,
                        "bytes": tw.bytes, "extract_s": round(t1 - t0, 1), "commit_s": round(t2 - t1, 1)}
        log(f"  {v.tag}: {commit}  {tw.files} files + {tw.links} links, {fmt_bytes(tw.bytes)}, "
            f"{t2 - t1:.1f} s")
        parent = commit
    if repo.head_is_unborn or repo.references.get("HEAD").target != BRANCH:
        repo.set_head(BRANCH)
    return stats


# --------------------------------------------------------------------------
# 4: the per-file series
# --------------------------------------------------------------------------

def _blobs(repo: pygit2.Repository, tree: pygit2.Tree, prefix: str, out: dict) -> None:
    for e in tree:
        p = prefix + e.name
        if e.filemode == TREE:
            _blobs(repo, repo[e.id], p + "/", out)
        else:
            out[p] = (e.id, e.filemode)


def diff_blobs(repo: pygit2.Repository, a: pygit2.Tree | None, b: pygit2.Tree | None,
               prefix: str = "") -> list[tuple[str, tuple | None]]:
    """Blob-level changes a -> b: [(path, (oid, mode) in b, or None if deleted)]."""
    ea = {e.name: e for e in a} if a is not None else {}
    eb = {e.name: e for e in b} if b is not None else {}
    out: list[tuple[str, tuple | None]] = []
    for name in sorted(ea.keys() | eb.keys()):
        x, y = ea.get(name), eb.get(name)
        if x is not None and y is not None and x.id == y.id and x.filemode == y.filemode:
            continue
        p = prefix + name
        xt = x is not None and x.filemode == TREE
        yt = y is not None and y.filemode == TREE
        if xt or yt:
            out.extend(diff_blobs(repo, repo[x.id] if xt else None, repo[y.id] if yt else None, p + "/"))
        if x is not None and not xt and (y is None or yt):
            out.append((p, None))                       # blob deleted (or replaced by a dir)
        if y is not None and not yt:
            out.append((p, (y.id, y.filemode)))         # blob added / modified / replacing a dir
    return out


def update_tree(repo: pygit2.Repository, tree_id: pygit2.Oid | None, parts: list[str],
                entry: tuple | None) -> pygit2.Oid | None:
    """Return tree_id with ``/``.join(parts) set to entry (oid, mode) or removed; None if it became empty."""
    tb = repo.TreeBuilder(repo[tree_id]) if tree_id is not None else repo.TreeBuilder()
    name = parts[0]
    cur = tb.get(name)
    if len(parts) == 1:
        if cur is not None:
            tb.remove(name)
        if entry is not None:
            tb.insert(name, entry[0], entry[1])
    else:
        sub = cur.id if cur is not None and cur.type_str == "tree" else None
        new = update_tree(repo, sub, parts[1:], entry)
        if cur is not None:
            tb.remove(name)
        if new is not None:
            tb.insert(name, new, TREE)
    oid = tb.write()
    return None if str(oid) == EMPTY_TREE else oid


def build_series(repo: pygit2.Repository) -> dict:
    have = ref_target(repo, f"refs/tags/{SERIES_TAG}")
    if have is not None and ref_target(repo, SERIES_BRANCH) == have:
        n = 0
        c = repo[have]
        base = ref_target(repo, f"refs/tags/v{SERIES_FROM}")
        while c.id != base:
            n += 1
            c = c.parents[0]
        log(f"= {SERIES_TAG} already present ({have}), {n} commits on {SERIES_BRANCH}")
        return {"series_commits": n, "series_head": str(have), "skipped": True}
    t0 = time.perf_counter()
    base = repo[ref_target(repo, f"refs/tags/v{SERIES_FROM}")]
    target = repo[ref_target(repo, f"refs/tags/v{SERIES_TO}")]
    changes = [(p, e) for p, e in diff_blobs(repo, base.tree, target.tree) if p.startswith(SERIES_DIRS)]
    changes.sort(key=lambda c: c[0])
    log(f"* series: {len(changes)} changed files under {', '.join(SERIES_DIRS)}")
    head, tree, t = base.id, base.tree.id, SERIES_TIME0
    kinds = {"added": 0, "modified": 0, "deleted": 0}
    for path, entry in changes:
        old = None
        try:
            old = base.tree[path]
        except KeyError:
            pass
        kinds["deleted" if entry is None else ("modified" if old is not None else "added")] += 1
        tree = update_tree(repo, tree, path.split("/"), entry)
        t += 1
        when = sig(t)
        head = repo.create_commit(None, when, when, f"{path}: update to {SERIES_TO}\n", tree, [head])
    if tree != target.tree.id:
        t += 1
        when = sig(t)
        head = repo.create_commit(None, when, when,
                                  f"Update the rest of the tree to {SERIES_TO}\n", target.tree.id, [head])
    final = repo[head]
    assert final.tree.id == target.tree.id, "series head tree differs from the target tree"
    repo.references.create(SERIES_BRANCH, head, force=True)
    repo.references.create(f"refs/tags/{SERIES_TAG}", head, force=True)
    n = len(changes) + (1 if final.message.startswith("Update the rest") else 0)
    dt = time.perf_counter() - t0
    log(f"  {SERIES_TAG}: {head}  {n} commits ({len(changes)} per-file {kinds} + final), {dt:.1f} s")
    return {"series_commits": n, "per_file_commits": len(changes), "kinds": kinds,
            "series_head": str(head), "series_s": round(dt, 1)}


# --------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=KERNEL_REPO, help=f"repo to create (default {KERNEL_REPO})")
    ap.add_argument("--debs-dir", type=Path, default=KERNELS_DIR,
                    help=f"where the .deb files are / go, and where they are extracted (default {KERNELS_DIR})")
    ap.add_argument("--series", action="store_true", help="also build branch 'series' / tag 'series-head'")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    args.debs_dir.mkdir(parents=True, exist_ok=True)
    if (args.out / "HEAD").is_file():
        repo = pygit2.Repository(str(args.out))
    else:
        log(f"* init bare repo {args.out}")
        repo = pygit2.init_repository(str(args.out), bare=True, initial_head="main")
    apt = Apt()
    summary: dict = {"repo": str(args.out), "versions": build_versions(repo, args.debs_dir, apt)}
    if args.series:
        summary.update(build_series(repo))
    summary["tags"] = {r.removeprefix("refs/tags/"): str(ref_target(repo, r))
                       for r in sorted(repo.references) if r.startswith("refs/tags/")}
    summary["build_s"] = round(time.perf_counter() - t0, 1)
    summary["repo_bytes"] = du_bytes(args.out)
    log(f"done in {summary['build_s']} s; repo {fmt_bytes(summary['repo_bytes'])} on disk")
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
