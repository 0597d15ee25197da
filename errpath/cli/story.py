"""Scripted git histories ("stories") that replay a real bug commit by commit.

A story is a folder with `story.toml` and the file versions it names:

    [[commit]]
    id = "base"                      # name used by later commits' parents
    subject = "block: add discard"   # the first line; `body` adds the rest
    author = "Jane Dev <jane@example.org>"
    parents = []                     # ids; [] = root; omitted = the previous commit
    files = { "block/blk-lib.c" = "v1/blk-lib.c" }   # path in repo = file in story; "" deletes
    tag = "v1"                       # optional
    branch = "side"                  # optional: move this branch here

The builder uses pygit2 only, with fixed timestamps so ids are reproducible.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

import pygit2

_EPOCH = 1_700_000_000


class StoryError(Exception):
    pass


def _tree_with(repo: pygit2.Repository, base: pygit2.Tree | None, changes: dict[str, bytes | None]) -> pygit2.Oid:
    """A new tree: base plus changes (bytes = write blob, None = delete)."""
    nested: dict[str, dict] = {}
    for path, data in changes.items():
        parts = path.split("/")
        node = nested
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = data

    def build(tree: pygit2.Tree | None, spec: dict) -> pygit2.Oid | None:
        tb = repo.TreeBuilder(tree) if tree is not None else repo.TreeBuilder()
        for name, sub in spec.items():
            if isinstance(sub, dict):
                existing = None
                if tree is not None and name in tree:
                    obj = tree[name]
                    existing = repo[obj.id] if obj.type_str == "tree" else None
                oid = build(existing, sub)
                if oid is None:
                    if tree is not None and name in tree:
                        tb.remove(name)
                else:
                    tb.insert(name, oid, pygit2.GIT_FILEMODE_TREE)
            elif sub is None:
                if tree is not None and name in tree:
                    tb.remove(name)
            else:
                tb.insert(name, repo.create_blob(sub), pygit2.GIT_FILEMODE_BLOB)
        if len(tb) == 0:
            return None
        return tb.write()

    oid = build(base, nested)
    if oid is None:
        oid = repo.TreeBuilder().write()
    return oid


def _signature(author: str, when: int) -> pygit2.Signature:
    name, _, email = author.partition("<")
    return pygit2.Signature(name.strip() or "Unknown", email.rstrip(">").strip() or "unknown@example.org", when, 0)


def build_story(story_dir: str | Path, repo_dir: str | Path) -> dict[str, str]:
    """Build the story's repository at repo_dir; return {commit id: sha}."""
    story_dir = Path(story_dir)
    try:
        spec = tomllib.loads((story_dir / "story.toml").read_text())
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise StoryError(f"cannot read story {story_dir}: {e}") from None
    repo = pygit2.init_repository(str(repo_dir), bare=False, initial_head="main")
    shas: dict[str, str] = {}
    prev: str | None = None
    for i, c in enumerate(spec.get("commit", [])):
        parents = c.get("parents", [prev] if prev else [])
        parent_oids = [pygit2.Oid(hex=shas[p]) for p in parents]
        base_tree = repo[parent_oids[0]].tree if parent_oids else None
        changes = {}
        for path, src in c.get("files", {}).items():
            changes[path] = None if src == "" else (story_dir / src).read_bytes()
        tree = _tree_with(repo, base_tree, changes)
        message = c["subject"] + ("\n\n" + c["body"].strip() + "\n" if c.get("body") else "\n")
        sig = _signature(c.get("author", "Errpath Demo <demo@example.org>"), _EPOCH + 3600 * i)
        oid = repo.create_commit(None, sig, sig, message, tree, parent_oids)
        shas[c["id"]] = str(oid)
        if c.get("tag"):
            repo.create_tag(c["tag"], oid, pygit2.GIT_OBJECT_COMMIT, sig, c["tag"] + "\n")
        if c.get("branch"):
            repo.branches.local.create(c["branch"], repo[oid], force=True)
        prev = c["id"]
    head = spec.get("head", prev)
    repo.references.create("refs/heads/main", pygit2.Oid(hex=shas[head]), force=True)
    repo.set_head("refs/heads/main")
    return shas


def builtin_story_dir(name: str) -> Path:
    from ..rules import shipped_dir
    return shipped_dir("builtin_fixtures", "fixtures") / "histories" / name
