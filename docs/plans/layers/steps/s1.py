K = "errpath.knowledge"
T = "errpath.knowledge.tables"
NEW_PKGS = {K}
MOVES = {
 K: (K, {}, {}),
 "errpath.errnos": ("errpath.knowledge.errnos", {}, {}),
 "errpath.summary": ("errpath.summary", {
     "_rows": K,
     **{n: T for n in ("pointer_predicates err_ptr_dereferencers nowait_flags gfp_reclaim mask_reclaims _allocator_table _Allocators _ALLOCATORS "
        "allocators _sleepers is_sleeping_call err_ptr_returners null_returners").split()}}, {}),
 "errpath.builtin_rules.atomic_account": ("errpath.builtin_rules.atomic_account", {
     "table": K, **{n: T for n in "Allocator allocator _composites".split()}}, {}),
}
MODULES = {"errpath.errnos": "errpath.knowledge.errnos"}
DOCS = {
 T: """Kernel knowledge tables read from errpath/data/*.txt: allocators, GFP flags,
sleeping functions, pointer predicates, ERR_PTR and NULL returners.

Layer: knowledge (the bottom layer, with errpath.model). Imports only the
standard library and errpath.knowledge.""",
}
