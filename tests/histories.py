"""Scripted git histories for tests, built with pygit2 only.

    h = History(tmp_path)                      # non-bare repo, HEAD -> main
    c1 = h.commit("mm: add x", {"mm/x.c": SRC, "block/blk-lib.c": SRC2})
    h.branch("side", c1)
    s1 = h.commit("side work", {"mm/x.c": SRC3}, branch="side")
    c2 = h.commit("main work", {"block/blk-lib.c": None})   # None deletes
    m = h.merge("Merge branch 'side'", [c2, s1])            # moves main
    h.tag("v1", c1); h.tag("v2", m, message="annotated")
    repo = errpath.git.Repo(h.path)

`files` are changes on top of the first parent's tree (a root commit starts
from the empty tree). Keys are paths ("a/b.c", str or raw bytes for non-UTF-8
names); values are the new contents (bytes, or str encoded as UTF-8), None to
delete, `Symlink(target)`, `Executable(data)` or `Submodule(sha)`.

Every commit, tag and merge returns / accepts full hex shas (str), so they
drop straight into revision specs: f"{c1}..{m}". Anything that takes a
commit also takes a pygit2 Commit/Oid or a revision ("main~1", "v1").

Times are deterministic: each new commit is `step` seconds after the previous
one (unless `time=` is given), starting at EPOCH.

Nothing here touches a working tree: objects and refs only.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence, Union

import pygit2
from pygit2.enums import ObjectType

EPOCH = 1_700_000_000          # 2023-11-14T22:13:20Z
DEFAULT_AUTHOR = ("A U Thor", "author@example.com")

_MODE_TREE = 0o040000
_MODE_FILE = 0o100644
_MODE_EXEC = 0o100755
_MODE_LINK = 0o120000
_MODE_GITLINK = 0o160000


@dataclass(frozen=True)
class Symlink:
    target: str | bytes


@dataclass(frozen=True)
class Executable:
    data: str | bytes


@dataclass(frozen=True)
class Submodule:
    sha: str


Content = Union[bytes, str, None, Symlink, Executable, Submodule]
Rev = Union[str, pygit2.Oid, pygit2.Commit]

_DEFAULT = object()


def _b(x: str | bytes) -> bytes:
    return x if isinstance(x, bytes) else x.encode("utf-8", "surrogateescape")


def _tz(offset_minutes: int) -> bytes:
    sign = b"-" if offset_minutes < 0 else b"+"
    m = abs(offset_minutes)
    return b"%s%02d%02d" % (sign, m // 60, m % 60)


class History:
    def __init__(self, path: str | os.PathLike, *, bare: bool = False, branch: str = "main",
                 start: int = EPOCH, step: int = 3600, subdir: str | None = "repo"):
        """Create a new repository at path/subdir (subdir None: at path)."""
        p = Path(path)
        self.path: Path = p / subdir if subdir else p
        self.path.mkdir(parents=True, exist_ok=True)
        self.repo: pygit2.Repository = pygit2.init_repository(
            str(self.path), bare=bare, initial_head=branch)
        self.bare = bare
        self.default_branch = branch
        self._clock = start
        self._step = step

    # -- identities --------------------------------------------------------

    def oid(self, rev: Rev) -> pygit2.Oid:
        if isinstance(rev, pygit2.Oid):
            return rev
        if isinstance(rev, pygit2.Object):
            return rev.id
        obj = self.repo.revparse_single(rev)
        if obj.type in (ObjectType.BLOB, ObjectType.TREE):
            return obj.id
        return obj.peel(pygit2.Commit).id

    def sha(self, rev: Rev) -> str:
        return str(self.oid(rev))

    def __getitem__(self, rev: Rev) -> pygit2.Commit:
        return self.repo[self.oid(rev)].peel(pygit2.Commit)

    def tip(self, branch: str | None = None) -> str | None:
        """Sha at the tip of branch (default: HEAD's branch), None if unborn."""
        ref = self._branch_ref(branch)
        r = self.repo.references.get(ref)
        return str(r.target) if r is not None else None

    def _branch_ref(self, branch: str | None) -> str:
        if branch is None:
            head = self.repo.references.get("HEAD")
            target = head.target if head is not None else None
            if isinstance(target, str):
                return target
            raise ValueError("HEAD is detached: pass branch= or parents=")
        return branch if branch.startswith("refs/") else f"refs/heads/{branch}"

    def _tick(self, time: int | None) -> int:
        if time is None:
            self._clock += self._step
            return self._clock
        self._clock = max(self._clock, time)
        return time

    # -- trees -------------------------------------------------------------

    def _blob(self, value: Content) -> tuple[int, pygit2.Oid]:
        if isinstance(value, Symlink):
            return _MODE_LINK, self.repo.create_blob(_b(value.target))
        if isinstance(value, Executable):
            return _MODE_EXEC, self.repo.create_blob(_b(value.data))
        if isinstance(value, Submodule):
            return _MODE_GITLINK, pygit2.Oid(hex=value.sha)
        if isinstance(value, (bytes, str)):
            return _MODE_FILE, self.repo.create_blob(_b(value))
        raise TypeError(f"bad file content: {value!r}")

    def _write_tree(self, entries: Mapping[bytes, tuple[int, pygit2.Oid]]) -> pygit2.Oid:
        def key(item):
            name, (mode, _) = item
            return name + b"/" if mode == _MODE_TREE else name
        data = b"".join(b"%o %s\0" % (mode, name) + oid.raw
                        for name, (mode, oid) in sorted(entries.items(), key=key))
        return self.repo.odb.write(ObjectType.TREE, data)

    def _entries(self, tree_id: pygit2.Oid | None) -> dict[bytes, tuple[int, pygit2.Oid]]:
        if tree_id is None:
            return {}
        return {e.raw_name: (e.filemode, e.id) for e in self.repo[tree_id]}

    def _build(self, tree_id: pygit2.Oid | None, changes: Mapping[bytes, Content]) -> pygit2.Oid | None:
        """Apply changes (relative raw paths) to a tree; None if it ends up empty."""
        entries = self._entries(tree_id)
        sub: dict[bytes, dict[bytes, Content]] = {}
        for path, value in changes.items():
            head, sep, rest = path.partition(b"/")
            if not head:
                raise ValueError(f"bad path {path!r}")
            if sep and rest:
                sub.setdefault(head, {})[rest] = value
            elif value is None:
                entries.pop(head, None)
            else:
                entries[head] = self._blob(value)
        for name, subchanges in sub.items():
            old = entries.get(name)
            old_tree = old[1] if old is not None and old[0] == _MODE_TREE else None
            new = self._build(old_tree, subchanges)
            if new is None:
                entries.pop(name, None)
            else:
                entries[name] = (_MODE_TREE, new)
        if not entries:
            return None
        return self._write_tree(entries)

    def tree(self, files: Mapping[str | bytes, Content], base: Rev | None = None) -> pygit2.Oid:
        base_tree = None
        if base is not None:
            obj = self.repo[self.oid(base)]
            base_tree = obj.id if obj.type == ObjectType.TREE else obj.peel(pygit2.Commit).tree_id
        changes = {_b(k).strip(b"/"): v for k, v in (files or {}).items()}
        t = self._build(base_tree, changes)
        return t if t is not None else self._write_tree({})

    # -- commits -----------------------------------------------------------

    def commit(self, message: str | bytes, files: Mapping[str | bytes, Content] | None = None, *,
               parents: Sequence[Rev] | None = None, branch: str | None = None,
               author: tuple[str | bytes, str | bytes] = DEFAULT_AUTHOR,
               committer: tuple[str | bytes, str | bytes] | None = None,
               time: int | None = None, offset: int = 0, encoding: str | None = None,
               tree: Rev | None = None) -> str:
        """Create a commit; return its sha.

        parents None: the tip of `branch` (default HEAD's branch; a root commit
        if unborn). [] makes a root commit. The commit's tree is the first
        parent's tree (or `tree`'s tree) with `files` applied.

        Ref update: `branch` if given; otherwise HEAD's branch when it is
        unborn or its tip is one of the parents (so committing on top of the
        current tip advances it); otherwise no ref moves.
        offset: the author/committer timezone in minutes east of UTC.
        """
        ref = self._branch_ref(branch) if branch is not None or not self.repo.head_is_detached \
            else None
        if parents is None:
            if ref is None:
                raise ValueError("HEAD is detached: pass branch= or parents=")
            tip = self.repo.references.get(ref)
            parent_ids = [tip.target] if tip is not None else []
        else:
            parent_ids = [self.oid(p) for p in parents]
        if branch is None and ref is not None:
            tip = self.repo.references.get(ref)
            if tip is not None and tip.target not in parent_ids:
                ref = None
        base = tree if tree is not None else (parent_ids[0] if parent_ids else None)
        # `tree` may be a commit/rev or a tree id: the base the files apply to
        tree_id = self.tree(files or {}, base)
        when = self._tick(time)
        who = _b(author[0]) + b" <" + _b(author[1]) + b"> " + b"%d %s" % (when, _tz(offset))
        c = committer or author
        cwho = _b(c[0]) + b" <" + _b(c[1]) + b"> " + b"%d %s" % (when, _tz(offset))
        raw = b"tree %s\n" % str(tree_id).encode()
        for p in parent_ids:
            raw += b"parent %s\n" % str(p).encode()
        raw += b"author " + who + b"\ncommitter " + cwho + b"\n"
        if encoding:
            raw += b"encoding " + encoding.encode() + b"\n"
        msg = message if isinstance(message, bytes) else message.encode(encoding or "utf-8")
        if not msg.endswith(b"\n"):
            msg += b"\n"
        oid = self.repo.odb.write(ObjectType.COMMIT, raw + b"\n" + msg)
        if ref is not None:
            self.repo.references.create(ref, oid, force=True)
        return str(oid)

    def merge(self, message: str, parents: Sequence[Rev],
              files: Mapping[str | bytes, Content] | None = None, **kw) -> str:
        """A merge commit of `parents` (first parent's tree + files)."""
        if len(parents) < 2:
            raise ValueError("a merge needs at least two parents")
        return self.commit(message, files, parents=parents, **kw)

    def linear(self, n: int, path: str = "f.c", subject: str = "commit {i}", **kw) -> list[str]:
        """n commits on HEAD's branch, each changing `path`."""
        return [self.commit(subject.format(i=i), {path: f"int v{i};\n"}, **kw) for i in range(n)]

    # -- refs --------------------------------------------------------------

    def branch(self, name: str, target: Rev) -> None:
        self.repo.references.create(f"refs/heads/{name}", self.oid(target), force=True)

    def tag(self, name: str, target: Rev, message: str | None = None) -> None:
        """Lightweight tag, or annotated when message is given."""
        oid = self.oid(target)
        if message is None:
            self.repo.references.create(f"refs/tags/{name}", oid, force=True)
        else:
            tagger = pygit2.Signature("T Agger", "tagger@example.com", self._tick(None), 0)
            self.repo.create_tag(name, oid, ObjectType.COMMIT, tagger, message)

    def set_head(self, name: str, target: Rev | None = None) -> None:
        """Point HEAD at branch `name` (moving/creating it at target if given)."""
        if target is not None:
            self.branch(name, target)
        self.repo.set_head(f"refs/heads/{name}")

    def detach(self, target: Rev) -> None:
        self.repo.set_head(self.oid(target))

    # -- inspection --------------------------------------------------------

    def files(self, rev: Rev = "HEAD") -> dict[str, bytes]:
        """{path: contents} of every blob in rev's tree (symlinks included)."""
        out: dict[str, bytes] = {}
        stack = [("", self[rev].tree)]
        while stack:
            prefix, t = stack.pop()
            for e in t:
                p = f"{prefix}/{e.name}" if prefix else e.name
                if e.filemode == _MODE_TREE:
                    stack.append((p, e))
                elif e.filemode != _MODE_GITLINK:
                    out[p] = e.data
        return out

    # -- shallow copies ----------------------------------------------------

    def shallow_copy(self, dest: str | os.PathLike, boundary: Iterable[Rev], *,
                     bare: bool = True) -> Path:
        """A copy of this repository as a shallow clone cut at `boundary`:
        the boundary commits are kept (listed in `shallow`, so they look
        parentless) but none of their ancestors are. All branches and tags
        whose targets survive are copied; HEAD is kept."""
        dest = Path(dest)
        dst = pygit2.init_repository(str(dest), bare=bare)
        cut = {self.oid(b) for b in boundary}
        src = self.repo

        def copy(oid: pygit2.Oid) -> None:
            stack = [oid]
            while stack:
                o = stack.pop()
                if o in dst.odb:
                    continue
                typ, data = src.odb.read(o)
                dst.odb.write(typ, data)
                obj = src[o]
                if typ == ObjectType.COMMIT:
                    stack.append(obj.tree_id)
                    if o not in cut:
                        stack.extend(obj.parent_ids)
                elif typ == ObjectType.TREE:
                    stack.extend(e.id for e in obj if e.filemode != _MODE_GITLINK)
                elif typ == ObjectType.TAG:
                    stack.append(obj.target)

        def cut_off(oid: pygit2.Oid) -> bool:
            try:
                c = src[oid].peel(pygit2.Commit).id
            except (KeyError, ValueError, pygit2.GitError):
                return False
            return any(c != b and src.descendant_of(b, c) for b in cut)

        for name in src.references:
            if name == "HEAD":
                continue
            ref = src.references[name]
            if ref.type != pygit2.enums.ReferenceType.DIRECT or cut_off(ref.target):
                continue
            copy(ref.target)
            dst.references.create(name, ref.target, force=True)
        head = src.references.get("HEAD")
        if head is not None and isinstance(head.target, str):
            dst.set_head(head.target)
        elif head is not None:
            copy(head.target)
            dst.set_head(head.target)
        gitdir = Path(dst.path)
        (gitdir / "shallow").write_text("".join(f"{c}\n" for c in sorted(map(str, cut))))
        return dest
