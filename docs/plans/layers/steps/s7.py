MOVES = {
 "errpath.baseline": ("errpath.report.baseline", {}, {}),
 "errpath.suppress": ("errpath.report.suppress", {}, {}),
}
MODULES = {"errpath.baseline": "errpath.report.baseline", "errpath.suppress": "errpath.report.suppress"}
