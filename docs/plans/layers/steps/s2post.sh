cd /work/w19
python3 - <<'PY'
p='errpath/cli.py'; s=open(p).read()
s=s.replace("    from .git import series as _series\n", "    from .git import series as _series\n    from .report import series as _report_series\n")
s=s.replace("_series.annotate(", "_report_series.annotate(").replace("_series.summary_lines(", "_report_series.summary_lines(")
open(p,'w').write(s)
p='errpath/git/series.py'; s=open(p).read()
old='''__all__ = ["Patch", "Series", "SeriesError", "SeriesRunResult", "read_patches", "prepare",
           "annotate", "summary_lines"]'''
assert old in s
s=s.replace(old, '''__all__ = ["Patch", "Series", "SeriesError", "read_patches", "prepare"]''')
open(p,'w').write(s)
p='errpath/report/series.py'; s=open(p).read()
s=s.rstrip("\\n") + '''


__all__ = ["SeriesRunResult", "annotate", "summary_lines"]
'''
open(p,'w').write(s)
PY
cat > errpath/git/__init__.py <<'PY'
"""The git layer: what errpath reads from the audited repository.

Place in the flow: first (git -> frontend -> facts -> analysis -> rules ->
pipeline -> report -> cli). repo.py opens a repository with pygit2 (revisions,
ranges, changed blobs, hunks, the tree's .clang-format ForEachMacros),
series.py applies a patch series in memory, pathsafe.py checks tree paths.

May import: the standard library, pygit2, errpath.model and errpath.knowledge.
Nothing here imports a layer above (the series' reporting half is
errpath.report.series).
"""
PY
sed -i 's/packages = \["errpath", "errpath.knowledge",/packages = ["errpath", "errpath.knowledge", "errpath.git",/' pyproject.toml
