"""The git layer: what errpath reads from the audited repository.

Place in the flow: first (git -> frontend -> facts -> analysis -> rules ->
pipeline -> report -> cli). repo.py opens a repository with pygit2 (revisions,
ranges, changed blobs, hunks, the tree's .clang-format ForEachMacros),
series.py applies a patch series in memory, pathsafe.py checks tree paths.

May import: the standard library, pygit2, errpath.model and errpath.knowledge.
Nothing here imports a layer above (the series' reporting half is
errpath.report.series).
"""
