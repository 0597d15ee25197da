"""A function's contract (what it returns, when it may sleep, which errnos) and
the changes between two contracts."""
from __future__ import annotations

from dataclasses import dataclass, field


# ---------------------------------------------------------------------------
# contracts


@dataclass(frozen=True)
class Contract:
    """A function's error contract, as `errpath contracts` compares it."""
    returns: tuple            # sorted descriptions of the outcomes
    errnos: frozenset         # errno names it may return (plain or in ERR_PTR)
    null: bool
    errptr: bool
    nowait_enomem: bool | None   # None: no NOWAIT mode; True: ENOMEM leaks under NOWAIT
    nowait_eagain: bool | None
    may_sleep: bool
    sleep_via: str = field(default="", compare=False)

    def text(self) -> str:
        parts = [", ".join(self.returns) or "nothing"]
        if self.null and self.errptr:
            # a lookup's two failures: the caller must test for both (IS_ERR_OR_NULL())
            parts[0] = "NULL and ERR_PTR: " + parts[0]
        if self.nowait_enomem is not None:
            if self.nowait_enomem:
                parts.append("-ENOMEM under NOWAIT")
            elif self.nowait_eagain:
                parts.append("-EAGAIN under NOWAIT")
        if self.may_sleep:
            parts.append("may sleep")
        return "; ".join(parts)

    def to_json(self) -> dict:
        return {"returns": list(self.returns), "errnos": sorted(self.errnos), "null": self.null,
                "err_ptr": self.errptr, "nowait_enomem": self.nowait_enomem,
                "nowait_eagain": self.nowait_eagain, "may_sleep": self.may_sleep}


def contract_changes(old: Contract | None, new: Contract | None) -> list[str]:
    """What changed between two contracts, in the words a reviewer scans for."""
    if old is None or new is None:
        return []
    out = []
    if old.null and not old.errptr and new.errptr and not new.null:
        out.append("NULL -> ERR_PTR")
    elif old.errptr and not old.null and new.null and not new.errptr:
        out.append("ERR_PTR -> NULL")
    else:
        both = " (now NULL and ERR_PTR)" if new.null and new.errptr else ""
        if new.errptr and not old.errptr:
            out.append("may now return ERR_PTR" + both)
        if new.null and not old.null:
            out.append("may now return NULL" + both)
    added = sorted(new.errnos - old.errnos)
    removed = sorted(old.errnos - new.errnos)
    if added:
        out.append("errnos added: " + ", ".join("-" + e for e in added))
    if removed:
        out.append("errnos removed: " + ", ".join("-" + e for e in removed))
    if old.nowait_enomem is False and new.nowait_enomem:
        out.append("EAGAIN remap lost: -ENOMEM now leaves under NOWAIT" if old.nowait_eagain
                   else "-ENOMEM now leaves under NOWAIT")
    elif old.nowait_enomem and new.nowait_enomem is False:
        out.append("EAGAIN remap added")
    if new.may_sleep and not old.may_sleep:
        out.append("may sleep gained" + (f" ({new.sleep_via})" if new.sleep_via else ""))
    elif old.may_sleep and not new.may_sleep:
        out.append("may sleep lost")
    return out
