NEW_PKGS = {"errpath.git"}
MOVES = {
 "errpath.git": ("errpath.git.repo", {}, {}),
 "errpath.pathsafe": ("errpath.git.pathsafe", {}, {}),
 "errpath.source": ("errpath.source", {"foreach_macros_from_clang_format": "errpath.git.repo"}, {}),
 "errpath.series": ("errpath.git.series", {n: "errpath.report.series" for n in
                    ("SeriesRunResult", "patch_refs", "annotate", "summary_lines")}, {}),
}
MODULES = {"errpath.series": "errpath.git.series", "errpath.pathsafe": "errpath.git.pathsafe"}
DOCS = {
 "errpath.report.series": """Reporting a patch series: each finding names the patch that introduced it
(SeriesRunResult's JSON, the PatchRef on every commit) and one stderr line per
applied patch. Applying the series is errpath.git.series.""",
}
STMT_TARGET = {}
