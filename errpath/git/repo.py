"""The git layer: everything errpath reads from the audited repository.

Read-only and pygit2-only: nothing here shells out to git, checks anything
out, writes into the repository, or runs hooks, filters or textconv drivers.
File contents are read raw from the object database.

Every user-facing failure is a `GitError` whose message is one clear line
(the CLI prints it and exits 2); pygit2/KeyError/ValueError never escape.

Paths are `str`; names that are not valid UTF-8 are decoded with
`surrogateescape` (as pygit2 and `os.fsdecode` do), so they round-trip to the
original bytes with `path.encode("utf-8", "surrogateescape")`.
Pathspecs are plain paths relative to the tree root: a directory ("mm",
"mm/", "fs/iomap/") or a file ("mm/filemap.c"); "", "." and "/" mean the whole
tree. No globs.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Iterator, Sequence
import pygit2
from pygit2.enums import DiffOption, SortMode

from ..model import CommitRef


__all__ = ["GitError", "Hunk", "Repo"]

DEFAULT_SUFFIXES = (".c", ".h")

_S_IFMT = 0o170000
_S_IFREG = 0o100000
_MODE_TREE = 0o040000

# Errors pygit2/libgit2 raise for "no such thing", bad specs and broken odbs.
_PYGIT2_ERRORS = (pygit2.GitError, KeyError, ValueError, TypeError, OSError)

_HEX_RE = re.compile(r"[0-9a-fA-F]{4,64}")


class GitError(Exception):
    """A user-facing git failure; str(err) is a one-line message."""


@dataclass
class Hunk:
    """One hunk of a file's diff. `lines` are (origin, text) with origin one
    of " ", "+", "-"; text is the line without its trailing newline."""
    old_start: int
    old_lines: int
    new_start: int
    new_lines: int
    header: str
    lines: list[tuple[str, str]] = field(default_factory=list)

    def added_lines(self) -> list[int]:
        """New-side line numbers of the "+" lines."""
        out, n = [], self.new_start
        for origin, _ in self.lines:
            if origin == "+":
                out.append(n)
            if origin in "+ ":
                n += 1
        return out

    def removed_lines(self) -> list[int]:
        """Old-side line numbers of the "-" lines."""
        out, n = [], self.old_start
        for origin, _ in self.lines:
            if origin == "-":
                out.append(n)
            if origin in "- ":
                n += 1
        return out


def _one_line(text: object) -> str:
    return " ".join(str(text).split()) or type(text).__name__


def _is_regular(mode: int) -> bool:
    return (mode & _S_IFMT) == _S_IFREG


def _norm_spec(spec: str | os.PathLike) -> str:
    """'./fs//iomap/' -> 'fs/iomap'; whole tree -> ''."""
    s = os.fspath(spec)
    if isinstance(s, bytes):
        s = s.decode("utf-8", "surrogateescape")
    if s.startswith("/") and s.strip("/"):
        raise GitError(f"invalid pathspec (must be relative to the tree root): {spec}")
    parts = [p for p in s.split("/") if p not in ("", ".")]
    if ".." in parts or any("\0" in p for p in parts):
        raise GitError(f"invalid pathspec: {spec}")
    return "/".join(parts)


def _norm_specs(pathspecs: Sequence[str] | str | None) -> list[str]:
    if pathspecs is None:
        return [""]
    if isinstance(pathspecs, (str, os.PathLike)):
        pathspecs = [pathspecs]
    specs = sorted({_norm_spec(p) for p in pathspecs})
    if not specs or "" in specs:
        return [""]
    # Drop specs covered by another one ("fs" covers "fs/iomap").
    out: list[str] = []
    for s in specs:
        if not any(s.startswith(o + "/") for o in out):
            out.append(s)
    return out


def _suffix_ok(path: str, suffixes: tuple[str, ...]) -> bool:
    return not suffixes or path.endswith(suffixes)


def _join(prefix: str, name: str) -> str:
    return f"{prefix}/{name}" if prefix else name


def _decode(raw: bytes | None, encoding: str | None = None) -> str:
    if raw is None:
        return ""
    if encoding:
        try:
            return raw.decode(encoding, "replace")
        except LookupError:
            pass
    return raw.decode("utf-8", "replace")


def git_subject(message: str) -> str:
    """What `git log --format=%s` prints: the first paragraph of the message,
    each line right-trimmed, joined with single spaces. Other characters
    (including control characters) are kept as they are."""
    ws = " \t\n\v\f\r"
    lines = message.split("\n")
    i = 0
    while i < len(lines) and not lines[i].strip(ws):
        i += 1
    out = []
    while i < len(lines) and lines[i].strip(ws):
        out.append(lines[i].rstrip(ws))
        i += 1
    return " ".join(out)


def _iso_date(sig: pygit2.Signature | None) -> str:
    try:
        if sig is None:
            raise ValueError("no signature")
        tz = timezone(timedelta(minutes=sig.offset))
        return datetime.fromtimestamp(sig.time, tz).isoformat()
    except (ValueError, OverflowError, OSError):
        return datetime.fromtimestamp(0, timezone.utc).isoformat()


class Repo:
    """A read-only view of one git repository (bare or not)."""

    def __init__(self, path: str | os.PathLike):
        self._arg = os.fspath(path)
        shown = self._arg
        try:
            gitdir = pygit2.discover_repository(os.path.abspath(self._arg))
        except _PYGIT2_ERRORS as e:
            raise GitError(f"cannot open git repository at {shown}: {_one_line(e)}") from None
        if not gitdir:
            raise GitError(f"not a git repository: {shown}")
        try:
            self._repo = pygit2.Repository(gitdir)
        except _PYGIT2_ERRORS as e:
            hint = " (see git's safe.directory)" if "not owned by current user" in str(e) else ""
            raise GitError(f"cannot open git repository at {shown}: {_one_line(e)}{hint}") from None
        self.root: str = os.path.normpath(self._repo.workdir or self._repo.path)

    # Picklable for worker processes: reopen by path.
    def __reduce__(self):
        return (Repo, (self.root,))

    def __repr__(self) -> str:
        return f"Repo({self.root!r})"

    @property
    def pygit2_repo(self) -> pygit2.Repository:
        return self._repo

    def is_shallow(self) -> bool:
        try:
            return bool(self._repo.is_shallow)
        except _PYGIT2_ERRORS:
            return False

    # -- revisions ---------------------------------------------------------

    def _missing(self, rev: str) -> GitError:
        """The error for a revision that does not resolve."""
        if self.is_shallow():
            base = re.split(r"[~^:@]", rev, maxsplit=1)[0]
            navigates = base != rev
            hit = False
            if _HEX_RE.fullmatch(base):
                hit = True               # a sha we don't have: likely cut off
            elif base:
                try:
                    ref = self._repo.lookup_reference_dwim(base)
                    target = ref.resolve().target
                    hit = navigates or target not in self._repo
                except _PYGIT2_ERRORS:
                    hit = False
            elif navigates:
                hit = True
            if hit:
                return GitError(f"revision {rev} is not in this shallow clone (fetch more history)")
        return GitError(f"unknown revision: {rev}")

    def resolve(self, rev: str | pygit2.Commit | pygit2.Oid) -> pygit2.Commit:
        """A commit from any revision git understands (tags are peeled)."""
        if isinstance(rev, pygit2.Commit):
            return rev
        if isinstance(rev, pygit2.Oid):
            rev = str(rev)
        if not isinstance(rev, str) or not rev.strip():
            raise GitError(f"unknown revision: {rev!r}")
        rev = rev.strip()
        try:
            obj = self._repo.revparse_single(rev)
        except pygit2.AmbiguousError:
            raise GitError(f"ambiguous revision: {rev} (use more sha digits)") from None
        except _PYGIT2_ERRORS:
            raise self._missing(rev) from None
        try:
            commit = obj.peel(pygit2.Commit)
        except _PYGIT2_ERRORS:
            if self.is_shallow():
                raise self._missing(rev) from None
            raise GitError(f"revision {rev} is not a commit") from None
        return commit

    def _commit(self, c: pygit2.Commit | str | pygit2.Oid) -> pygit2.Commit:
        return c if isinstance(c, pygit2.Commit) else self.resolve(c)

    def parse_range(self, spec: str) -> tuple[pygit2.Commit | None, pygit2.Commit]:
        """'A..B', 'A..' (=A..HEAD), '..B' (=HEAD..B), 'A...B' (=merge-base..B),
        or a single revision R (=(None, R): all of R's history)."""
        if not isinstance(spec, str) or not spec.strip():
            raise GitError("empty revision range")
        spec = spec.strip()
        if "..." in spec:
            a, b = spec.split("...", 1)
            a, b = a or "HEAD", b or "HEAD"
            ca, cb = self.resolve(a), self.resolve(b)
            try:
                mb = self._repo.merge_base(ca.id, cb.id)
            except _PYGIT2_ERRORS:
                mb = None
            if mb is None:
                extra = " in this shallow clone (fetch more history)" if self.is_shallow() else ""
                raise GitError(f"no merge base between {a} and {b}{extra}")
            return self._repo[mb].peel(pygit2.Commit), cb
        if ".." in spec:
            a, b = spec.split("..", 1)
            if not a and not b:
                raise GitError(f"invalid revision range: {spec}")
            return self.resolve(a or "HEAD"), self.resolve(b or "HEAD")
        return None, self.resolve(spec)

    def range_commits(self, base: pygit2.Commit | str | None,
                      head: pygit2.Commit | str) -> list[pygit2.Commit]:
        """`git rev-list --topo-order base..head`, oldest first (every parent
        before its children). base None -> every ancestor of head."""
        head = self._commit(head)
        base = self._commit(base) if base is not None else None
        try:
            walker = self._repo.walk(head.id, SortMode.TOPOLOGICAL | SortMode.TIME | SortMode.REVERSE)
            if base is not None:
                walker.hide(base.id)
            return list(walker)
        except _PYGIT2_ERRORS as e:
            if self.is_shallow():
                raise GitError("history needed for the range is not in this shallow clone "
                               "(fetch more history)") from None
            raise GitError(f"cannot walk history: {_one_line(e)}") from None

    def commit_ref(self, commit: pygit2.Commit | str) -> CommitRef:
        commit = self._commit(commit)
        try:
            raw = commit.raw_message
            encoding = commit.message_encoding
        except _PYGIT2_ERRORS:
            raw, encoding = b"", None
        try:
            a = commit.author
            author = f"{_decode(a.raw_name, encoding)} <{_decode(a.raw_email, encoding)}>"
            date = _iso_date(a)
        except _PYGIT2_ERRORS:
            author, date = "unknown <>", _iso_date(None)
        return CommitRef(sha=str(commit.id), subject=git_subject(_decode(raw, encoding)),
                         author=author, date=date)

    # -- trees -------------------------------------------------------------

    @staticmethod
    def _lookup(tree: pygit2.Tree | None, path: str) -> pygit2.Object | None:
        """The object at `path` in `tree` ('' = the tree itself), or None."""
        if tree is None:
            return None
        if not path:
            return tree
        try:
            return tree[path]
        except _PYGIT2_ERRORS:
            return None

    def _tree(self, commit) -> pygit2.Tree:
        commit = self._commit(commit)
        try:
            return commit.tree
        except _PYGIT2_ERRORS:
            raise GitError(f"tree of commit {commit.id} is missing from the repository") from None

    @staticmethod
    def _walk(obj: pygit2.Object, path: str) -> Iterator[tuple[str, pygit2.Object]]:
        """(path, object) of every regular-file blob at or under obj."""
        if isinstance(obj, pygit2.Tree):
            stack = [(path, obj)]
            while stack:
                prefix, tree = stack.pop()
                for entry in tree:
                    mode = entry.filemode
                    if mode == _MODE_TREE:
                        stack.append((_join(prefix, entry.name), entry))
                    elif _is_regular(mode):
                        yield _join(prefix, entry.name), entry
        elif isinstance(obj, pygit2.Blob) and _is_regular(obj.filemode or _S_IFREG):
            yield path, obj

    def _files(self, tree: pygit2.Tree | None, specs: list[str],
               suffixes: tuple[str, ...]) -> dict[str, pygit2.Object]:
        out: dict[str, pygit2.Object] = {}
        for spec in specs:
            obj = self._lookup(tree, spec)
            if obj is None:
                continue
            try:
                for p, o in self._walk(obj, spec):
                    if _suffix_ok(p, suffixes):
                        out[p] = o
            except _PYGIT2_ERRORS as e:
                raise GitError(f"cannot read tree under {spec or '/'}: {_one_line(e)}") from None
        return out

    def list_files(self, commit, pathspecs: Sequence[str] = (),
                   suffixes: Sequence[str] | None = DEFAULT_SUFFIXES) -> list[tuple[str, str]]:
        """(path, blob sha) of every regular file under the pathspecs, sorted
        by path. Symlinks and submodules are skipped. suffixes None/() = all."""
        suffixes = tuple(suffixes or ())
        files = self._files(self._tree(commit), _norm_specs(pathspecs), suffixes)
        return sorted((p, str(o.id)) for p, o in files.items())

    def pathspec_exists(self, commit, pathspec: str) -> bool:
        spec = _norm_spec(pathspec)
        return self._lookup(self._tree(commit), spec) is not None

    def _changes(self, a: pygit2.Tree | None, b: pygit2.Tree | None,
                 specs: list[str], suffixes: tuple[str, ...]) -> set[str]:
        out: set[str] = set()
        for spec in specs:
            ea, eb = self._lookup(a, spec), self._lookup(b, spec)
            if ea is None and eb is None:
                continue
            if ea is not None and eb is not None and ea.id == eb.id and \
                    (not spec or ea.filemode == eb.filemode):
                continue
            if isinstance(ea, pygit2.Tree) and isinstance(eb, pygit2.Tree):
                try:
                    diff = ea.diff_to_tree(eb, DiffOption.NORMAL)
                    for d in diff.deltas:
                        if _is_regular(d.old_file.mode) or _is_regular(d.new_file.mode):
                            for f in (d.old_file, d.new_file):
                                if f.mode:
                                    p = _join(spec, f.path)
                                    if _suffix_ok(p, suffixes):
                                        out.add(p)
                except _PYGIT2_ERRORS as e:
                    raise GitError(f"cannot diff trees under {spec or '/'}: {_one_line(e)}") from None
                continue
            # One side is missing, a file, or a subtree replacing a file.
            fa = self._files(a, [spec], suffixes) if ea is not None else {}
            fb = self._files(b, [spec], suffixes) if eb is not None else {}
            for p in fa.keys() | fb.keys():
                oa, ob = fa.get(p), fb.get(p)
                if oa is None or ob is None or oa.id != ob.id or oa.filemode != ob.filemode:
                    out.add(p)
        return out

    def changed_files(self, commit, pathspecs: Sequence[str] = (),
                      suffixes: Sequence[str] | None = DEFAULT_SUFFIXES) -> set[str]:
        """Files under the pathspecs that `commit` changes against each of its
        parents (union over parents for a merge; the empty tree for a root)."""
        commit = self._commit(commit)
        tree = self._tree(commit)
        specs, suffixes = _norm_specs(pathspecs), tuple(suffixes or ())
        parents = self._parent_trees(commit)
        out: set[str] = set()
        for ptree in parents or [None]:
            out |= self._changes(ptree, tree, specs, suffixes)
        return out

    def _parent_trees(self, commit: pygit2.Commit) -> list[pygit2.Tree]:
        trees = []
        for pid in commit.parent_ids:
            try:
                trees.append(self._repo[pid].peel(pygit2.Commit).tree)
            except _PYGIT2_ERRORS:
                raise GitError(f"parent {pid} of commit {commit.id} is missing from the repository"
                               + (" (shallow clone: fetch more history)" if self.is_shallow() else "")) from None
        return trees

    def changed_files_between(self, a_commit, b_commit, pathspecs: Sequence[str] = (),
                              suffixes: Sequence[str] | None = DEFAULT_SUFFIXES) -> set[str]:
        """Files under the pathspecs whose content or mode differs between the
        two commits' trees (a_commit None = the empty tree)."""
        a = self._tree(a_commit) if a_commit is not None else None
        b = self._tree(b_commit) if b_commit is not None else None
        return self._changes(a, b, _norm_specs(pathspecs), tuple(suffixes or ()))

    # -- blobs -------------------------------------------------------------

    def read_blob(self, blob_sha: str | pygit2.Oid) -> bytes:
        try:
            obj = self._repo[blob_sha]
        except _PYGIT2_ERRORS:
            raise GitError(f"no such blob: {blob_sha}") from None
        if not isinstance(obj, pygit2.Blob):
            raise GitError(f"not a blob: {blob_sha}")
        return obj.data

    def _file(self, commit, path: str) -> pygit2.Blob | None:
        obj = self._lookup(self._tree(commit), _norm_spec(path))
        if isinstance(obj, pygit2.Blob) and _is_regular(obj.filemode):
            return obj
        return None

    def read_path(self, commit, path: str) -> bytes | None:
        """Raw contents of the regular file `path` in commit (None if absent,
        a directory, a symlink or a submodule)."""
        blob = self._file(commit, path)
        return blob.data if blob is not None else None

    def blob_id(self, commit, path: str) -> str | None:
        blob = self._file(commit, path)
        return str(blob.id) if blob is not None else None

    def diff_hunks(self, commit, path: str, context_lines: int = 3) -> list[Hunk]:
        """Hunks of `path` in commit against its first parent (the empty tree
        for a root commit). [] when the commit does not change it."""
        commit = self._commit(commit)
        path = _norm_spec(path)
        parents = self._parent_trees(commit)
        old = self._lookup(parents[0], path) if parents else None
        new = self._lookup(self._tree(commit), path)
        old = old if isinstance(old, pygit2.Blob) else None
        new = new if isinstance(new, pygit2.Blob) else None
        if old is None and new is None:
            return []
        if old is not None and new is not None and old.id == new.id:
            return []
        # Keep the buffers alive while the patch's lines are read: libgit2
        # points into them.
        old_data = old.data if old is not None else None
        new_data = new.data if new is not None else None
        try:
            patch = pygit2.Patch.create_from(
                old_data, new_data,
                flag=DiffOption.FORCE_TEXT, old_as_path=path, new_as_path=path,
                context_lines=context_lines)
            hunks = []
            for h in patch.hunks:
                lines = []
                for line in h.lines:
                    if line.origin not in (" ", "+", "-"):
                        continue    # "\ No newline at end of file" markers
                    text = line.raw_content.decode("utf-8", "surrogateescape")
                    if text.endswith("\n"):
                        text = text[:-1]
                    lines.append((line.origin, text))
                hunks.append(Hunk(h.old_start, h.old_lines, h.new_start, h.new_lines,
                                  h.header.rstrip("\n"), lines))
            del patch
            return hunks
        except _PYGIT2_ERRORS as e:
            raise GitError(f"cannot diff {path} in {commit.id}: {_one_line(e)}") from None

    def foreach_macros(self, commit) -> frozenset[str] | None:
        """ForEachMacros of the tree's root .clang-format (None when absent)."""
        data = self.read_path(commit, ".clang-format")
        if data is None:
            return None
        return foreach_macros_from_clang_format(data.decode("utf-8", "replace"))


def foreach_macros_from_clang_format(text: str) -> frozenset[str]:
    """The `ForEachMacros:` list of a kernel .clang-format file."""
    names: set[str] = set()
    in_list = False
    for line in text.splitlines():
        if line.startswith("ForEachMacros:"):
            in_list = True
            continue
        if in_list:
            m = re.match(r"\s*-\s*['\"]?([A-Za-z_][A-Za-z0-9_]*)['\"]?\s*(?:#.*)?$", line)
            if m:
                names.add(m.group(1))
            elif line.strip() and not line.lstrip().startswith("#"):
                break
    return frozenset(names)
