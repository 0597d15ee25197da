"""Step 1, knowledge: the knowledge targets of ../mapping.py (summary.py and atomic_account stay)."""
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))
from mapping import MOVES as PLAN

K = "errpath.knowledge"
NEW_PKGS = {K}


def only_knowledge(mod):
    return (mod, {n: t for n, t in PLAN[mod][1].items() if t.startswith(K)}, {})


MOVES = {K: PLAN[K], "errpath.errnos": PLAN["errpath.errnos"],
         "errpath.summary": only_knowledge("errpath.summary"),
         "errpath.builtin_rules.atomic_account": only_knowledge("errpath.builtin_rules.atomic_account")}
MODULES = {"errpath.errnos": "errpath.knowledge.errnos"}
DOCS = {
 K + ".tables": """Kernel knowledge tables read from errpath/data/*.txt: allocators, GFP flags,
sleeping functions, pointer predicates, ERR_PTR and NULL returners.

Layer: knowledge (the bottom layer, with errpath.model). Imports only the
standard library and errpath.knowledge.""",
}
