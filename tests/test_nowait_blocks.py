"""nowait-blocks beyond the fixture marks: confidence, the suggested
non-blocking variant, the DIO_CALLER_COMP stretch, and the near-misses that
need the summaries."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from errpath.pipeline.blob import analyse_blob
from errpath.facts.index import FactsIndex
from errpath.rules import RuleContext, load_rules
from rulecheck import findings_for_file

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "nowait-blocks"
RULE = {r.id: r for r in load_rules()}["nowait-blocks"]


def _by_line(name):
    _, found = findings_for_file(FIX / name, [RULE])
    return {f.line: f for f in found}


def test_confidence_and_suggested_trylock():
    f = _by_line("bad_blocking_under_nowait.c")
    assert f[72].confidence == "high"             # inside `if (flags & IOMAP_NOWAIT)`: every NOWAIT path
    assert "folio_trylock()" in f[72].message
    assert f[46].confidence == "medium"           # on some NOWAIT paths only
    assert "inode_trylock_shared()" in f[46].message and "-EAGAIN" in f[46].message
    assert f[61].message.endswith("use mutex_trylock() and return -EAGAIN when it fails")
    assert "IOCB_NOWAIT" in f[61].message         # the bool `nowait` is traced to its flag


def test_sleep_inside_a_helper_is_reported_with_the_chain():
    f = _by_line("bad_blocking_under_nowait.c")[29]
    assert "demo_start_write()" in f.message and "sb_start_write()" in f.message
    assert "sb_start_write_trylock()" in f.message
    assert f.evidence[0].note.startswith("IOCB_NOWAIT set here")


def test_dio_caller_comp_self_deadlock_is_low_confidence_with_the_chain():
    f = _by_line("bad_blocking_under_nowait.c")[90]
    assert f.confidence == "low"
    assert "IOCB_DIO_CALLER_COMP" in f.message and "inode_dio_wait()" in f.message
    assert [e.function for e in f.evidence] == ["demo_dio_issue", "demo_dio_issue", "demo_drain"]
    assert f.evidence[-1].note == "calls inode_dio_wait()"


def test_near_misses_that_need_callee_results_fire_without_the_summaries():
    """Without the summaries the fallback near-miss is a finding: the test
    above would not catch a regression in how the rule reads them."""
    path = FIX / "good_trylock_under_nowait.c"
    a = analyse_blob(path.name, path.read_bytes(), None)
    index = FactsIndex(a.functions, in_scope={path.name})
    index.summaries = None
    found = list(f for fn in index.functions_in_scope() if RULE.applies_to(fn)
                 for f in RULE.check(fn, RuleContext(index)))
    assert [f.function for f in found] == ["demo_dio_write_fallback"]


RECURSIVE_SLEEPERS = b"""
void drain_a(struct demo *d)
{
	drain_b(d);
	mutex_lock(&d->lock);
}

void drain_b(struct demo *d)
{
	drain_a(d->next);
}
"""


@pytest.mark.parametrize("first", ["drain_a", "drain_b"])
def test_always_sleeps_through_a_recursion_does_not_depend_on_who_asks_first(first):
    """drain_a always takes a mutex and drain_b always calls drain_a: both always
    sleep, whichever is asked first (drain_b used to be memoised as 'does not
    sleep' while drain_a was still being asked, and a helper's answer depended
    on how deep below the first question it had been met)."""
    always_sleeps = sys.modules[type(RULE).__module__].always_sleeps
    a = analyse_blob("fs/d.c", RECURSIVE_SLEEPERS, None)
    index = FactsIndex(a.functions, in_scope={"fs/d.c"})
    ctx = RuleContext(index)
    by_name = {f.name: f for f in a.functions}
    always_sleeps(ctx, by_name[first])
    assert always_sleeps(ctx, by_name["drain_a"]) is not None
    got = always_sleeps(ctx, by_name["drain_b"])
    assert got is not None and got[0] == "mutex_lock"


_PIPE_LIKE = """
static int demo_open(struct inode *inode, struct file *file)
{
    file->f_mode |= FMODE_NOWAIT;
    return 0;
}

static ssize_t demo_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
    struct demo_ring *r = iocb->ki_filp->private_data;
    ssize_t ret = 0;

    mutex_lock(&r->mutex);
    for (;;) {
        if (demo_copy_out(r, to, &ret))
            break;
        if (iocb->ki_flags & IOCB_NOWAIT) {
            ret = -EAGAIN;
            break;
        }
        mutex_unlock(&r->mutex);
        wait_event_interruptible(r->wait, demo_has_data(r));
        mutex_lock(&r->mutex);
    }
    mutex_unlock(&r->mutex);
    return ret;
}

const struct file_operations demo_fops = {
    .open = demo_open,
    .read_iter = demo_read_iter,
};
"""


def test_a_short_lock_before_a_wait_the_function_guards_itself_is_low(tmp_path):
    """The flag comes from the caller (a FMODE_NOWAIT file's .read_iter) and the
    function takes a mutex before any test, but tests the flag itself where it
    would wait for data (pipe_read()): the lock is the short one around the copy,
    low with the reason. Without that later test the lock stays medium."""
    p = tmp_path / "ring.c"
    p.write_text(_PIPE_LIKE)
    _, found = findings_for_file(p, [RULE], rel="fs/demo/ring.c")
    assert [(f.line, f.confidence) for f in found] == [(13, "low")]
    assert "tests the flag itself" in found[0].evidence[-1].note
    p.write_text(_PIPE_LIKE.replace("if (iocb->ki_flags & IOCB_NOWAIT) {", "if (demo_closed(r)) {"))
    _, found = findings_for_file(p, [RULE], rel="fs/demo/ring.c")
    assert {f.line: f.confidence for f in found}[13] == "medium"   # (and the wait after it)


def test_nowait_in_a_file_that_never_sets_fmode_nowait_is_low(tmp_path):
    """A file whose file_operations never set FMODE_NOWAIT gets IOCB_NOWAIT only
    from io_uring on an O_NONBLOCK open (RWF_NOWAIT and aio are refused): a sleep
    under the flag there is low, and the evidence says why."""
    src = """
static ssize_t demo_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
    struct demo_inode *di = DEMO_I(file_inode(iocb->ki_filp));

    if (iocb->ki_flags & IOCB_NOWAIT) {
        if (demo_busy(di))
            return -EAGAIN;
    }
    mutex_lock(&di->truncate_mutex);
    demo_fill(di, to);
    mutex_unlock(&di->truncate_mutex);
    return 0;
}

const struct file_operations demo_fops = {
    .open = demo_open,
    .read_iter = demo_read_iter,
};
"""
    p = tmp_path / "zone.c"
    p.write_text(src)
    _, found = findings_for_file(p, [RULE], rel="fs/demo/zone.c")
    assert [(f.line, f.confidence) for f in found] == [(10, "low")]
    assert "never set FMODE_NOWAIT" in found[0].evidence[-1].note
    p.write_text(src.replace("const struct file_operations", "static int demo_open(struct inode *i, struct file *f)\n"
                             "{\n    f->f_mode |= FMODE_NOWAIT;\n    return 0;\n}\n\nconst struct file_operations"))
    _, found = findings_for_file(p, [RULE], rel="fs/demo/zone.c")
    assert [(f.line, f.confidence) for f in found] == [(10, "medium")]
