"""Can this value be 0 here? A three-way answer with the evidence behind it.

NONZERO   proven: a nonzero constant, a guard (`if (!x) break;`), max(x, 1), ...
MAYBE     can be zero: 0 reaches it, a callee can return 0, a right shift or a
          division can truncate to 0, a length read from device data
UNKNOWN   not proven either way (a parameter, an unknown callee)
"""
# Size: over 800 lines since the zero-step-loop work of session 11 added where a
# length comes from (filled buffers, validated members, kernel-built tables, a
# verifier elsewhere in the file). That provenance half (filled_buffer ...
# _checked_elsewhere) is the next module to split out of the can-it-be-0 dataflow.
from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources

from ..facts.functions import FunctionFacts
from ..facts.syntax import Value, idents
from ..knowledge import name_list
from ..model import Evidence

NONZERO, UNKNOWN, MAYBE = "nonzero", "unknown", "maybe"
_RANK = {NONZERO: 0, UNKNOWN: 1, MAYBE: 2}
MAX_DEPTH = 6
_GUARD_STEPS = 400     # path states from a definition to its use before giving up


@dataclass
class Verdict:
    kind: str
    reason: str = ""
    evidence: list[Evidence] = field(default_factory=list)
    files: set[str] = field(default_factory=set)   # other files the verdict depends on
    # MAYBE on weak grounds: a callee's literal `return 0` (often a "none" result
    # the caller's invariants exclude) or a length from data validated elsewhere.
    weak: bool = False
    # The value is 0 only when one of these expressions (normalised text, in the
    # function's own names) is 0: `round_down(UINT_MAX, g) >> 9` is 0 only for g == 0.
    # A caller that proved them nonzero on the way (`if (!g) return;`) is safe.
    zero_when: tuple = ()
    # with zero_when: what the value is when those expressions are nonzero (the kind
    # of a callee's other returns), so a caller that rules the 0 out gets that
    otherwise: str = UNKNOWN
    # The 0 is a count of nothing done: a callee's `return 0` (or a reader's result,
    # data/count_returners.txt) where it also returns other counts, so a caller that
    # tests the result for a negative error only has not excluded it.
    count: bool = False

    def worse(self, other: "Verdict") -> "Verdict":
        return other if _RANK[other.kind] > _RANK[self.kind] else self


def _nz_atoms(v: str) -> tuple:
    return ((v, True), (f"{v}>0", True), (f"{v}!=0", True), (f"{v}>=1", True), (f"0<{v}", True),
            (f"{v}<=0", False), (f"{v}<1", False), (f"{v}<0", True), (f"{v}>=0", False))


class ZeroAnalysis:
    """Answers nonzero questions inside one function, following callees through ctx."""

    def __init__(self, ctx, *, counter: str | None = None, loop=None, cursor: bool = False):
        self.ctx = ctx
        self.counter = counter     # the loop counter: nonzero inside `while (counter)`
        self.loop = loop
        self.cursor = cursor       # the loop walks a buffer: field lengths are device data
        self._callee_cache: dict[tuple[str, str], Verdict] = {}
        self._tables: dict[int, frozenset] = {}

    def guarded(self, fn: FunctionFacts, node: int, var: str) -> bool:
        return self._guards(fn.must_hold(node), var, fn, node)

    def guarded_from(self, fn: FunctionFacts, def_node: int, use: int, var: str) -> bool:
        """Does every path from def_node to use that keeps def_node's value of var
        pass a test that rules out 0? `optlen = cp[1]; if (optlen < 2 || optlen > cnt)
        break;` guards that definition even where another branch (`optlen = 1;`) joins
        before the use and the literals held at the use no longer say so."""
        queue = deque((s, frozenset(self._edge_lits(fn, def_node, e))) for s, e in fn.nodes[def_node].succ)
        seen: set = set()
        arrived = False
        while queue:
            nid, known = queue.popleft()
            if nid == use:
                if not self._guards(known, var, fn, nid):
                    return False
                arrived = True
                continue
            if (nid, known) in seen or nid == 1 or nid == def_node:
                continue
            seen.add((nid, known))
            if len(seen) > _GUARD_STEPS:
                return False
            n = fn.nodes[nid]
            if any(v == var for v, _ in n.defs):
                continue    # another definition: its own verdict
            for s, e in n.succ:
                queue.append((s, known | self._edge_lits(fn, nid, e)))
        return arrived

    @staticmethod
    def _edge_lits(fn: FunctionFacts, nid: int, edge) -> frozenset:
        n = fn.nodes[nid]
        if n.kind != "cond" or edge not in (True, False):
            return frozenset()
        return frozenset(n.true_lits if edge else n.false_lits)

    def _guards(self, lits, var: str, fn: FunctionFacts | None = None, node: int = 0) -> bool:
        if any(a in lits for a in _nz_atoms(var)):
            return True
        # `if (len < sizeof(*hdr)) return;` leaves len >= a positive bound
        for atom, polarity in lits:
            m = _BOUND.match(atom) if "(" not in var else _call_bound(atom, var)
            if m and m.group(1) == var:
                op, bound = m.group(2), m.group(3)
                if ((op in ("<", "<=") and not polarity) or (op in (">", ">=") and polarity)) \
                        and (_positive_bound(bound, strict=op in (">", "<="))
                             or (fn is not None and _positive_local(fn, node, bound, self.ctx))):
                    return True   # also `if (op->no < min_len) return;` with min_len a positive size
        return False

    def value(self, val: Value, fn: FunctionFacts, node: int, depth: int = 0,
              seen: frozenset = frozenset()) -> Verdict:
        if depth > MAX_DEPTH:
            return Verdict(UNKNOWN, "too deep")
        kind = val[0]
        if kind == "int":
            return Verdict(NONZERO) if val[1] != 0 else Verdict(MAYBE, "the constant 0", weak=depth > 0)
        if kind in ("macro", "sizeof"):
            return Verdict(NONZERO)
        if kind == "errno":
            return Verdict(NONZERO)
        if kind in ("var", "param"):
            return self.var(val[1], fn, node, depth, seen)
        if kind == "minmax":
            op, args = val[1], val[2]
            verdicts = [self.value(a, fn, node, depth + 1, seen) for a in args]
            if op in ("max", "min_not_zero"):
                if any(v.kind == NONZERO for v in verdicts):
                    return Verdict(NONZERO)
            elif op == "clamp":
                if len(verdicts) == 3 and verdicts[1].kind == NONZERO:
                    return Verdict(NONZERO)
                verdicts = verdicts[:1] + verdicts[1:2]
            elif all(v.kind == NONZERO for v in verdicts):
                return Verdict(NONZERO)
            if op in ("min", "clamp"):
                for i, (a, v) in enumerate(zip(args, verdicts)):
                    read = _external_read(a, fn, node) if v.kind == UNKNOWN else None
                    if read is not None:
                        # `min(len, le32_to_cpu(h->chunk))`: a limit a device, firmware or disk
                        # wrote (byte order says so), whichever record it sits in
                        verdicts[i] = _external_limit(fn, read)
            worst = Verdict(NONZERO)
            for v in verdicts:
                worst = worst.worse(v)
            return worst
        if kind == "cond":
            # `len ? len : 1`: the value chosen when the test holds is nonzero there
            a = Verdict(NONZERO) if val[2][0] in ("var", "field") and self._guards(val[1], val[2][1]) \
                else self.value(val[2], fn, node, depth + 1, seen)
            b = self.value(val[3], fn, node, depth + 1, seen)
            return a.worse(b)
        if kind == "bin":
            return self.binary(val, fn, node, depth, seen)
        if kind == "un":
            if val[1] in ("-", "~"):
                return Verdict(UNKNOWN)
            if val[1] == "!":
                # `i += !off;`: a two-level cursor steps the outer index when the inner
                # one wraps to 0; it spins only if the inner one never does (weak)
                return Verdict(MAYBE, "a logical not can be 0", weak=True)
            return Verdict(UNKNOWN)
        if kind == "call":
            return self.call(val, fn, node, depth, seen)
        if kind == "field":
            if self.guarded(fn, node, val[1]):
                return Verdict(NONZERO)
            producer = self.validated_member(fn, node, val[1])
            if producer is not None:
                return Verdict(UNKNOWN, f"'{val[1]}' is read from {producer}")
            if self.kernel_table(fn, node, val[1]):
                # `cur += cur->skip` over a `static const` array bounded by ARRAY_SIZE():
                # the kernel wrote those lengths, no device or file did
                return Verdict(UNKNOWN, f"'{val[1]}' is read from a table compiled into the kernel")
            if self.walks_data(fn, node, val[1]):
                return self._unless_verified(fn, node, val[1], _walked_length(
                    fn, f"'{val[1]}' is a length read from the data being walked", self.ctx, val[1]))
            own = fn.reaching(node, val[1])
            if own and all(v[0] not in ("unknown", "uninit", "param") for _, v in own):
                # `raw_data[n] = s > 32 ? 32 : s; ... s -= raw_data[n];`: the element was
                # set here, not received (a copy into the rest of the buffer is no matter)
                return self.var(val[1], fn, node, depth, seen)
            local = self.filled_local(fn, node, val[1])
            if local is not None:
                return self._unless_verified(fn, node, val[1], local)
            filled = self.filled_buffer(fn, val[1])
            if filled is not None:
                return Verdict(MAYBE, f"'{val[1]}' is a byte of a buffer {filled}, not checked against 0 "
                                      f"on the way")
            return Verdict(UNKNOWN, f"'{val[1]}' is not proven nonzero")
        return Verdict(UNKNOWN)

    def filled_local(self, fn: FunctionFacts, node: int, field_text: str) -> Verdict | None:
        """`memcpy(&hdr, buf + off, sizeof(hdr)); off += hdr.len;`, `regmap_bulk_read(map, reg,
        &hdr, sizeof(hdr))`, `i2c_master_recv(client, buf, 4); len = buf[1];`: a field of a
        local the function fills with received bytes. Copied out of the data the loop walks,
        it is a walked length; read from a device by a bus transfer, or copied from user
        space, any value can arrive. A Verdict (MAYBE), or None (a copy from elsewhere)."""
        m = _BASE.match(field_text)
        if m is None:
            return None
        base = m.group(1)
        if base in fn.params:
            return None
        fillers = _FILL_DEST
        for g in fn.nodes:
            for c in g.calls:
                at = fillers.get(c.name)
                if at is None or at >= len(c.arg_values) or _pointer_base(c.arg_values[at]) != base:
                    continue
                into = _member_dest(c.arg_values[at])
                if into is not None and not field_text.replace(" ", "").startswith(into):
                    continue   # `&st->fifo_buf[i]` fills that member, not `st->fifo_set_size`
                src = c.arg_values[1] if c.name in _COPY_FROM else None
                if c.name == "memcpy":
                    sb = _pointer_base(src) if src is not None else None
                    if sb is not None and ((self.cursor and _mentions(src, self.counter, calls=False))
                                           or self.walks_data(fn, g.id, f"{sb}[0]")):
                        why = _walked_length(fn, f"'{field_text}' is a length copied by {c.name}() out of the "
                                                 f"data being walked", self.ctx)
                        return Verdict(why.kind, why.reason,
                                       [Evidence(fn.path, g.line, fn.name, f"'{base}' filled here: {g.text}")],
                                       why.files, why.weak)
                    continue
                if c.name.startswith("copy_from"):
                    # what a caller of a system call passed: its sizes bound what it asked
                    # for (`size = params.len; while (size) ...`) more often than they step
                    # a walk; a zero-length request is the caller's own loop (weak)
                    return Verdict(MAYBE, f"'{field_text}' is copied from user space, not checked against 0 "
                                          f"or a minimum on the way",
                                   [Evidence(fn.path, g.line, fn.name, f"'{base}' filled here: {g.text}")],
                                   weak=True)
                return Verdict(MAYBE, f"'{field_text}' is read from the device by {c.name}(), not checked "
                                      f"against 0 or a minimum on the way",
                               [Evidence(fn.path, g.line, fn.name, f"'{base}' filled here: {g.text}")])
        return None

    def _unless_verified(self, fn: FunctionFacts, node: int, field_text: str, verdict: Verdict) -> Verdict:
        """A walked length is safe when a verifier on the path checked it: a call handed the
        record (or the buffer it is read from) whose result the path tested (`if
        (!rec_ok(h, left)) break;`, `ret = check_table(buf, size); if (ret) return ret;`), and
        that compares the same member against 0 or a minimum (`return le16_to_cpu(h->len) >=
        sizeof(*h) && ...`)."""
        if verdict.kind != MAYBE or self.ctx is None:
            return verdict
        m = _BASE.match(field_text)
        tail = re.search(r"(?:->|\.)(\w+)$", field_text)
        if m is None:
            return verdict
        member = tail.group(1) if tail else None
        related = {m.group(1)}
        for _, v in fn.reaching(node, m.group(1)):
            related |= _value_names(v, calls=False)
        for atom, _ in fn.must_hold(node):
            calls = []
            c = _ATOM_CALL.match(atom)
            if c:
                calls.append((c.group(1), c.group(2)))
            elif atom.isidentifier():
                for _, v in fn.reaching(node, atom):
                    if v[0] == "call" and v[1] is not None:
                        calls.append((v[1], ",".join(_arg_text(a) or "" for a in v[2])))
            for name, args in calls:
                if name in name_list("device_data_readers"):
                    continue
                if not any(_pointer_base_text(a) in related for a in _split_args(args)):
                    continue
                g = self.ctx.function(name, fn.path)
                if g is None or g is fn:
                    continue
                checked = _min_checked_members(self.ctx, g)
                if (member in checked) if member else bool(checked):
                    return Verdict(NONZERO, f"{name}() checks '{member or field_text}' against a minimum "
                                            f"on the way", files={g.path})
        return verdict

    def filled_buffer(self, fn: FunctionFacts, field_text: str) -> str | None:
        """`data->report[1]`: an element of a buffer member that a function of the same
        file fills wholesale with received bytes (`memcpy(d->report, data, size)` from
        its caller's buffer, copy_from_user(), a bus read): what a device or a user
        sent, so any byte can be 0. Says who fills it, or None."""
        m = _ELEMENT.search(field_text)
        if m is None or self.ctx is None or getattr(self.ctx, "index", None) is None:
            return None
        member = m.group(1)
        cache = self.ctx.index.__dict__.setdefault("_filled_buffers", {})   # one tree's: an audit has two
        key = (fn.path, member)
        if key in cache:
            return cache[key]
        found = None
        pat = re.compile(r"(?:->|\.)" + re.escape(member) + r"$")
        fillers = name_list("buffer_fillers")
        for g in self.ctx.index.by_file.get(fn.path, {}).values():
            if not (fillers & set(g.call_names)) or member not in g.text_tokens:
                continue
            for c in g.calls():
                if c.name in fillers and len(c.args) > 1 and pat.search(c.args[0].lstrip("&")):
                    src = c.arg_values[1]
                    # memcpy() from the function's own parameter: bytes its caller received
                    if c.name != "memcpy" or (src[0] in ("var", "param") and src[1] in g.params):
                        found = f"{g.name}() fills with {c.name}()"
                        break
            if found:
                break
        cache[key] = found
        return found

    def validated_member(self, fn: FunctionFacts, node: int, field_text: str) -> str | None:
        """Is the record inside a buffer a kernel core validated before handing it over
        in a struct member (data/validated_buffers.txt: USB's `->extra` descriptors, cut
        at a `bLength < 2` by usb_parse_configuration())? Looks at the record pointer and
        what it was set from, three definitions deep; a parameter, at what every caller
        in the index passes for it (two calls up: `uvc_parse_format(..., buffer, buflen)`
        walks the `alts->extra` its only caller hands it). Says which, or None."""
        m = _BASE.match(field_text)
        if m is None:
            return None
        return self._validated_from(fn, node, [m.group(1)], 0)

    def _validated_from(self, fn: FunctionFacts, node: int, names: list, depth: int) -> str | None:
        members = _validated_members()
        seen: set = set()
        params = []
        # (where, name): a definition's own names are looked up where it is made, so
        # `buffer += buffer[0];` leads back to `buffer = alts->extra;`
        todo = [(node, name) for name in names]
        for _ in range(4):
            nxt = []
            for at, name in todo:
                if (at, name) in seen:
                    continue
                seen.add((at, name))
                defs = fn.reaching(at, name)
                if name in fn.params and (not defs or any(v[0] == "param" for _, v in defs)):
                    params.append(name)
                for d, v in defs:
                    for f in _fields_of(v):
                        tail = re.search(r"(\w+)$", f)
                        if tail and tail.group(1) in members:
                            return f"'{f}', {members[tail.group(1)]}"
                    nxt.extend((d or at, x) for x in _value_names(v))
            todo = nxt
        return self._validated_by_callers(fn, params, depth) if params else None

    def _validated_by_callers(self, fn: FunctionFacts, params: list, depth: int) -> str | None:
        """Every caller in the index passes, for one of these parameters, a pointer
        into a validated member: the caller's answer, naming the caller."""
        summaries = getattr(self.ctx, "summaries", None)
        if summaries is None or depth >= 2:
            return None
        callers = summaries.callers(fn)
        # callers of the same file only: an audit re-checks a function when its file
        # changes, not when a caller elsewhere does
        if not callers or len(callers) > 8 or any(g.path != fn.path for g, _ in callers):
            return None
        for p in params:
            i = fn.params.index(p)
            why = None
            for g, c in callers:
                if i >= len(c.arg_values):
                    why = None
                    break
                got = self._validated_from(g, c.node, sorted(_value_names(c.arg_values[i], calls=False)), depth + 1)
                if got is None:
                    why = None
                    break
                why = why or f"{got} (passed by {g.name}())"
            if why:
                return why
        return None

    def kernel_table(self, fn: FunctionFacts, node: int, field_text: str) -> bool:
        """Is the record an element of an array compiled into the kernel: a file-scope
        array the function bounds with ARRAY_SIZE() or indexes as `&tbl[n]` (neither a
        parameter nor a local), or a local `static const` table? The record (`tbl[i].len`),
        its pointer, the loop's cursor or its bound is set from it, one definition deep
        (aic7xxx's `cur_patch < &patches[ARRAY_SIZE(patches)]`, `cur_patch += cur_patch->skip_patch`).
        Data the kernel wrote itself: no device, file or peer chose those lengths."""
        m = _BASE.match(field_text)
        if m is None:
            return False
        tables = self._tables.get(id(fn))
        if tables is None:
            tables = self._tables[id(fn)] = _kernel_arrays(fn)
        if not tables:
            return False
        names = {m.group(1)}
        if self.counter is not None:
            names.add(self.counter)
        at = [node]
        if self.loop is not None:
            names |= _idents_of(self.loop.cond_text)
            at.append(self.loop.head)
        related = set(names)
        for name in names:
            for n in at:
                for _, v in fn.reaching(n, name):
                    related |= _value_names(v)
        return bool(related & tables)

    def _narrowing(self, v: Value, fn: FunctionFacts) -> bool:
        """A call whose declared return type is narrower than an int (`unsigned short
        queue_logical_block_size()` returning an int): a nonzero value can come out 0."""
        if v[0] != "call" or v[1] is None or self.ctx is None:
            return False
        callee = self.ctx.function(v[1], fn.path)
        return callee is not None and bool(_NARROW.search(callee.return_type or ""))

    def walks_data(self, fn: FunctionFacts, node: int, field_text: str) -> bool:
        """Is this field read from the record the cursor points at (`de = p; p += de->len`),
        or from a record pointer the same loop advances (`len -= p->len; p = (void *)p + p->len`)?"""
        if self.counter is None:
            return False
        m = _BASE.match(field_text)
        if not m:
            return False
        base = m.group(1)
        obj = re.match(r"^([A-Za-z_]\w*)(?:->|\.)[A-Za-z_]\w*$", self.counter)
        if obj is not None and not self.cursor and base != obj.group(1) and any(
                _mentions(v, obj.group(1), calls=False) for _, v in fn.reaching(node, base)):
            # `while (skb->len > 0) { hdr = (void *)skb->data; ... skb_pull(skb, hdr->len); }`:
            # the record is read out of the object whose length the loop consumes
            return True
        if self.cursor:
            if base == self.counter:
                return True
            if any(_mentions(v, self.counter, calls=False) for _, v in fn.reaching(node, base)):
                return True   # `h = (void *)(buf + off)`, not a lookup `chip = get_chip(nr)`
        # `i += buf[i]`, `len = data[pos + 1]; pos += len;`: a length byte read at an
        # index the loop walks (the cursor itself, or an index it advances by that length)
        if self.loop is not None:
            # `h = buf + off; l = h->len; off += l; left -= l;`: the record sits at an
            # offset the loop advances by its own length
            for _, v in fn.reaching(node, base):
                for x in _value_names(v, calls=False) - {base}:
                    if self._advanced_in_loop(fn, x, field_text):
                        return True
        sub = _SUBSCRIPT.match(field_text)
        if sub is not None:
            index = idents(sub.group(2))
            if self.cursor and self.counter in index:
                return True
            if self.loop is not None and any(self._advanced_in_loop(fn, i, field_text) for i in index):
                return True
        return self.loop is not None and self._advanced_in_loop(fn, base, field_text)

    def _advanced_in_loop(self, fn: FunctionFacts, name: str, field_text: str) -> bool:
        """Does the loop step the record pointer `name` forward by the same length
        (`p = (void *)p + p->len`, `len = p->len; p += len`)? Not `sg++` or
        `sg = sg_next(sg)`: an array of descriptors the kernel built is no data walk."""
        for nid in range(self.loop.first, self.loop.last + 1):
            for var, val in fn.nodes[nid].defs:
                if var == name and val[0] == "var":
                    # `next = (void *)p + p->len; ...; p = next;`
                    defs = fn.reaching(nid, val[1])
                    if len(defs) == 1 and defs[0][0] and self.loop.contains(defs[0][0]):
                        nid, val = defs[0][0], defs[0][1]
                if var == name and val[0] == "bin" and val[1] == "+" and val[2] == ("var", name):
                    by = val[3]
                    if _has_field(by, field_text):
                        return True
                    if by[0] == "var" and any(_has_field(v, field_text) for _, v in fn.reaching(nid, by[1])):
                        return True
        return False

    def var(self, name: str, fn: FunctionFacts, node: int, depth: int, seen: frozenset) -> Verdict:
        if self.guarded(fn, node, name):
            return Verdict(NONZERO)
        if (name, node) in seen:
            return Verdict(UNKNOWN)
        seen = seen | {(name, node)}
        defs = fn.reaching(node, name, refined=True)
        if not defs:
            return Verdict(UNKNOWN, f"'{name}' is not proven nonzero")
        worst = Verdict(NONZERO)
        for def_node, dval in defs:
            if dval[0] == "nonzero":
                v = Verdict(NONZERO)
            elif dval[0] == "param":
                v = Verdict(UNKNOWN, f"parameter '{name}' is not proven nonzero")
            elif dval[0] in ("uninit", "unknown"):
                v = Verdict(UNKNOWN, f"'{name}' is not proven nonzero")
            elif dval == ("var", self.counter) and self.loop is not None and self._counter_nonzero(fn, def_node):
                v = Verdict(NONZERO)
            else:
                v = self.value(dval, fn, def_node, depth + 1, seen)
                if v.kind != MAYBE and dval[0] == "bin" and dval[1] == "+" and def_node:
                    v = self._wrapped(fn, def_node, name, dval, depth, seen) or v
                if v.kind != NONZERO and def_node and _divided_by_on_the_way(fn, def_node, node, name):
                    v = Verdict(NONZERO)
                if v.kind == MAYBE and def_node and self.guarded_from(fn, def_node, node, name):
                    v = Verdict(NONZERO)
                if v.kind == MAYBE and def_node:
                    n = fn.nodes[def_node]
                    v = replace(v, evidence=[Evidence(fn.path, n.line, fn.name, f"'{name}' set here: {n.text}")]
                                + v.evidence)
            worst = worst.worse(v)
            if worst.kind == MAYBE:
                break
        return worst

    def _wrapped(self, fn: FunctionFacts, def_node: int, name: str, dval: Value, depth: int,
                 seen: frozenset) -> Verdict | None:
        """`u8 plen = p[0] + sizeof(u8);`: a sum kept in a u8/u16 wraps to 0 when the
        data operand holds the type's largest value (0xff + 1), so a nonzero addend does
        not make a length read from data nonzero (btintel's DDC records)."""
        narrow = _narrow_decl(fn, name)
        if narrow is None:
            return None
        byte = "8" in narrow or "char" in narrow
        for a, b in ((dval[2], dval[3]), (dval[3], dval[2])):
            if b[0] not in ("int", "sizeof", "macro"):
                continue
            if not byte and a[0] == "field" and a[1].endswith("]"):
                continue    # a byte of a buffer plus a constant fits a u16
            va = self.value(a, fn, def_node, depth + 1, seen)
            if va.kind == MAYBE:
                top = "0xff" if "8" in narrow or "char" in narrow else "0xffff"
                return Verdict(MAYBE, f"'{name}' is a {narrow}: the sum wraps to 0 for a value of {top}; "
                                      f"{va.reason or 'the value comes from data'}", va.evidence, va.files, va.weak)
        return None

    def _counter_nonzero(self, fn: FunctionFacts, node: int) -> bool:
        # `while (n)`: n is nonzero wherever the loop condition still holds.
        return (bool(self.loop.cond_true) and self.loop.cond_true <= fn.must_hold(node)) \
            or self.guarded(fn, node, self.counter)

    def binary(self, val: Value, fn, node, depth, seen) -> Verdict:
        op, a, b = val[1], val[2], val[3]
        if op == "-":
            # `size -= copy_to_user(buf, src, size)`: the bytes not copied, all of
            # them when the copy faults at once, leaving 0
            if b[0] == "call" and b[1] in name_list("uncopied_returners"):
                return Verdict(MAYBE, f"'{b[1]}()' returns the bytes it could not copy: "
                                      f"all of them when the copy faults")
            # PAGE_SIZE - offset_in_page(pos), SIZE - (x & (SIZE - 1)), SIZE - x % SIZE: >= 1
            if a[0] in ("macro", "call", "var") and _is_offset_within(b, a):
                return Verdict(NONZERO)
            # end - pos where `pos < end` holds here (inside `while (pos < end)`)
            ta, tb = _plain(a), _plain(b)
            if ta and tb:
                lits = fn.must_hold(node)
                if any(l in lits for l in ((f"{tb}<{ta}", True), (f"{ta}>{tb}", True), (f"{ta}!={tb}", True),
                                           (f"{tb}>={ta}", False), (f"{ta}<={tb}", False))):
                    return Verdict(NONZERO)
            return Verdict(UNKNOWN, "a difference is not proven nonzero")
        va = self.value(a, fn, node, depth + 1, seen)
        vb = self.value(b, fn, node, depth + 1, seen)
        if op == "+":
            if (va.kind == NONZERO and _non_negative(b)) or (vb.kind == NONZERO and _non_negative(a)):
                return Verdict(NONZERO)
            return Verdict(UNKNOWN)
        if op == "*":
            if va.kind == NONZERO and vb.kind == NONZERO:
                return Verdict(NONZERO)
            return va.worse(vb) if MAYBE in (va.kind, vb.kind) else Verdict(UNKNOWN)
        if op == "<<":
            return Verdict(NONZERO) if va.kind == NONZERO else va
        if op == "|":
            return Verdict(NONZERO) if NONZERO in (va.kind, vb.kind) else va.worse(vb)
        if op in (">>", "/", "&", "%"):
            # Truncation matters only when the operand itself can already be small:
            # `round_down(UINT_MAX, lbs) >> 9` (seed 001), not every `bytes >> 9`.
            if va.kind == MAYBE:
                what = {">>": "a right shift", "/": "a division", "&": "a mask", "%": "a remainder"}[op]
                return Verdict(MAYBE, f"{what} of a value that {va.reason or 'can be small'}", va.evidence, va.files,
                               va.weak, va.zero_when)
            return Verdict(UNKNOWN, "a truncating operation is not proven nonzero")
        return Verdict(UNKNOWN)

    def call(self, val: Value, fn: FunctionFacts, node: int, depth: int, seen: frozenset) -> Verdict:
        name, args = val[1], val[2]
        if name is None:
            return Verdict(UNKNOWN, f"'{val[3]}()' is called through a pointer (unknown)")
        if name in name_list("nonzero_returns"):
            return Verdict(NONZERO)
        if name in name_list("count_returners"):
            # `n = kernel_read(f, buf, left, &pos); if (n < 0) return n; left -= n;`. Called by
            # a wrapper (an analysis of a callee has no loop counter), the wrapper may have
            # asked only for what is there (uart_fifo_out() after kfifo_len()): weak; in user
            # space tools, read() is no kernel_read(): weak too
            weak = self.counter is None or fn.path.startswith(_TOOLS)
            return Verdict(MAYBE, f"{name}() returns the count it moved, 0 when there is nothing more "
                                  f"(end of the data, a full or faulting buffer)", weak=weak, count=True)
        if name in name_list("device_data_readers"):
            arg = args[0] if args else ("unknown", "")
            if arg[0] == "field" and (self.guarded(fn, node, arg[1]) or self.guarded(fn, node, f"{name}({arg[1]})")):
                # `while (p < end && le16_to_cpu(tlv->len))`: the loop test itself ends a 0 length
                return Verdict(NONZERO)
            if arg[0] == "field" and self.kernel_table(fn, node, arg[1]):
                return Verdict(UNKNOWN, f"'{arg[1]}' is read from a table compiled into the kernel")
            if arg[0] == "field" and self.walks_data(fn, node, arg[1]):
                return self._unless_verified(fn, node, arg[1], _walked_length(
                    fn, f"'{name}()' reads a length from the data being walked", self.ctx, arg[1]))
            if arg[0] == "field":
                local = self.filled_local(fn, node, arg[1])
                if local is not None:
                    return self._unless_verified(fn, node, arg[1], local)
            at = _pointer_base(arg) if name.startswith("get_unaligned") or name.endswith("p") else None
            if at is not None and self.walks_data(fn, node, f"{at}[0]"):
                # `get_unaligned_le16(p + 2)`, `get_unaligned_be32(&rec[4])`: a reader handed
                # a pointer into the record the loop walks
                text = _arg_text(arg) or at
                if self.guarded(fn, node, f"{name}({text})"):
                    return Verdict(NONZERO)
                return self._unless_verified(fn, node, f"{at}[0]", _walked_length(
                    fn, f"'{name}()' reads a length from the data being walked", self.ctx))
            return Verdict(UNKNOWN, f"'{name}()' reads a value not proven nonzero")
        if name in ("round_down", "rounddown", "ALIGN_DOWN"):
            if len(args) > 1 and _constant_multiple(args[1]):
                # 0 only for a value below a fixed multiple, which the caller usually excludes
                # (ALIGN_DOWN(max_chunk, 2), rounddown(copy, 1 << align)): weak
                return Verdict(MAYBE, f"{name}() rounds down to a multiple of {_vtext(args[1])}, "
                                      f"0 for a value below it", weak=True)
            if len(args) > 1 and args[0][0] == "macro" and args[0][1].endswith("_MAX"):
                # `round_down(UINT_MAX, g)`: 0 only when the multiple g is 0 (or when a
                # callee narrows a nonzero int to an unsigned short on its way out)
                # (a question of its own: asked with a fresh depth budget; callees are
                # still evaluated once each, through the shared callee cache)
                if self.value(args[1], fn, node, 0, seen).kind == NONZERO \
                        and not self._narrowing(args[1], fn):
                    return Verdict(NONZERO)
                cond = _zero_condition(fn, node, args[1])
                return Verdict(MAYBE, f"{name}() rounds down to a multiple of a runtime value, which can be 0",
                               zero_when=(cond,) if cond else ())
            if len(args) > 1 and _constant_valued(args[0], fn, node):
                multiple = self.value(args[1], fn, node, depth + 1, seen)
                if multiple.kind != MAYBE:
                    # `ALIGN_DOWN(desc_max, crypto_ahash_blocksize(tfm))` with desc_max a
                    # build-time maximum: 0 only for a multiple of 0 or one above that
                    # maximum, which nothing here shows
                    return Verdict(MAYBE, f"{name}() rounds down to a multiple of {_vtext(args[1])}, 0 only "
                                          f"for a multiple above the value (or of 0), not shown here",
                                   weak=True)
            return Verdict(MAYBE, f"{name}() rounds down to a multiple of a runtime value, which can be 0")
        if name in ("round_up", "roundup", "ALIGN", "DIV_ROUND_UP"):
            return self.value(args[0], fn, node, depth + 1, seen) if args else Verdict(UNKNOWN)
        expanded = expand_macro(self.ctx, fn.path, val)
        if expanded is not None:
            return self.value(expanded, fn, node, depth + 1, seen)
        callee = _function_or_macro(self.ctx, name, fn.path)
        if callee is None:
            return Verdict(UNKNOWN, f"'{name}()' is not proven nonzero")
        v = self._callee_verdict(callee, name, depth, seen)
        walked = self._walked_argument(fn, node, callee, args) if v.kind != MAYBE else None
        if walked is not None:
            # `len = rec_len(p)` with p the record the loop walks: the helper reads the
            # length out of the walked data (`return le16_to_cpu(p->len);`)
            inner = ZeroAnalysis(self.ctx, counter=walked, cursor=True)
            inner._callee_cache = self._callee_cache
            worst = Verdict(NONZERO)
            for r in callee.returns():
                if r.ret is not None:
                    worst = worst.worse(inner.value(r.ret, callee, r.id, depth + 1, seen))
            if worst.kind == MAYBE:
                return Verdict(MAYBE, f"{name}() returns a length read from the record it is handed "
                                      f"({worst.reason})",
                               [Evidence(callee.path, callee.line, callee.name,
                                         f"reads the length out of its '{walked}'")] + worst.evidence,
                               worst.files | {callee.path}, worst.weak)
        if v.kind == MAYBE and v.zero_when:
            # the callee's zero needs an expression of its parameters to be 0: in the
            # caller's terms, is it proven nonzero on the way to this call?
            mapped = tuple(_substitute(c, callee.params, args) for c in v.zero_when)
            if all(mapped) and any(self.guarded(fn, node, c) for c in mapped):
                return Verdict(UNKNOWN, f"'{name}()' is 0 only when {mapped[0]} is, "
                                        f"which is tested nonzero on the way")
            for c in v.zero_when:
                # `if (!len) return 0;` in the callee, handed `len - got` under `got < len`
                i = callee.params.index(c) if c in callee.params else -1
                if 0 <= i < len(args) and self.value(args[i], fn, node, depth + 1, seen).kind == NONZERO:
                    return Verdict(v.otherwise, f"'{name}()' is 0 only when its '{c}' is, and "
                                                f"'{_arg_text(args[i]) or c}' is nonzero here")
            return replace(v, zero_when=mapped if all(mapped) else ())
        return v

    def _walked_argument(self, fn: FunctionFacts, node: int, callee, args) -> str | None:
        """The callee's parameter that receives the record this loop walks (the cursor,
        or a record pointer the loop advances), or None."""
        if self.counter is None or self.loop is None:
            return None
        for i, a in enumerate(args):
            if i >= len(callee.params) or a[0] not in ("var", "param"):
                continue
            x = a[1]
            if (self.cursor and (x == self.counter or any(_mentions(v, self.counter) for _, v in fn.reaching(node, x)))) \
                    or self._advanced_any(fn, x):
                return callee.params[i]
        return None

    def _advanced_any(self, fn: FunctionFacts, name: str) -> bool:
        """Does the loop step `name` forward from itself by a length (`p = (void *)p + n`),
        not by a constant (`frag++` walks an array of descriptors, no data)?"""
        for nid in range(self.loop.first, self.loop.last + 1):
            for var, val in fn.nodes[nid].defs:
                if var == name and val[0] == "bin" and val[1] == "+" and val[2] == ("var", name) \
                        and val[3][0] not in ("int", "sizeof", "macro"):
                    return True
        return False

    def _callee_verdict(self, callee, name: str, depth: int, seen: frozenset) -> Verdict:
        key = (callee.path, callee.name)
        if key in self._callee_cache:
            return self._callee_cache[key]
        self._callee_cache[key] = Verdict(UNKNOWN)  # recursion guard
        inner = ZeroAnalysis(self.ctx)
        inner._callee_cache = self._callee_cache
        worst = Verdict(NONZERO)
        returns = [r for r in callee.returns() if r.ret is not None]
        if not returns:
            worst = Verdict(UNKNOWN)
        counts = any(r.ret[0] in ("var", "param", "field", "call", "bin", "minmax", "cond") for r in returns)
        rest = Verdict(NONZERO)   # the returns not under a test of a parameter being 0
        for r in returns:
            v = inner.value(r.ret, callee, r.id, depth + 1, seen)
            # `ret = 0; break;` ... `return ret;`: the literal 0 set on the way to the return
            # (a do { } while (0) or an `out:` label), judged where it is set
            # (not a sum's start, `for (total = 0; left; total += n)`: 0 only when asked for nothing)
            zeros = [d for d, dv in callee.reaching(r.id, r.ret[1]) if dv == ("int", 0)] \
                if v.kind == MAYBE and r.ret[0] == "var" and not _accumulated(callee, r.ret[1]) else []
            at = [r.id] if r.ret == ("int", 0) else zeros
            param_zero = [_zero_tested_param(callee, d) for d in at]
            tested = param_zero[0] if param_zero and all(param_zero) else None
            if not (v.kind == MAYBE and tested):
                rest = rest.worse(v)
            if v.kind == MAYBE:
                literal = bool(at)
                zero_when = v.zero_when
                if literal:
                    # `if (!len) return 0;`: 0 only for a caller that asks for nothing
                    zero_when = (tested,) if tested else zero_when
                v = Verdict(MAYBE, f"{name}() can return 0 ({v.reason})",
                            [Evidence(callee.path, r.line, callee.name, f"returns {r.text}")] + v.evidence,
                            v.files | {callee.path}, v.weak or literal, zero_when,
                            count=v.count or (literal and counts))
                if worst.kind == MAYBE and worst.zero_when and not v.zero_when:
                    worst = v    # a 0 that does not need a parameter to be 0 says more
                    break
            worst = worst.worse(v)
            if worst.kind == MAYBE and not worst.zero_when:
                break
        if worst.kind == MAYBE and worst.zero_when:
            worst = replace(worst, otherwise=rest.kind if rest.kind != MAYBE else UNKNOWN)
        if worst.kind != MAYBE:
            worst = Verdict(worst.kind, f"'{name}()' is not proven nonzero" if worst.kind == UNKNOWN else "",
                            [], {callee.path})
        self._callee_cache[key] = worst
        return worst


# the record a field is read from: `h->len`, `*off`, `((conststructsub*)p)->len` (a cast
# inline, its spaces removed by the facts: the record is p, not the type)
_BASE = re.compile(r"^[*&]*(?:\(+(?:const|volatile)?(?:struct|union)?[A-Za-z_]\w*\*+\))?[(*&]*([A-Za-z_]\w*)")
_SUBSCRIPT = re.compile(r"^(.*)\[([^\[\]]+)\]$")
_ARRAY_USE = re.compile(r"\b(?:ARRAY_SIZE|sizeof)\s*\(\s*([A-Za-z_]\w*)\s*\)|&\s*([A-Za-z_]\w*)\s*\[")
_STATIC_CONST = re.compile(r"^static\s+const\b[^=;]*?\b([A-Za-z_]\w*)\s*\[")


_NARROW_DECL = r"^(?:const\s+)?(u8|__u8|uint8_t|unsigned\s+char|u16|__u16|uint16_t|unsigned\s+short)\b[^;=]*\b"


def _narrow_decl(fn: FunctionFacts, name: str) -> str | None:
    """The type of a u8/u16 local `name`, from its declaration, or None."""
    rx = re.compile(_NARROW_DECL + re.escape(name) + r"\b")
    for n in fn.nodes:
        if n.kind == "decl" and name in n.text:
            m = rx.match(n.text)
            if m:
                return " ".join(m.group(1).split())
    return None


def _kernel_arrays(fn: FunctionFacts) -> frozenset:
    """Arrays of fn that the kernel image holds: file-scope arrays it names in
    ARRAY_SIZE(x) or `&x[...]` (x neither a parameter nor declared in fn), and its
    own `static const` tables."""
    used: set[str] = set()
    local: set[str] = set(fn.params)
    tables: set[str] = set()
    for n in fn.nodes:
        text = n.text
        if n.kind == "decl":
            m = _STATIC_CONST.match(text)
            if m:
                tables.add(m.group(1))
            for var, _ in n.defs:
                local.add(var.split("[", 1)[0])
            # array declarators (`u8 buf[64];`), not subscripts in an initializer
            local.update(re.findall(r"([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)+(?:[=;,]|$)", text.split("=", 1)[0]))
        if "ARRAY_SIZE" in text or "&" in text or "sizeof" in text:
            for m in _ARRAY_USE.finditer(text):
                used.add(m.group(1) or m.group(2))
    return frozenset(tables | (used - local))


@lru_cache(maxsize=None)
def _validated_members() -> dict:
    out = {}
    text = resources.files("errpath").joinpath("data/validated_buffers.txt").read_text()
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, why = line.strip().partition(" ")
            out[name] = why.strip()
    return out


def _fields_of(v) -> list:
    """Field texts a value reads (`intf->altsetting->extra`), not inside calls."""
    out = []
    if isinstance(v, tuple) and v and isinstance(v[0], str):
        if v[0] == "field" and isinstance(v[1], str):
            return [v[1]]
        if v[0] == "call":
            return out
        for x in v[1:]:
            if isinstance(x, tuple):
                out += _fields_of(x)
    return out


def _idents_of(text: str) -> set[str]:
    return set(idents(text))


def _value_names(v, calls: bool = True) -> set[str]:
    """Identifiers a value is computed from (`&patches[n]` gives patches and n);
    calls=False: not through a call (`get_chip(nr)` is a lookup, not an offset)."""
    out: set[str] = set()
    if isinstance(v, tuple) and v:
        if isinstance(v[0], str) and v[0] in ("var", "param", "field") and isinstance(v[1], str):
            return _idents_of(v[1])
        if isinstance(v[0], str) and v[0] == "call" and not calls:
            return out
        if isinstance(v[0], str) and v[0] == "call":
            out |= {v[1]} if v[1] else set()
            for a in v[2]:
                out |= _value_names(a)
            return out
        for x in (v[1:] if isinstance(v[0], str) else v):
            if isinstance(x, tuple):
                out |= _value_names(x, calls)
    return out
# the argument a buffer filler writes to (data/buffer_fillers.txt), and the copies among them
_FILL_DEST = {"memcpy": 0, "copy_from_user": 0, "memcpy_fromio": 0, "i2c_master_recv": 1,
              "i2c_smbus_read_i2c_block_data": 3, "i2c_smbus_read_block_data": 2, "regmap_bulk_read": 2,
              "regmap_raw_read": 2, "spi_read": 1, "regmap_noinc_read": 2, "spi_write_then_read": 3,
              "usb_control_msg": 6, "usb_control_msg_recv": 6, "usb_bulk_msg": 2, "usb_interrupt_msg": 2,
              "hid_hw_raw_request": 2, "sdio_memcpy_fromio": 1, "sdio_readsb": 1}
_COPY_FROM = frozenset({"memcpy", "copy_from_user", "memcpy_fromio"})
_ATOM_CALL = re.compile(r"^!?([A-Za-z_]\w*)\((.*)\)$")


def _pointer_base(v) -> str | None:
    """The variable a pointer argument points into: `p`, `p + 2`, `&p[2]`, `&hdr`, `buf + off`."""
    if v is None:
        return None
    if v[0] in ("var", "param"):
        return v[1] if v[1].isidentifier() else None
    if v[0] == "un" and v[1] == "&" and v[2][0] in ("var", "field", "param"):
        m = _BASE.match(v[2][1])
        return m.group(1) if m else None
    if v[0] == "bin" and v[1] in ("+", "-"):
        return _pointer_base(v[2])
    return None


def _member_dest(v) -> str | None:
    """The member a fill writes into (`&st->fifo_buf[i]`, `st->buf + n` give `st->fifo_buf`,
    `st->buf`), or None when it writes at a variable's own pointer (`&hdr`, `buf + off`)."""
    while v[0] == "bin" and v[1] in ("+", "-"):
        v = v[2]
    if v[0] == "un" and v[1] == "&" and v[2][0] in ("field", "var"):
        v = v[2]
    if v[0] in ("field", "var") and isinstance(v[1], str):
        m = re.match(r"^[*(&\s]*([A-Za-z_]\w*(?:(?:->|\.)[A-Za-z_]\w*)+)", v[1].replace(" ", ""))
        return m.group(1) if m else None
    return None


def _pointer_base_text(text: str) -> str | None:
    m = _BASE.match(text.strip())
    return m.group(1) if m else None


def _split_args(text: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
            continue
        depth += ch in "([" 
        depth -= ch in ")]"
        cur += ch
    return out + [cur]


# a comparison in a verifier: `le16_to_cpu(h->len)<sizeof(*h)`, `h->len>=4`, `len==0`, `!r->size`
_CHECK_ATOM = re.compile(r"^!?(?:[A-Za-z_]\w*\()?\*?([A-Za-z_]\w*(?:(?:->|\.)[A-Za-z_]\w*|\[[^\]]*\])*)\)?"
                         r"(?:(<=|>=|<|>|==|!=)(.+))?$")


def _min_checked_members(ctx, g: FunctionFacts) -> frozenset:
    """Members g compares against 0 or a positive minimum, in a test or in what it
    returns (`return le16_to_cpu(h->len) >= sizeof(*h) && ...`), through a local set
    from the member too (`len = h->len; if (len < 4)`). Cached per function."""
    cache = ctx.index.__dict__.setdefault("_min_checked", {}) if getattr(ctx, "index", None) is not None else {}
    key = (g.path, g.name)
    if key in cache:
        return cache[key]
    out: set[str] = set()

    def consider(node_id: int, atom: str) -> None:
        m = _CHECK_ATOM.match(atom)
        if m is None:
            return
        name, op, bound = m.group(1), m.group(2), m.group(3)
        if op is not None:
            if op in ("==", "!="):
                if bound != "0":
                    return
            elif not _positive_bound(bound, strict=op in (">", "<=")) and not (op in (">", "<=") and bound == "0") \
                    and not _positive_local(g, node_id, bound, ctx):
                return
        t = re.search(r"(?:->|\.)(\w+)$", name)
        if t:
            out.add(t.group(1))
        elif name.isidentifier():
            for _, v in g.reaching(node_id, name):
                for f in _fields_of_deep(v):
                    t = re.search(r"(?:->|\.)(\w+)$", f)
                    if t:
                        out.add(t.group(1))

    for node in g.nodes:
        if node.kind == "cond":
            for atom, _ in node.true_lits | node.false_lits:
                consider(node.id, atom)
        elif node.kind == "return" and ("<" in node.text or ">" in node.text or "!" in node.text):
            body = re.sub(r"^\s*return\s*|;\s*$", "", node.text)
            for part in re.split(r"&&|\|\|", body):
                consider(node.id, "".join(part.split()).strip("()") if part.count("(") != part.count(")")
                         else "".join(part.split()))
    found = frozenset(out)
    cache[key] = found
    return found


def _fields_of_deep(v) -> list:
    """Field texts a value reads, also as a call's argument (`le16_to_cpu(h->len)`)."""
    out = []
    if isinstance(v, tuple) and v and isinstance(v[0], str):
        if v[0] == "field" and isinstance(v[1], str):
            return [v[1]]
        for x in (v[2] if v[0] == "call" else v[1:]):
            if isinstance(x, tuple):
                out += _fields_of_deep(x)
    return out


_NARROW = re.compile(r"\b(short|char|u8|u16|s8|s16|__u8|__u16|uint8_t|uint16_t)\b")
# `d->report[1]`, `hdr.buf[i]`: an element of a buffer member
_ELEMENT = re.compile(r"(?:->|\.)([A-Za-z_]\w*)\[[^\]]+\]$")


def _checked_elsewhere(ctx, fn: FunctionFacts, field_text: str) -> str | None:
    """Another function of the same file tests the same field (same text: `e->next_offset`)
    against 0 or a minimum: the file validates such records where it takes them in
    (netfilter's check_entry_size_and_hooks()). Names that function, or None."""
    if ctx is None or getattr(ctx, "index", None) is None or not re.search(r"(->|\.)\w+$", field_text):
        return None
    cache = ctx.index.__dict__.setdefault("_checked_fields", {})
    key = (fn.path, field_text)
    if key in cache:
        return cache[key]
    member = re.search(r"(\w+)$", field_text).group(1)
    found = None
    for g in ctx.index.by_file.get(fn.path, {}).values():
        if g is fn or member not in g.text_tokens:
            continue
        tail = re.compile(r"(->|\.)" + re.escape(member) + r"$")
        for node in g.nodes:
            if node.kind != "cond":
                continue
            for atom, _ in node.true_lits | node.false_lits:
                m = _BOUND.match(atom)
                name = atom if atom.isidentifier() or atom == field_text else (
                    m.group(1) if m and m.group(2) in ("<", "<=")
                    and (_positive_bound(m.group(3), strict=m.group(2) == "<=")
                         or _positive_local(g, node.id, m.group(3), ctx)) else None)
                if name is None:
                    continue
                if name == field_text:
                    found = g.name      # `if (!e->next_offset)`, `if (e->next_offset < sizeof(*e))`
                elif name.isidentifier() and any(
                        _field_tail(v, tail) for _, v in g.reaching(node.id, name)):
                    found = g.name      # `l = opt->nd_opt_len << 3; if (l == 0)`: the same member
                if found:
                    break
            if found:
                break
        if found:
            break
    cache[key] = found
    return found


def _struct_of(fn: FunctionFacts, var: str) -> str | None:
    """The struct a pointer variable of fn points at, from its declaration
    (`const struct xt_entry_match *m;`, a parameter too), or None."""
    src = fn.source()
    texts = [src.decode("utf-8", "replace")] if src is not None else [n.text for n in fn.nodes if n.kind == "decl"]
    rx = re.compile(r"struct\s+([A-Za-z_]\w*)\s*\*+\s*(?:const\s+)?" + re.escape(var) + r"\b")
    for t in texts:
        m = rx.search(t)
        if m:
            return m.group(1)
    return None


def _has_tokens(f: FunctionFacts, *names: str) -> bool:
    toks = f._tokens
    if toks is not None:
        from bisect import bisect_left
        for n in names:
            i = bisect_left(toks, n)
            if i == len(toks) or toks[i] != n:
                return False
        return True
    tt = f.text_tokens
    return all(n in tt for n in names)


def _verified_by_callee(ctx, fn: FunctionFacts, field_text: str) -> tuple[str, str] | None:
    """A verifier in another file that this file's code calls (directly or one call
    down) and that checks the same member of the same struct against 0 or a minimum:
    netfilter's ip_tables.c calls xt_check_entry_offsets() (x_tables.c), whose
    xt_check_entry_match() rejects `pos->u.match_size < sizeof(struct xt_entry_match)`
    when a table is loaded, before copy_entries_to_user() walks it. (What it found,
    the verifier's file), or None."""
    if ctx is None or getattr(ctx, "index", None) is None:
        return None
    m = re.match(r"^([A-Za-z_]\w*)((?:->|\.)[A-Za-z_][\w.>-]*)$", field_text)
    if m is None:
        return None
    base, path = m.group(1), m.group(2)
    struct = _struct_of(fn, base)
    if struct is None:
        return None
    member = re.search(r"(\w+)$", path).group(1)
    cache = ctx.index.__dict__.setdefault("_verifiers", {})
    key = (fn.path, struct, path)
    if key in cache:
        return cache[key]
    found = None
    seen: set = set()
    callees = []
    for g in ctx.index.by_file.get(fn.path, {}).values():
        for c in g.call_names:
            if c in seen:
                continue
            seen.add(c)
            v = ctx.function(c, fn.path)
            if v is not None and v.path != fn.path:
                callees.append((g, v, None))
    deeper = []
    for g, v, _ in callees:
        for c in v.call_names:
            w = ctx.function(c, v.path)
            if w is not None and w.path != fn.path and (w.path, w.name) not in seen:
                seen.add((w.path, w.name))
                deeper.append((g, w, v))
    tail = re.compile(r"^([A-Za-z_]\w*)" + re.escape(path) + r"$")
    for g, v, via in callees + deeper:
        if not _has_tokens(v, struct, member):
            continue
        for node in v.nodes:
            if node.kind != "cond":
                continue
            for atom, _ in node.true_lits | node.false_lits:
                b = _BOUND.match(atom)
                name = atom if b is None else (
                    b.group(1) if b.group(2) in ("<", "<=") and _positive_bound(b.group(3), strict=b.group(2) == "<=")
                    else None)
                if b is None and "(" in atom:
                    name = _unwrapped_check(atom)   # `le16_to_cpu(de->length)<32`
                t = tail.match(name) if name else None
                if t and _struct_of(v, t.group(1)) == struct:
                    chain = f"{g.name}() -> {via.name}() -> {v.name}()" if via else f"{g.name}() -> {v.name}()"
                    found = (f"{v.name}() ({v.path}), which this file calls ({chain}), checks "
                             f"'{name}' of struct {struct} against a minimum", v.path)
                    break
            if found:
                break
        if found:
            break
    cache[key] = found
    return found


def _field_tail(v, tail) -> bool:
    """Is v computed from a field whose member matches `tail` (one level: `x->len << 3`)?"""
    if isinstance(v, tuple) and v:
        if v[0] == "field" and isinstance(v[1], str):
            return bool(tail.search(v[1]))
        if v[0] == "call":
            return False
        return any(_field_tail(x, tail) for x in (v[1:] if isinstance(v[0], str) else v) if isinstance(x, tuple))
    return False


def _walked_length(fn: FunctionFacts, what: str, ctx=None, field_text: str = "") -> Verdict:
    """A record length read from the data a loop walks, with no test against 0 or a
    minimum on the way. Device, firmware and network data (a firmware file, a TLV
    reply, a BIOS table, a packet) reach such loops unvalidated: MAYBE. A filesystem's
    on-disk records were usually checked when the block was read (xfs verifiers,
    ocfs2/ext4 block validation), out of the function's sight: weak."""
    if fn.path.startswith(("samples/", "tools/")):
        return Verdict(MAYBE, f"{what}; sample or tool code", weak=True)
    checker = _checked_elsewhere(ctx, fn, field_text) if field_text else None
    if checker is not None:
        return Verdict(MAYBE, f"{what}; {checker}() in the same file checks '{field_text}' against a "
                              f"minimum where such records come in", weak=True)
    verifier = _verified_by_callee(ctx, fn, field_text) if field_text else None
    if verifier is not None:
        return Verdict(MAYBE, f"{what}; {verifier[0]}", weak=True, files={verifier[1]})
    if fn.path.startswith("fs/"):
        return Verdict(MAYBE, f"{what}; an on-disk record, usually validated when its block was read "
                              f"(no check of it found in this file or the verifiers it calls)", weak=True)
    return Verdict(MAYBE, f"{what}, not checked against 0 or a minimum on the way")


def expand_macro(ctx, path: str, val: Value) -> Value | None:
    """`BLOB_NEXT(r)` with `#define BLOB_NEXT(x) ((void *)(x) + le16_to_cpu((x)->size))` in
    the file: the macro's value in the caller's names (`r + le16_to_cpu(r->size)`), so
    it is judged where it is used, under the caller's tests; None when val is no call
    of such a macro (a function of that name wins) or an argument is not plain."""
    if ctx is None or val[0] != "call" or val[1] is None or not hasattr(ctx, "macro"):
        return None
    if ctx.function(val[1], path) is not None:
        return None
    m = ctx.macro(val[1], path)
    if m is None or len(m.params) != len(val[2]):
        return None
    rets = [r.ret for r in m.returns() if r.ret is not None]
    if len(rets) != 1:
        return None
    args = dict(zip(m.params, val[2]))
    texts = {}
    for p, a in args.items():
        t = _arg_text(a)
        if t is None:
            return None
        texts[p] = t

    def text_of(t: str) -> str:
        t = _WORD.sub(lambda w: texts.get(w.group(0), w.group(0)), t)
        return re.sub(r"\(([A-Za-z_][\w>.\-\[\]]*)\)(?=->|\.|\[)", r"\1", t)   # `(r)->size` -> `r->size`

    def sub(v):
        if not isinstance(v, tuple) or not v:
            return v
        if v[0] in ("var", "param") and isinstance(v[1], str) and v[1] in args:
            return args[v[1]]
        if v[0] == "field" and isinstance(v[1], str):
            return ("field", text_of(v[1])) + v[2:]
        return tuple(sub(x) if isinstance(x, tuple) else (text_of(x) if isinstance(x, str) and i > 1 else x)
                     for i, x in enumerate(v))
    return sub(rets[0])


_TOOLS = ("tools/", "scripts/", "samples/")


def _function_or_macro(ctx, name: str, path: str):
    """The definition a call names: a function, else a function-like macro of the file
    (`REC_LEN(r)`, `#define REC_LEN(r) le16_to_cpu((r)->len)`), else None."""
    if ctx is None:
        return None
    f = ctx.function(name, path)
    if f is None and hasattr(ctx, "macro"):
        f = ctx.macro(name, path)
    return f


def _external_read(v: Value, fn: FunctionFacts, node: int) -> str | None:
    """The text of a byte-order read of a field (`le32_to_cpu(h->chunk)`), v itself or
    the one definition of the variable v, or None."""
    if v[0] in ("var", "param"):
        defs = fn.reaching(node, v[1])
        if len(defs) != 1:
            return None
        v = defs[0][1]
    if v[0] == "call" and v[1] in name_list("device_data_readers") and v[2] and v[2][0][0] == "field":
        return f"{v[1]}({v[2][0][1]})"
    return None


def _external_limit(fn: FunctionFacts, read: str) -> Verdict:
    what = f"the limit '{read}' is read from device, firmware or disk data"
    if fn.path.startswith(("fs/", "samples/", "tools/")):
        return Verdict(MAYBE, f"{what}; on disk or in a tool, usually validated where it was read", weak=True)
    return Verdict(MAYBE, f"{what}, not checked against 0 or a minimum on the way")


def _accumulated(fn: FunctionFacts, name: str) -> bool:
    """Is `name` a sum the function adds to (`total += n`, `total = total + n`)?"""
    return any(var == name and val[0] == "bin" and val[1] == "+" and val[2] == ("var", name)
               for node in fn.nodes for var, val in node.defs)


def _zero_tested_param(fn: FunctionFacts, node: int) -> str | None:
    """The parameter that must be 0 on every path to the node (`if (!len) return 0;`)."""
    for atom, polarity in fn.must_hold(node):
        if atom in fn.params and not polarity:
            return atom
        if polarity and atom.endswith("==0") and atom[:-3] in fn.params:
            return atom[:-3]
    return None


def _zero_condition(fn: FunctionFacts, node: int, v: Value) -> str | None:
    """The expression whose being 0 makes v 0, as text in the function's names: the
    value itself, or the call it was set from (`g = dev_granularity(dev); ... g`
    gives `dev_granularity(dev)`, which a caller can have tested)."""
    if v[0] == "call" and v[1] is not None and all(a[0] in ("var", "param", "field") for a in v[2]):
        return f"{v[1]}({','.join(a[1] for a in v[2])})"
    if v[0] in ("var", "param"):
        defs = fn.reaching(node, v[1])
        if len(defs) == 1 and defs[0][1][0] == "call":
            return _zero_condition(fn, defs[0][0], defs[0][1])
        if len(defs) == 1 and defs[0][1][0] == "param":
            return v[1]
        return None
    if v[0] == "field":
        return v[1]
    return None


_WORD = re.compile(r"[A-Za-z_]\w*")


def _arg_text(v: Value) -> str | None:
    if v[0] in ("var", "param", "field", "macro"):
        return v[1]
    if v[0] == "int":
        return str(v[1])
    if v[0] == "call" and v[1] is not None:
        inner = [_arg_text(a) for a in v[2]]
        return f"{v[1]}({','.join(inner)})" if all(x is not None for x in inner) else None
    return None


def _substitute(text: str, params: list[str], args) -> str | None:
    """text (in a callee's names) in the caller's: each parameter replaced by its argument."""
    texts = {}
    for p, a in zip(params, args):
        t = _arg_text(a)
        if t is not None:
            texts[p] = t
    bad = False

    def rep(m):
        nonlocal bad
        w = m.group(0)
        if w in texts:
            return texts[w]
        if w in params:
            bad = True
        return w
    out = _WORD.sub(rep, text)
    return None if bad else out


def _plain(v: Value) -> str | None:
    return v[1] if v[0] in ("var", "field", "macro") else None


def _mentions(v, name: str, calls: bool = True) -> bool:
    """Does the value tree use variable `name` (calls=False: not as a call's argument)?"""
    if isinstance(v, tuple):
        if len(v) == 2 and v[0] in ("var", "param") and v[1] == name:
            return True
        if v and v[0] == "field" and _BASE.match(v[1]) and _BASE.match(v[1]).group(1) == name:
            return True
        if v and v[0] == "field" and not name.isidentifier() and (
                v[1] == name or v[1].startswith((name + "[", name + "->", name + "."))):
            return True     # a member cursor: `h = (void *)ps->pos` reads at `ps->pos`
        if not calls and v and v[0] == "call":
            return False
        return any(_mentions(x, name, calls) for x in v[1:] if isinstance(x, tuple))
    return False


def _has_field(v, field_text: str) -> bool:
    if isinstance(v, tuple) and v:
        if v[0] == "field" and v[1] == field_text:
            return True
        return any(_has_field(x, field_text) for x in (v[1:] if isinstance(v[0], str) else v)
                   if isinstance(x, tuple))
    return False


# `len<sizeof(*h)`, `h->len>=4`, `data[1]>=2`: a name (with `->`, `.` and subscripts) compared
_BOUND = re.compile(r"^([A-Za-z_]\w*(?:(?:->|\.)[A-Za-z_]\w*|\[[^\]]*\])*)(<=|>=|<|>)(.+)$")


def _call_bound(atom: str, var: str):
    """_BOUND for a compared call (`le16_to_cpu(h->len)<sizeof(*h)`)."""
    if not atom.startswith(var):
        return None
    return re.match(r"^(" + re.escape(var) + r")(<=|>=|<|>)(.+)$", atom)


def _only_added_by_callee(ctx, g: FunctionFacts, d: int, name: str) -> bool:
    """The call at node d, handed `&name`, only adds to `*name` a non-negative amount."""
    from .progress import pointer_steps
    for c in g.nodes[d].calls:
        for i, a in enumerate(c.arg_values):
            if a != ("un", "&", ("var", name)) or c.name is None:
                continue
            callee = ctx.function(c.name, g.path)
            if callee is None or i >= len(callee.params):
                return False
            steps = pointer_steps(callee).get(callee.params[i], [])
            writes = [v for n in callee.nodes for v, _ in n.defs if v.strip("()") == "*" + callee.params[i]]
            def non_negative(st) -> bool:
                if _non_negative(st.step):
                    return True
                # `*min_len += addr_len;` with addr_len set to sizes only (0 included)
                defs = callee.reaching(st.node, st.step[1]) if st.step[0] == "var" else []
                return bool(defs) and all(_non_negative(v) or (v[0] == "cond" and _non_negative(v[2])
                                                               and _non_negative(v[3])) for _, v in defs)
            return bool(steps) and len(writes) == len(steps) and all(st.op == "+" and non_negative(st) for st in steps)
    return False


def _unwrapped_check(atom: str) -> str | None:
    """The field a byte-order read compares against a lower bound: `le16_to_cpu(h->len)<4`
    gives `h->len`; None for any other atom."""
    m = re.match(r"^!?([A-Za-z_]\w*)\(([A-Za-z_][\w>.\-\[\]]*)\)(?:(<=|<)(.+))?$", atom)
    if m is None or m.group(1) not in name_list("device_data_readers"):
        return None
    if m.group(3) is None or _positive_bound(m.group(4), strict=m.group(3) == "<="):
        return m.group(2)
    return None


def _positive_local(g: FunctionFacts, node: int, bound: str, ctx=None) -> bool:
    """`if (op->no < min_len)` with every definition of min_len reaching the test a
    positive size (`int min_len = sizeof(*op);`, `min_len += sizeof(struct x);`, or a
    callee handed `&min_len` that only adds to it: `*min_len += sizeof(*cond);`)."""
    if not bound.isidentifier():
        return False
    defs = g.reaching(node, bound)
    if ctx is not None and any(v[0] == "unknown" for _, v in defs):
        if not all(v[0] != "unknown" or _only_added_by_callee(ctx, g, d, bound) for d, v in defs):
            return False
        defs = [(d, v) for d, v in defs if v[0] != "unknown"]

    def positive(v) -> bool:
        if v[0] in ("sizeof", "macro"):
            return True
        if v[0] == "int":
            return v[1] > 0
        if v[0] == "bin" and v[1] == "+":
            return (positive(v[2]) and _non_negative(v[3])) or (positive(v[3]) and _non_negative(v[2])) \
                or (v[2] == ("var", bound) and _non_negative(v[3]))
        return False
    return bool(defs) and all(positive(v) for _, v in defs)


def _positive_bound(bound: str, strict: bool) -> bool:
    """Is `x >= bound` (or `x > bound` when strict) enough to make x nonzero?"""
    if bound.startswith(("sizeof", "offsetof")) or re.fullmatch(r"[A-Z][A-Z0-9_]*", bound):
        return True
    n = re.fullmatch(r"(\d+)[uUlL]*", bound)
    if n:
        return int(n.group(1)) > 0 or strict
    return False


def _non_negative(v: Value) -> bool:
    # a byte-order reader returns an unsigned value: `sizeof(*h) + le16_to_cpu(h->len)` >= 1
    return (v[0] == "int" and v[1] >= 0) or v[0] in ("macro", "sizeof") \
        or (v[0] == "call" and v[1] in name_list("device_data_readers"))


def _is_offset_within(b: Value, whole: Value) -> bool:
    if b[0] == "call" and b[1] in ("offset_in_page", "offset_in_folio", "offset_in_thp"):
        return True
    if b[0] == "bin" and b[1] == "&":
        mask = b[3]
        return mask[0] == "bin" and mask[1] == "-" and mask[2] == whole
    if b[0] == "bin" and b[1] == "%":
        return b[3] == whole
    return False


def _constant_multiple(v) -> bool:
    """A multiple fixed at build time: a positive literal, a macro constant
    (`POLY1305_BLOCK_SIZE`, `SZ_4K`), or a power of two `1 << k`."""
    if v[0] == "int":
        return isinstance(v[1], int) and v[1] > 0
    if v[0] == "macro":
        return True
    return v[0] == "bin" and v[1] == "<<" and v[2][0] == "int" and v[2][1] == 1


def _vtext(v) -> str:
    if v[0] in ("int", "macro", "var", "field", "param"):
        return str(v[1])
    if v[0] == "bin":
        return f"{_vtext(v[2])} {v[1]} {_vtext(v[3])}"
    if v[0] == "call":
        return f"{v[3]}()"
    return "a constant"


def _constant_valued(v, fn: FunctionFacts, node: int, depth: int = 0) -> bool:
    """Is v a build-time constant on every path: a macro or literal, a choice between
    such (`is_sec1 ? MAX1 : MAX2`), or a variable set only to such values?"""
    if depth > 2:
        return False
    if v[0] in ("macro", "int", "sizeof"):
        return v[0] != "int" or v[1] > 0
    if v[0] == "cond":
        return _constant_valued(v[2], fn, node, depth + 1) and _constant_valued(v[3], fn, node, depth + 1)
    if v[0] == "var":
        defs = fn.reaching(node, v[1])
        return bool(defs) and all(d and _constant_valued(val, fn, d, depth + 1) for d, val in defs)
    return False


def _divided_by_on_the_way(fn: FunctionFacts, def_node: int, use: int, name: str) -> bool:
    """Every path from the definition to the use divides by the variable first
    (`nltbs = tot_size / ltb_size;` before the loop): a 0 would have trapped
    there, so the value that reaches the use is nonzero."""
    div = re.compile(r"[/%]\s*\(?\s*" + re.escape(name) + r"\b(?!\s*\()")
    divides = {n.id for n in fn.nodes
               if n.kind != "loop" and div.search(n.text) and "?" not in n.text and "&&" not in n.text
               and "||" not in n.text and not n.text.lstrip().startswith(("if", "while", "for", "return"))}
    if not divides:
        return False
    seen, stack = {def_node}, [def_node]
    while stack:
        for s, _ in fn.nodes[stack.pop()].succ:
            if s == use:
                return False     # reached the use without dividing
            if s in seen or s in divides or any(v == name for v, _ in fn.nodes[s].defs):
                continue
            seen.add(s)
            stack.append(s)
    return True
