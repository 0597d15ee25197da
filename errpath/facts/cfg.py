"""The CFG builder: one function's tree-sitter body -> CfgNodes (with defs,
calls, returns, gotos and labels) and LoopFacts."""
from __future__ import annotations

from tree_sitter import Node as TSNode

from .nodes import BudgetExceeded, Call, CfgNode, DEFAULT_NODE_BUDGET, LoopFact, _new_call
from .syntax import (ASSERTIONS, NORETURN, _F_ALTERNATIVE, _F_ARGUMENT, _F_ARGUMENTS, _F_BODY, _F_CONDITION,
    _F_CONSEQUENCE, _F_DECLARATOR, _F_FUNCTION, _F_INITIALIZER, _F_LABEL, _F_LEFT, _F_NAME, _F_OPERATOR,
    _F_RIGHT, _F_UPDATE, _F_VALUE, _SOURCE, _call_args, _callee_name, _is_assertion, is_zero_node, norm_atom,
    _short, strip_node, _strip_typed, node_text, cond_literals, value_of)


# ---------------------------------------------------------------------------
# CFG construction


_SKIPPED_STATEMENTS = frozenset({"comment", ";", "preproc_call", "preproc_def", "preproc_function_def",
                                 "preproc_include", "type_definition", "empty_statement"})


def _declarator_name(decl: TSNode | None) -> str | None:
    global _declarator_name
    from ..frontend.parse import declarator_name
    _declarator_name = declarator_name   # imported on first use
    return declarator_name(decl)


def _set_result(call: Call, var: str) -> None:
    # In place rather than a new Call: the builder's Calls are its own until it is done.
    call.__dict__["result"] = var


class _LoopCtx:
    def __init__(self, is_switch: bool):
        self.is_switch = is_switch
        self.breaks: list[tuple[int, object]] = []
        self.continues: list[tuple[int, object]] = []


class _Builder:
    def __init__(self, budget: int, row0: int = 0):
        self.row0 = row0   # rows before the text parsed (a function re-parsed on its own)
        self.nodes: list[CfgNode] = []
        self.loops: list[LoopFact] = []
        self.labels: dict[str, int] = {}
        self.gotos: list[tuple[int, str]] = []
        self.ctx: list[_LoopCtx] = []
        self.budget = budget
        # ((row, column) of a call, variable its result is assigned to): from the
        # last assignment expr_effects saw, for finish_calls
        self.pending_result: tuple | None = None
        self.new("entry", None)
        self.new("exit", None)

    def new(self, kind: str, ts: TSNode | None, text: str | None = None) -> CfgNode:
        if len(self.nodes) >= self.budget:
            raise BudgetExceeded(f"more than {self.budget} statements")
        if ts is not None:
            row, col = ts.start_point
            line, col = row + 1 + self.row0, col + 1
            if text is None:
                src = _SOURCE.text
                text = _short(src[ts.start_byte:ts.end_byte] if src is not None else node_text(ts))
        else:
            line = col = 0
            if text is None:
                text = kind
        n = CfgNode(len(self.nodes), kind, line, col, text)
        self.nodes.append(n)
        return n

    def link(self, preds, nid: int) -> None:
        for p, edge in preds:
            self.nodes[p].succ.append((nid, edge))

    # -- expressions -------------------------------------------------------
    def expr_effects(self, n: CfgNode, ts: TSNode, ts_type: str | None = None) -> None:
        """Record the defs, calls and uses of the expression tree ts (of type
        ts_type, when the caller has it) into node n."""
        uses: set[str] = set()
        add_use = uses.add
        defs = n.defs
        noreturn = False
        self.pending_result = None
        # (node, its type): each node's type is read once, by whoever reaches it first
        stack = [(ts, ts_type or ts.type)]
        pop, push = stack.pop, stack.append
        src = _SOURCE.text   # what node_text would slice, inlined for the commonest nodes
        while stack:
            e, t = pop()
            if t == "identifier":
                add_use(src[e.start_byte:e.end_byte] if src is not None else node_text(e))
                continue
            if t == "call_expression":
                fn = e.child_by_field_id(_F_FUNCTION)
                if fn is not None:
                    fn_type = fn.type
                    fn_ident = fn_type == "identifier"
                    fn_text = node_text(fn)
                    name = fn_text if fn_ident else None
                else:
                    fn_ident, name = False, None
                if name in NORETURN:
                    noreturn = True
                args = []   # (node, type), as _call_args
                arg_texts, arg_values = [], []
                arg_list = e.child_by_field_id(_F_ARGUMENTS)
                for a in (arg_list.named_children if arg_list is not None else ()):
                    at = a.type
                    if at == "comment":
                        continue
                    args.append((a, at))
                    # &x handed to a callee may change x: treat as a definition.
                    if at == "pointer_expression" and a.child_by_field_id(_F_OPERATOR).type == "&":
                        target = a.child_by_field_id(_F_ARGUMENT)
                        defs.append((norm_atom(node_text(target)), ("unknown", f"set by {name or 'call'}()")))
                    text = src[a.start_byte:a.end_byte] if src is not None else node_text(a)
                    # norm_atom(text) is text for an identifier (no whitespace)
                    arg_texts.append(text if at == "identifier" else norm_atom(text))
                    arg_values.append(value_of(a, at))
                row, col = e.start_point
                # callee_text: a str of its own, not name's, so the pickles stay what
                # they were (an identifier has no whitespace for norm_atom to drop)
                n.calls.append(_new_call(
                    name, (node_text(fn) if fn_ident else norm_atom(fn_text)) if fn is not None else "?",
                    tuple(arg_texts), tuple(arg_values), row + 1 + self.row0, col + 1, None, n.id))
                if fn is not None and not fn_ident:
                    push((fn, fn_type))
                stack.extend(args)
                continue
            if t == "assignment_expression":
                left = e.child_by_field_id(_F_LEFT)
                right = e.child_by_field_id(_F_RIGHT)
                op = e.child_by_field_id(_F_OPERATOR).type
                left_type = left.type
                lv = node_text(left) if left_type == "identifier" else norm_atom(node_text(left))
                right_type = right.type
                rv = value_of(right, right_type)
                if op != "=":
                    rv = ("bin", op[:-1], ("var", lv), rv)
                defs.append((lv, rv))
                if left_type != "identifier":
                    push((left, left_type))
                push((right, right_type))
                self._note_call_result(right, right_type, lv)
                continue
            if t == "update_expression":
                arg = e.child_by_field_id(_F_ARGUMENT)
                op = e.child_by_field_id(_F_OPERATOR).type
                lv = norm_atom(node_text(arg))
                defs.append((lv, ("bin", "+" if op == "++" else "-", ("var", lv), ("int", 1))))
                add_use(lv)
                continue
            if t == "compound_statement" or t == "compound_literal_expression":
                # GNU statement expressions: good enough to see their calls and defs.
                for c in e.named_children:
                    push((c, c.type))
                continue
            for c in e.named_children:
                ct = c.type
                if ct != "comment" and ct != "field_identifier":
                    push((c, ct))
        n.uses = frozenset(uses)
        if noreturn:
            n.kind = "noreturn"

    def _note_call_result(self, rhs: TSNode, rhs_type: str, var: str) -> None:
        rhs, rhs_type = _strip_typed(rhs, rhs_type)
        if rhs_type == "call_expression":
            self.pending_result = (rhs.start_point, var)  # resolved in finish_calls

    def condition(self, n: CfgNode, cond: TSNode, kind: str = "cond") -> None:
        """n evaluates cond (an if, loop or switch test): its effects, and for a
        test the literals each edge makes true. A noreturn call inside a test does
        not end the node: it stays what it is."""
        self.expr_effects(n, cond)
        self.finish_calls(n)
        n.kind = kind
        if kind == "cond":
            n.true_lits, n.false_lits = cond_literals(cond)

    def finish_calls(self, n: CfgNode) -> None:
        """The call whose result the last assignment of n's expression stores names
        the variable (expr_effects(n) was the last expression walked)."""
        pending = self.pending_result
        if pending is None:
            return
        self.pending_result = None
        (row, col), var = pending
        at = (row + 1 + self.row0, col + 1)
        for c in n.calls:
            if (c.line, c.column) == at:
                _set_result(c, var)

    def simple(self, kind: str, ts: TSNode, preds, effects: TSNode | None = None) -> CfgNode:
        n = self.new(kind, ts)
        self.link(preds, n.id)
        if effects is not None:
            self.expr_effects(n, effects)
            self.finish_calls(n)
        return n

    # -- statements --------------------------------------------------------
    def stmt(self, ts: TSNode, preds: list) -> list:
        # the commonest statements first (the tests are on distinct types)
        t = ts.type
        if t == "expression_statement":
            for e in ts.named_children:
                et = e.type
                if et != "comment":
                    break
            else:
                return preds
            if et == "call_expression" and _is_assertion(e):
                return self.assertion(e, preds)
            n = self.new("expr", ts)
            self.link(preds, n.id)
            self.expr_effects(n, e, et)
            self.finish_calls(n)
            return [] if n.kind == "noreturn" else [(n.id, None)]
        if t == "if_statement":
            cond = ts.child_by_field_id(_F_CONDITION)
            c = self.new("cond", cond)
            self.link(preds, c.id)
            self.condition(c, cond)
            out = self.stmt(ts.child_by_field_id(_F_CONSEQUENCE), [(c.id, True)])
            alt = ts.child_by_field_id(_F_ALTERNATIVE)
            if alt is not None:
                if alt.type == "else_clause":
                    inner = [x for x in alt.named_children if x.type != "comment"]
                    out = out + (self.stmt(inner[0], [(c.id, False)]) if inner else [(c.id, False)])
                else:
                    out = out + self.stmt(alt, [(c.id, False)])
            else:
                out = out + [(c.id, False)]
            return out
        if t == "compound_statement" or t == "translation_unit":
            stmt = self.stmt
            for c in ts.named_children:
                preds = stmt(c, preds)
            return preds
        if t == "declaration":
            n = self.new("decl", ts)
            self.link(preds, n.id)
            for d in ts.children_by_field_id(_F_DECLARATOR):
                if d.type == "init_declarator":
                    dd = d.child_by_field_id(_F_DECLARATOR)
                    name = _declarator_name(dd) or norm_atom(node_text(dd)).lstrip("*")
                    val = d.child_by_field_id(_F_VALUE)
                    if val is not None:
                        val_type = val.type
                        listed = val_type == "initializer_list"
                        n.defs.append((name, value_of(val, val_type) if not listed else ("unknown", "{...}")))
                        sub = CfgNode(0, "tmp", 0, 0, "")
                        sub.id = n.id
                        self.expr_effects(sub, val, val_type)
                        n.calls.extend(sub.calls)
                        n.defs.extend(sub.defs)
                        n.uses = n.uses | sub.uses
                        if not listed:
                            v, v_type = _strip_typed(val, val_type)
                            if v_type == "call_expression":
                                row, col = v.start_point
                                at = (row + 1 + self.row0, col + 1)
                                for c in n.calls:
                                    if (c.line, c.column) == at:
                                        _set_result(c, name)
                        if sub.kind == "noreturn":
                            return []
                else:
                    name = _declarator_name(d)
                    if name:
                        n.defs.append((name, ("uninit", name)))
            return [(n.id, None)]
        if t == "return_statement":
            n = self.new("return", ts)
            self.link(preds, n.id)
            for e in ts.named_children:
                et = e.type
                if et != "comment":
                    n.ret = value_of(e, et)
                    self.expr_effects(n, e, et)
                    self.finish_calls(n)
                    if n.kind == "noreturn":
                        return []
                    n.kind = "return"
                    break
            n.succ.append((1, None))
            return []
        if t in _SKIPPED_STATEMENTS:
            return preds
        if t in ("preproc_if", "preproc_ifdef", "preproc_else", "preproc_elif", "preproc_elifdef"):
            # Both sides of an #if are possible: a choice with no condition facts.
            j = self.new("join", ts, text="#if")
            self.link(preds, j.id)
            out = []
            cond, name = ts.child_by_field_id(_F_CONDITION), ts.child_by_field_id(_F_NAME)
            body = [c for c in ts.named_children
                    if c.type not in ("identifier", "preproc_defined", "binary_expression",
                                      "unary_expression", "parenthesized_expression", "call_expression",
                                      "number_literal", "preproc_else", "preproc_elif", "preproc_elifdef")
                    and c != cond and c != name]
            p = [(j.id, None)]
            for c in body:
                p = self.stmt(c, p)
            out.extend(p)
            alt = ts.child_by_field_id(_F_ALTERNATIVE)
            if alt is not None:
                out.extend(self.stmt(alt, [(j.id, None)]))
            else:
                out.append((j.id, None))
            return out
        if t in ("while_statement", "for_statement", "do_statement"):
            return self.loop(ts, preds)
        if t == "switch_statement":
            cond = ts.child_by_field_id(_F_CONDITION)
            s = self.new("switch", cond)
            self.link(preds, s.id)
            self.condition(s, cond, "switch")
            ctx = _LoopCtx(is_switch=True)
            self.ctx.append(ctx)
            body = ts.child_by_field_id(_F_BODY)
            fall: list = []
            has_default = False
            for child in (body.named_children if body is not None else []):
                if child.type == "case_statement":
                    value = child.child_by_field_id(_F_VALUE)
                    if value is None:
                        has_default = True
                    k = self.new("case", child, text=("case " + _short(node_text(value))) if value is not None else "default")
                    self.link(fall, k.id)
                    self.link([(s.id, "case")], k.id)
                    fall = [(k.id, None)]
                    for sc in child.named_children:
                        if sc == value or sc.type == "comment":
                            continue
                        fall = self.stmt(sc, fall)
                else:
                    fall = self.stmt(child, fall)
            self.ctx.pop()
            out = fall + ctx.breaks
            if not has_default:
                out.append((s.id, False))
            # continue inside a switch belongs to the enclosing loop
            if ctx.continues:
                enclosing = next((c for c in reversed(self.ctx) if not c.is_switch), None)
                if enclosing is not None:
                    enclosing.continues.extend(ctx.continues)
            return out
        if t == "break_statement":
            n = self.simple("break", ts, preds)
            if self.ctx:
                self.ctx[-1].breaks.append((n.id, None))
            return []
        if t == "continue_statement":
            n = self.simple("continue", ts, preds)
            if self.ctx:
                self.ctx[-1].continues.append((n.id, None))
            return []
        if t == "goto_statement":
            n = self.simple("goto", ts, preds)
            label = ts.child_by_field_id(_F_LABEL)
            self.gotos.append((n.id, node_text(label) if label is not None else ""))
            return []
        if t == "labeled_statement":
            label = ts.child_by_field_id(_F_LABEL)
            n = self.new("label", ts, text=(node_text(label) + ":") if label is not None else "label:")
            self.link(preds, n.id)
            if label is not None:
                self.labels[node_text(label)] = n.id
            out = [(n.id, None)]
            for c in ts.named_children:
                if c != label and c.type != "comment":
                    out = self.stmt(c, out)
            return out
        if t == "case_statement":  # a case outside a switch body we flattened: treat as label
            out = preds
            for c in ts.named_children:
                if c != ts.child_by_field_id(_F_VALUE):
                    out = self.stmt(c, out)
            return out
        if t == "attributed_statement":
            out = preds
            for c in ts.named_children:
                if c.type != "attribute_declaration":
                    out = self.stmt(c, out)
            return out
        if t == "ERROR":
            n = self.simple("expr", ts, preds, ts)
            return [(n.id, None)]
        # Anything else (asm, function definitions nested by macro accidents, ...)
        n = self.simple("expr", ts, preds, ts)
        return [(n.id, None)]

    def assertion(self, call: TSNode, preds: list) -> list:
        """A KUnit assertion (see ASSERTIONS): a cond node on what it checks, its
        False edge to a noreturn node (the test is aborted)."""
        name = _callee_name(call)
        c = self.simple("cond", call, preds, call)
        c.kind = "cond"
        arg = _call_args(call)[1]
        how = ASSERTIONS[name]
        if how == "not_err_or_null":
            atom = f"IS_ERR_OR_NULL({norm_atom(node_text(arg))})"
            held, failed = frozenset({(atom, False)}), frozenset({(atom, True)})
        else:
            held, failed = cond_literals(arg)
            if how == "false":
                held, failed = failed, held
        c.true_lits, c.false_lits = held, failed
        abort = self.new("noreturn", call, text=f"{name}() failed: test aborted")
        self.link([(c.id, False)], abort.id)
        return [(c.id, True)]

    def loop(self, ts: TSNode, preds: list) -> list:
        t = ts.type
        ctx = _LoopCtx(is_switch=False)
        cond = ts.child_by_field_id(_F_CONDITION)
        body = ts.child_by_field_id(_F_BODY)
        if t == "for_statement":
            for init in ts.children_by_field_id(_F_INITIALIZER):
                if init.type == "declaration":
                    preds = self.stmt(init, preds)
                else:
                    n = self.simple("expr", init, preds, init)
                    preds = [(n.id, None)]
        forever = cond is None or _is_true_const(cond)
        never = cond is not None and is_zero_node(strip_node(cond))
        if t == "do_statement":
            head = self.new("loop", ts, text="do")
            self.link(preds, head.id)
            first = head.id
            self.ctx.append(ctx)
            out = self.stmt(body, [(head.id, None)]) if body is not None else [(head.id, None)]
            self.ctx.pop()
            c = self.new("cond", cond if cond is not None else ts)
            self.link(out + ctx.continues, c.id)
            if cond is not None:
                self.condition(c, cond)
            if not never:
                c.succ.append((head.id, True))
            exits = ([] if forever else [(c.id, False)]) + ctx.breaks
            tl = c.true_lits
            self.loops.append(LoopFact("do", c.id, c.line, c.column, c.text, tl,
                                       value_of(cond) if cond is not None else None, first, c.id))
            return exits
        head = self.new("cond" if not forever else "loop", cond if cond is not None else ts,
                        text=None if cond is not None else "for (;;)")
        self.link(preds, head.id)
        if cond is not None and not forever:
            self.condition(head, cond)
        self.ctx.append(ctx)
        out = self.stmt(body, [(head.id, True if not forever else None)]) if body is not None else [(head.id, True)]
        self.ctx.pop()
        back = out + ctx.continues
        update_ids = []
        for upd in ts.children_by_field_id(_F_UPDATE):
            n = self.simple("expr", upd, back, upd)
            back = [(n.id, None)]
            update_ids.append(n.id)
        self.link(back, head.id)
        exits = ([] if forever else [(head.id, False)]) + ctx.breaks
        self.loops.append(LoopFact(t.split("_")[0], head.id, head.line, head.column,
                                   head.text, head.true_lits,
                                   value_of(cond) if cond is not None else None,
                                   head.id, len(self.nodes) - 1, update_ids))
        return exits

    def finish(self) -> None:
        for nid, label in self.gotos:
            target = self.labels.get(label)
            if target is not None:
                self.nodes[nid].succ.append((target, None))
            else:
                self.nodes[nid].succ.append((1, None))  # unknown label: leave the function


def _is_true_const(cond: TSNode) -> bool:
    c = strip_node(cond)
    return node_text(c).strip() in ("1", "true")


def _params(fn: TSNode) -> tuple[list[str], str]:
    from ..frontend.parse import declarator_name, field_ids
    f_decl, f_params, f_type = field_ids("declarator", "parameters", "type")
    top = decl = fn.child_by_field_id(f_decl)
    while decl is not None and decl.type != "function_declarator":
        decl = decl.child_by_field_id(f_decl)
    names = []
    if decl is not None:
        plist = decl.child_by_field_id(f_params)
        for p in (plist.named_children if plist is not None else []):
            if p.type == "parameter_declaration":
                name = declarator_name(p.child_by_field_id(f_decl))
                if name:
                    names.append(name)
    rtype = fn.child_by_field_id(f_type)
    ret = node_text(rtype) if rtype is not None else "int"
    if top is not None and top.type == "pointer_declarator":
        ret += " *"
    return names, ret


def _build(node: TSNode, start_line: int, end_line: int, budget: int = DEFAULT_NODE_BUDGET,
           row0: int = 0, params: list[str] | None = None) -> tuple[_Builder, list[str], str | None]:
    """(builder, parameter names, return type) of a function_definition node. A
    lazy build passes the params its light facts read already: then the return
    type is None (not needed)."""
    b = _Builder(budget, row0)
    body = node.child_by_field_id(_F_BODY)
    rtype = None
    if params is None:
        params, rtype = _params(node)
    entry = b.nodes[0]
    entry.line, entry.column = start_line, 1
    entry.defs = [(p, ("param", p)) for p in params]
    out = b.stmt(body, [(0, None)])
    b.link(out, 1)  # falling off the end
    b.finish()
    b.nodes[1].line = end_line
    return b, params, rtype
