C = "errpath.cli."
NEW_PKGS = {"errpath.cli"}
MOVES = {
 "errpath.cli": (C + "commands", {n: C + "common" for n in
                 "EXIT_FINDINGS EXIT_USAGE EXIT_INTERNAL FORMATS VOLATILE_STATS InputError _fail_on_threshold _exit_code Terminated _on_sigterm _guard".split()}, {}),
 "errpath.explain": ("errpath.analysis.explain", {n: C + "explain" for n in
                     "fn_label render_text HTML_TEMPLATE _tree render_html render explain_cmd _explain".split()}, {}),
 "errpath.contracts": (C + "contracts", {}, {}),
 "errpath.config": (C + "config", {}, {}),
 "errpath.story": (C + "story", {}, {}),
 "errpath.userpaths": (C + "userpaths", {}, {}),
}
MODULES = {"errpath.config": C + "config", "errpath.story": C + "story", "errpath.userpaths": C + "userpaths",
           "errpath.contracts": C + "contracts"}
STMT_TARGET = {}
DOCS = {
 C + "common": """What every command of the CLI shares: exit codes, formats, the stats a
--reproducible run drops, InputError, and _guard (how a command runs: signals,
internal errors, exit status).""",
 C + "commands": """errpath's click group and its commands: audit, scan, baseline, demo, rules,
rule (one code path, _run, for the first three), plus explain and contracts
registered from their own modules; main() and entry(), the process's way out.""",
 C + "explain": """`errpath explain FUNCTION ERRNO`: the command and the renderers (text, JSON,
HTML) of an explanation computed by errpath.analysis.explain.""",
}
