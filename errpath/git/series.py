"""Audit a patch series before it is merged.

    errpath audit --series 0001-*.patch --onto v6.6
    errpath audit --series series.mbox --onto v6.6 mm/ fs/iomap

Each argument is a `git format-patch` file, a mailbox of several patches (as
`b4 am` or `git format-patch --stdout` writes it), or a plain unified diff.
Cover letters and mails without a diff are skipped. When every patch carries
a `[PATCH n/m]` number they are applied in that order, otherwise in the order
given (a shell glob sorts `0001-…`, `0002-…`).

How the patches are applied, never touching a work tree or the audited
repository: errpath creates a scratch bare repository in a temporary folder
whose object database borrows the audited one's through
`objects/info/alternates`, parses each patch with `pygit2.Diff.parse_diff`,
applies it with `Repository.apply(diff, ApplyLocation.INDEX)` to the scratch
repository's index (loaded from the previous tree), writes the tree and a
commit (author, date and message from the mail, so ids are reproducible)
into the scratch object database, and deletes the folder when the run ends.
The audited repository gets no object, ref, index or lock file.

The series is then audited as the range ONTO..LAST-PATCH; each finding is
attributed to the patch that introduced it, by subject and Message-Id (JSON:
`finding.patch`, top-level `series`; stderr: one line per patch). A patch
that does not apply stops the series there: the patches before it are
audited and reported, then errpath prints one error line naming the patch
and exits 2.
"""
from __future__ import annotations

import email
import email.header
import email.policy
import email.utils
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import timezone
from pathlib import Path
from typing import Any
import pygit2


MAX_PATCH_FILE_BYTES = 64 << 20
_MBOX_FROM = re.compile(rb"^From \S+ +\w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4}[ \t]*\r?$", re.M)
_PREFIX = re.compile(r"^\s*(\[[^\]]*\]\s*)+")
_NUMBER = re.compile(r"\[[^\]]*?\b(\d+)/(\d+)\s*\]")
_DIFF_START = re.compile(rb"^(diff --git |--- (?:a/|/dev/null)|Index: )", re.M)
_BASE_COMMIT = re.compile(rb"^base-commit: ([0-9a-f]{7,40})\s*$", re.M)


class SeriesError(Exception):
    """A series problem: str(err) is one line naming the patch."""


@dataclass
class Patch:
    index: int                    # 1-based position in the applied order
    source: str                   # file name, with "#k" for the k-th mail of a mailbox
    subject: str                  # without the [PATCH ...] prefix
    message_id: str | None
    author: tuple[str, str]       # (name, email)
    when: tuple[int, int]         # (epoch seconds, offset minutes)
    message: str                  # the commit message
    diff: bytes
    number: tuple[int, int] | None = None
    prefix: str | None = None     # the subject's "[PATCH v2 2/3]" as sent
    sha: str | None = None        # the scratch commit it became
    status: str = "pending"       # applied | failed | skipped (after a failure)
    error: str | None = None

    def label(self) -> str:
        num = f"{self.number[0]}/{self.number[1]} " if self.number else ""
        return f'{self.source} ({num}"{self.subject}")'

    def tag(self) -> str:
        """"[PATCH v2 2/3]": the subject's bracket as sent, else [PATCH n/m] or [PATCH]."""
        if self.prefix:
            return self.prefix
        return f"[PATCH {self.number[0]}/{self.number[1]}]" if self.number else "[PATCH]"

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "file": self.source, "subject": self.subject,
                "message_id": self.message_id, "number": list(self.number) if self.number else None,
                "commit": self.sha, "status": self.status, "error": self.error}

    def ref(self) -> dict[str, Any]:
        return {"index": self.index, "file": self.source, "subject": self.subject,
                "message_id": self.message_id}


# -- reading patches --------------------------------------------------------------

def _split_mbox(data: bytes) -> list[bytes]:
    starts = [m.start() for m in _MBOX_FROM.finditer(data)]
    if not starts or data[:starts[0]].strip():
        starts = [0] + starts if starts else [0]
    out = []
    for i, s in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(data)
        chunk = data[s:end]
        if _MBOX_FROM.match(chunk):
            chunk = chunk.split(b"\n", 1)[1] if b"\n" in chunk else b""
        # mboxrd/mboxo quoting of body lines that begin with "From "
        chunk = re.sub(rb"^>(>*From )", rb"\1", chunk, flags=re.M)
        out.append(chunk)
    return out


def _text_payload(msg) -> bytes:
    """The decoded text of a mail: its text/plain parts, or the whole body."""
    parts = []
    for part in (msg.walk() if msg.is_multipart() else [msg]):
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        if ctype.startswith("text/") or ctype in ("application/octet-stream", "application/x-patch"):
            payload = part.get_payload(decode=True)
            if payload:
                parts.append(payload)
    return b"\n".join(parts)


def _plain_to_git(diff: bytes) -> bytes:
    """Give a plain `diff -u` (quilt) patch the `diff --git` headers libgit2 wants."""
    out = []
    lines = diff.split(b"\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith(b"--- ") and i + 1 < len(lines) and lines[i + 1].startswith(b"+++ "):
            old = line[4:].split(b"\t")[0].strip()
            new = lines[i + 1][4:].split(b"\t")[0].strip()

            def strip(p: bytes) -> bytes:
                return p.split(b"/", 1)[1] if b"/" in p and p != b"/dev/null" else p
            o, n = strip(old), strip(new)
            path = n if new != b"/dev/null" else o
            out.append(b"diff --git a/" + path + b" b/" + path)
            if old == b"/dev/null":
                out.append(b"new file mode 100644")
            elif new == b"/dev/null":
                out.append(b"deleted file mode 100644")
            out.append(b"--- " + (b"/dev/null" if old == b"/dev/null" else b"a/" + path))
            out.append(b"+++ " + (b"/dev/null" if new == b"/dev/null" else b"b/" + path))
            i += 2
            continue
        if line.startswith(b"Index: ") or set(line) == {ord("=")}:
            i += 1
            continue
        out.append(line)
        i += 1
    return b"\n".join(out)


def _parse_mail(raw: bytes, source: str) -> Patch | None:
    """One mail -> Patch; None for a mail with no diff (a cover letter)."""
    headerless = not re.match(rb"^[A-Za-z][A-Za-z0-9-]*:", raw.lstrip(b"\r\n")[:200])
    if headerless:
        body, subject, mid, author, when = raw, Path(source.split("#")[0]).stem, None, None, None
    else:
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
        subject = _header(msg, "Subject") or Path(source.split("#")[0]).stem
        mid = (_header(msg, "Message-ID") or "").strip() or None
        name, addr = email.utils.parseaddr(_header(msg, "From") or "")
        author = (name or addr or "Unknown", addr or "unknown@example.invalid") if (name or addr) else None
        when = _date(_header(msg, "Date"))
        body = _text_payload(msg)
    m = _DIFF_START.search(body)
    if m is None:
        return None
    diff = body[m.start():]
    prose = body[:m.start()].decode("utf-8", "replace").replace("\r\n", "\n")
    # git am: an in-body "From:" / "Date:" / "Subject:" block overrides the headers
    lines = prose.split("\n")
    while lines and lines[0].strip() == "":
        lines.pop(0)
    while lines and re.match(r"^(From|Date|Subject):\s", lines[0]):
        key, _, val = lines.pop(0).partition(":")
        val = val.strip()
        if key == "From":
            n, a = email.utils.parseaddr(val)
            if n or a:
                author = (n or a, a or "unknown@example.invalid")
        elif key == "Date":
            when = _date(val) or when
        else:
            subject = val
    text = "\n".join(lines)
    cut = re.search(r"^---\s*$", text, re.M)
    body_text = (text[:cut.start()] if cut else text).strip()
    number = None
    n = _NUMBER.search(subject)
    if n:
        number = (int(n.group(1)), int(n.group(2)))
    pm = _PREFIX.match(subject)
    prefix = " ".join(pm.group(0).split()) if pm else None
    subject = " ".join(_PREFIX.sub("", subject).split()) or Path(source.split("#")[0]).stem
    message = subject + ("\n\n" + body_text if body_text else "") + "\n"
    if mid:
        message += ("\n" if body_text else "\n") + f"Message-Id: {mid}\n"
    if not diff.lstrip().startswith(b"diff --git "):
        diff = _plain_to_git(diff)
    return Patch(index=0, source=source, subject=subject, message_id=mid,
                 author=author or ("Unknown", "unknown@example.invalid"), when=when or (0, 0),
                 message=message, diff=diff, number=number, prefix=prefix)


def _header(msg, name: str) -> str | None:
    v = msg.get(name)
    if v is None:
        return None
    try:
        parts = email.header.decode_header(str(v))
        text = "".join(p.decode(c or "utf-8", "replace") if isinstance(p, bytes) else p for p, c in parts)
    except (LookupError, ValueError, TypeError):
        text = str(v)
    return " ".join(text.split())


def _date(value: str | None) -> tuple[int, int] | None:
    if not value:
        return None
    try:
        dt = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    try:
        off = int(dt.utcoffset().total_seconds() // 60)
        return int(dt.timestamp()), max(-1439, min(1439, off))
    except (OverflowError, OSError, ValueError):
        return None


def read_patches(files: list[str]) -> tuple[list[Patch], str | None]:
    """Every patch in the given files, in the order they will be applied, and the
    `base-commit:` the series names (git format-patch --base, b4), if any."""
    if not files:
        raise SeriesError("--series needs at least one patch or mbox file")
    patches: list[Patch] = []
    base_commit = None
    for f in files:
        try:
            if os.path.isdir(f):
                raise SeriesError(f"--series {f}: is a folder, not a patch or mbox file")
            with open(f, "rb") as fh:
                data = fh.read(MAX_PATCH_FILE_BYTES + 1)
        except OSError as e:
            raise SeriesError(f"cannot read patch {f}: {e.strerror or e}") from None
        if len(data) > MAX_PATCH_FILE_BYTES:
            raise SeriesError(f"patch {f}: larger than {MAX_PATCH_FILE_BYTES >> 20} MB")
        m = _BASE_COMMIT.search(data)
        if m and base_commit is None:
            base_commit = m.group(1).decode()
        mails = _split_mbox(data)
        found = 0
        for k, raw in enumerate(mails, 1):
            src = f if len(mails) == 1 else f"{f}#{k}"
            p = _parse_mail(raw, src)
            if p is not None:
                patches.append(p)
                found += 1
        if not found:
            raise SeriesError(f"--series {f}: no patch found (no diff in it)")
    if all(p.number for p in patches) and len({p.number[0] for p in patches}) == len(patches):
        patches.sort(key=lambda p: p.number[0])
    for i, p in enumerate(patches, 1):
        p.index = i
    return patches, base_commit


# -- applying ----------------------------------------------------------------------

def _objects_dir(repo: pygit2.Repository) -> str:
    gitdir = Path(repo.path)
    common = gitdir / "commondir"
    if common.is_file():   # a linked worktree: objects live in the main gitdir
        gitdir = (gitdir / common.read_text().strip()).resolve()
    return str((gitdir / "objects").resolve())


@dataclass
class Series:
    scratch_dir: str
    repo: Any                           # errpath.git.Repo on the scratch repository
    onto: pygit2.Commit
    patches: list[Patch]
    head: pygit2.Commit | None          # the last applied patch's commit (None: none applied)
    failed: Patch | None = None
    scope: list[str] = field(default_factory=list)
    explicit: bool = False              # scope given on the command line (else: what the patches touch)

    @property
    def error(self) -> str | None:
        if self.failed is None:
            return None
        before = self.failed.index - 1
        return (f"patch {self.failed.label()} does not apply onto {str(self.onto.id)[:12]}"
                + (f" + {before} earlier patch(es)" if before else "")
                + f": {self.failed.error}")

    def close(self) -> None:
        shutil.rmtree(self.scratch_dir, ignore_errors=True)


def _has_diff(arg: str) -> bool:
    """A file on disk holding a diff: a patch or a mailbox of patches."""
    try:
        if not os.path.isfile(arg):
            return False
        with open(arg, "rb") as fh:
            return _DIFF_START.search(fh.read(MAX_PATCH_FILE_BYTES + 1)) is not None
    except OSError:
        return False


def split_args(args: list[str]) -> tuple[list[str], list[str]]:
    """(patch files, the rest): the arguments of `audit --series` that are files
    holding a diff, and those that may be paths in the tree (decided once the
    series is applied: errpath audit --series 0001-x.patch 0002-y.patch mm/ fs/iomap)."""
    patches, rest = [], []
    for a in args:
        (patches if _has_diff(a) else rest).append(a)
    return patches, rest


def prepare(repo, files: list[str], onto_rev: str | None, paths: list[str] | None = None,
            resolve=None) -> Series:
    """Apply the series in a scratch object db; return what to audit. Caller closes it.

    `files`: the command line's arguments: patch or mbox files, and paths in the
    tree after them (each read with `resolve`, from where the user stands, and
    kept as a path when the tree before or after the series has it).
    onto_rev None: the series' `base-commit:` when the repository has it, else HEAD."""
    from .repo import GitError, Repo
    patch_files, maybe_paths = split_args([f for f in files if f is not None])
    if not patch_files:
        read_patches(maybe_paths)              # says what is wrong with them (one line)
        raise SeriesError("--series needs at least one patch or mbox file")
    patches, base_commit = read_patches(patch_files)
    if onto_rev is None:
        onto_rev = "HEAD"
        if base_commit is not None:
            try:
                repo.resolve(base_commit)
                onto_rev = base_commit
            except GitError:
                pass
    onto = repo.resolve(onto_rev)
    src = repo.pygit2_repo
    scratch_dir = tempfile.mkdtemp(prefix="errpath-series-")
    try:
        s = pygit2.init_repository(scratch_dir, bare=True)
        info = Path(s.path) / "objects" / "info"
        info.mkdir(parents=True, exist_ok=True)
        (info / "alternates").write_text(_objects_dir(src) + "\n")
        s = pygit2.Repository(scratch_dir)
        parent = s[onto.id].peel(pygit2.Commit)
        head = None
        failed = None
        for p in patches:
            if failed is not None:
                p.status = "skipped"
                continue
            try:
                diff = pygit2.Diff.parse_diff(p.diff)
                tree = _apply(s, parent.tree, diff)
            except (pygit2.GitError, KeyError, ValueError, OSError) as e:
                p.status, p.error = "failed", (" ".join(str(e).split()) or type(e).__name__)
                failed = p
                continue
            except Exception as e:   # libgit2 binding surprises: still a bad patch, not a crash
                p.status, p.error = "failed", f"{type(e).__name__}: {' '.join(str(e).split())}"
                failed = p
                continue
            sig = pygit2.Signature(_sig_text(p.author[0]), _sig_text(p.author[1]), p.when[0], p.when[1])
            oid = s.create_commit(None, sig, sig, p.message, tree, [parent.id])
            parent = s[oid].peel(pygit2.Commit)
            head = parent
            p.sha, p.status = str(oid), "applied"
        scratch = Repo(scratch_dir)
        series = Series(scratch_dir, scratch, scratch.resolve(str(onto.id)), patches,
                        scratch.resolve(str(head.id)) if head is not None else None, failed)
        given = list(paths or ())
        for a in maybe_paths:
            spec = resolve(a) if resolve is not None else a
            try:
                known = any(c is not None and scratch.pathspec_exists(c, spec) for c in (series.onto, series.head))
            except GitError:
                known = False
            if not known:
                try:
                    read_patches([a])
                except SeriesError as e:
                    raise SeriesError(f"{e}; nor is it a path in {str(onto.id)[:12]} or the series "
                                      f"(write: errpath audit --series PATCH... [PATH...])") from None
                raise SeriesError(f"--series {a}: a patch after a path? write the patches first, "
                                  f"then the paths") from None
            given.append(spec)
        series.explicit = bool(given)
        series.scope = given if given else _default_scope(scratch, series)
        return series
    except BaseException:
        shutil.rmtree(scratch_dir, ignore_errors=True)
        raise


def _apply(s: pygit2.Repository, base: pygit2.Tree, diff: pygit2.Diff) -> pygit2.Oid:
    """base + diff as a new tree in the scratch odb.

    Only the files the diff touches go through the (scratch) index, where
    libgit2 applies the hunks; the result is grafted onto base with tree
    builders. So a base tree holding names an index refuses (`..`, `.git`) can
    still take a patch that does not touch them, and a kernel-sized tree is
    not loaded into an index for every patch."""
    touched: set[str] = set()
    for d in diff.deltas:
        for f in (d.old_file, d.new_file):
            if f.path and f.path != "/dev/null":
                touched.add(f.path)
    idx = s.index
    idx.clear()
    for path in sorted(touched):
        try:
            entry = base[path]
        except (KeyError, ValueError):
            continue
        if entry.filemode != pygit2.enums.FileMode.TREE:
            idx.add(pygit2.IndexEntry(path, entry.id, entry.filemode))
    s.apply(diff, pygit2.enums.ApplyLocation.INDEX)
    post = {e.path: (e.id, e.mode) for e in s.index}
    return _graft(s, base, {p: post.get(p) for p in touched}) or s.TreeBuilder().write()


def _graft(s: pygit2.Repository, tree: pygit2.Tree | None, changes: dict,
           prefix: str = "") -> pygit2.Oid | None:
    """tree with changes {path: (oid, mode) | None (delete)}; None if it ends up empty.
    A file where a folder is (or the reverse) is refused, as git apply does."""
    nested: dict[str, dict] = {}
    here: dict[str, tuple | None] = {}
    for path, value in changes.items():
        head, sep, rest = path.partition("/")
        if sep:
            nested.setdefault(head, {})[rest] = value
        else:
            here[head] = value
    tb = s.TreeBuilder(tree) if tree is not None else s.TreeBuilder()
    for name, value in here.items():          # deletions first: a file may become a folder
        if value is None and tb.get(name) is not None:
            tb.remove(name)
    for name, sub in nested.items():
        old = tb.get(name)
        is_tree = old is not None and old.filemode == pygit2.enums.FileMode.TREE
        if old is not None and not is_tree:
            raise ValueError(f"{prefix}{name}: a file of that name is in the way")
        oid = _graft(s, s[old.id] if is_tree else None, sub, f"{prefix}{name}/")
        if oid is None:
            if old is not None:
                tb.remove(name)
        else:
            tb.insert(name, oid, pygit2.enums.FileMode.TREE)
    for name, value in here.items():
        if value is not None:
            cur = tb.get(name)
            if cur is not None and cur.filemode == pygit2.enums.FileMode.TREE:
                raise ValueError(f"{prefix}{name}: a folder of that name exists")
            tb.insert(name, value[0], value[1])
    if len(tb) == 0:
        return None
    return tb.write()


def _sig_text(s: str) -> str:
    s = "".join(ch for ch in s if ch not in "<>\n\r\0")
    return s.strip() or "unknown"


NOTHING = ".git"   # a pathspec no tree git accepts has: the series changes nothing to audit


def _default_scope(scratch, series: Series) -> list[str]:
    """The folders of the C files the applied patches change (of any files when
    they change no C file). Never [] (which would mean the whole tree)."""
    if series.head is None:
        return [NOTHING]
    changed = scratch.changed_files_between(series.onto, series.head, []) or \
        scratch.changed_files_between(series.onto, series.head, [], None)
    scope = sorted({(os.path.dirname(p) + "/") if os.path.dirname(p) else p for p in changed})
    return scope or [NOTHING]


__all__ = ["Patch", "Series", "SeriesError", "read_patches", "prepare"]
