"""missing-error-code beyond the fixture marks: what the message tells the
developer to write, and the evidence of where the 0 came from."""
from __future__ import annotations

from pathlib import Path

from errpath.rules import load_rules
from rulecheck import findings_for_file

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "missing-error-code"
RULE = {r.id: r for r in load_rules()}["missing-error-code"]


def _by_line():
    _, found = findings_for_file(FIX / "bad_bind_status_zero.c", [RULE])
    return {f.line: f for f in found}


def test_message_names_the_fix_for_null_and_error_pointers():
    f = _by_line()
    assert f[26].message.endswith("set status = -ENOMEM before 'goto fail'")
    assert f[95].message.endswith("set err = PTR_ERR(ctx) before 'goto out_power'")
    assert f[67].message.endswith("set ret = -ENOMEM before 'break'")


def test_evidence_shows_where_the_zero_came_from_and_the_return():
    f = _by_line()
    notes = [(e.line, e.note) for e in f[26].evidence]
    assert notes[0] == (20, "'status' is 0 after this test: (status)")
    assert notes[-1] == (38, "returns 'status': return status;")
    assert f[61].evidence[0].note == "'ret' set to 0 here: ret = 0;"


def test_helper_whose_null_is_an_allocation_failure_counts():
    f = _by_line()[134]
    assert "demo_alloc_req() fails" in f.message and f.function == "loop_bind"


def test_functions_that_cannot_trigger_it_keep_their_cfg_unbuilt(tmp_path):
    """Light facts decide first: no errno anywhere, or no failed call to test, and
    the CFG is never built; the near-miss with both is still checked and found."""
    src = tmp_path / "light.c"
    src.write_text("""
int no_errno(struct dev *d)
{
	int ret = 0;
	d->buf = kmalloc(16, GFP_KERNEL);
	if (!d->buf)
		goto out;
	ret = setup(d);
out:
	return ret;
}

int no_failed_call(struct dev *d)
{
	int ret = 0;
	if (!d->ready)
		goto out;
	ret = -EINVAL;
out:
	return ret;
}

int both(struct dev *d)
{
	int ret;
	if (!d->ready) {
		ret = -ENODEV;
		goto out;
	}
	ret = setup(d);
	if (ret)
		goto out;
	d->buf = kmalloc(16, GFP_KERNEL);
	if (!d->buf)
		goto out;
	return 0;
out:
	return ret;
}

int literal(struct dev *d)
{
	int ret;
	if (!d->ready) {
		ret = -1;
		goto out;
	}
	ret = setup(d);
	if (ret)
		goto out;
	d->buf = kmalloc(16, GFP_KERNEL);
	if (!d->buf)
		goto out;
	return 0;
out:
	return ret;
}
""")
    from errpath.facts.index import FactsIndex
    from errpath.pipeline.blob import analyse_blob
    from errpath.rules import RuleContext
    fns = {f.name: f for f in analyse_blob("light.c", src.read_bytes(), None).functions}
    ctx = RuleContext(FactsIndex(fns.values()))
    found = {name: list(RULE.check(fn, ctx)) for name, fn in fns.items() if RULE.applies_to(fn)}
    assert not fns["no_errno"]._live and not fns["no_failed_call"]._live
    assert found["no_errno"] == [] and found["no_failed_call"] == []
    assert [f.function for f in found["both"] + found["literal"]] == ["both", "literal"]


def test_a_reset_to_zero_before_an_is_err_or_null_lookup_is_low():
    """`rc = -EFAULT; ... rc = 0; p = lookup(); if (IS_ERR_OR_NULL(p)) goto out;`
    is a deliberate switch to success (s390 gmap_destroy_page on 6.1); the
    same reset before an IS_ERR() test keeps the rule's confidence."""
    found = {f.function: f for f in _by_line().values()}
    low = found["demo_destroy_page"]
    assert low.confidence == "low"
    assert "replaced an errno" in low.evidence[-1].note
    assert found["demo_export_page"].confidence == "medium"
    assert found["sink_bind"].confidence == "medium"


def test_lost_and_overwritten_errnos_are_medium_only_with_the_evidence_of_a_bug(tmp_path):
    """Judged blind on a whole kernel, about half of the lost/clobbered shapes were
    deliberate (callers that ignore the value, best-effort steps, the same errno
    twice). At the default only with the evidence: a caller reads the result (or
    fn hands errnos up on its other paths), the failure is the callee's own, the
    branch does not warn that it goes on; otherwise low, saying why."""
    _, found = findings_for_file(FIX / "bad_lost_errno.c", [RULE])
    # a call's failure lost on the way out: low even with a caller that reads the result
    # (judged blind on 6.12.117: 3 TP / 5 TP-latent / 17 FP of 25), saying why
    lost = [f for f in found if f.names[-1] == "lost"]
    assert lost and {f.confidence for f in lost} == {"low"}
    assert all(any(e.note.startswith("low: a call's failure reaching a return of 0") for e in f.evidence)
               for f in lost)
    # an errno constant set on the failure branch and dropped on the way out stays medium
    assert {f.confidence for f in found if f.names[-1] == "clobbered"} == {"medium"}
    _, found = findings_for_file(FIX / "bad_clobbered_errno.c", [RULE])
    # prototypes only: the callees' failures are presumed, not known
    assert found and {f.confidence for f in found} == {"low"}
    assert all(any(e.note.startswith("low: a lost or overwritten errno") for e in f.evidence) for f in found)
    old_shape = _by_line()
    assert old_shape[26].confidence == old_shape[95].confidence == "medium"
    src = tmp_path / "tiers.c"
    src.write_text("""
int part_write(struct part *p, int reg, int val)
{
	if (reg > 16)
		return -EINVAL;
	return p->bus(p, reg, val);
}

static int part_flush(struct part *p)
{
	int ret;

	if (!p->dev)
		return -ENODEV;
	lock(p);
	ret = part_write(p, 1, 0);
	if (ret)
		goto out;
	p->dirty = 0;
out:
	unlock(p);
	return 0;
}

static int part_tune(struct part *p)
{
	int ret;

	lock(p);
	ret = part_write(p, 2, 1);
	if (ret) {
		dev_warn(p->dev, "no tuning, going on without it\n");
		goto out;
	}
	p->tuned = 1;
out:
	unlock(p);
	return 0;
}

int part_start(struct part *p)
{
	int ret;

	ret = part_write(p, 3, 1);
	ret = part_write(p, 4, 1);
	return ret;
}

long part_read(struct part *p, char *ubuf)
{
	long ret;

	if (!p->on)
		return -EINVAL;
	ret = copy_to_user(ubuf, p->buf, 4);
	ret = 4;
	return ret;
}

int part_stop(struct part *p)
{
	int ret;

	ret = -EINVAL;
	if (!p->on)
		return ret;
	ret = -EINVAL;
	return part_write(p, 5, 0) ? ret : 0;
}

void part_sync(struct part *p)
{
	part_flush(p);
}

int part_open(struct part *p)
{
	int ret = part_tune(p);
	if (ret)
		return ret;
	return part_start(p);
}
""")
    _, found = findings_for_file(src, [RULE])
    by_fn = {f.function: f for f in found}
    # the only caller drops part_flush()'s result: a lost errno changes nothing there
    assert by_fn["part_flush"].confidence == "low"
    # a warning says the step is optional
    assert by_fn["part_tune"].confidence == "low"
    # `ret = write(a); ret = write(b);`: the first error ignored, judged latent at best
    assert by_fn["part_start"].confidence == "low"
    # a known failure overwritten in straight line by a constant, in a function that
    # returns errnos: the copy's fault is reported as success
    assert by_fn["part_read"].confidence == "medium"
    # the same errno assigned twice loses nothing
    assert "part_stop" not in by_fn


def test_failure_branches_into_an_error_label_by_evidence():
    """A call's failure (tested in the condition or stored in another variable) or an
    error message on the branch: low with the judged reason; a lookup's miss into a label whose other gotos
    set an errno: low, with the reason."""
    _, found = findings_for_file(FIX / "bad_failure_to_error_label.c", [RULE])
    by_fn = {}
    for f in found:
        by_fn.setdefault(f.function, set()).add(f.confidence)
    # a call's failure or an error message into the label: low since the blind judgement
    # of 6.12.117 (deliberate zeros look the same), with that reason
    assert by_fn == {"pool_map_range": {"low"}, "chan_open": {"low"}, "chan_bind_node": {"low"}}
    assert all(any(e.note.startswith("low: a call's failure reaching a return of 0") for e in f.evidence)
               for f in found if f.function != "chan_bind_node")
    miss = next(f for f in found if f.function == "chan_bind_node")
    assert any(e.note.startswith("another goto to the same label sets an errno first") for e in miss.evidence)
    assert "chan_find_node() finds nothing" in miss.message


def test_tools_samples_and_tests_are_low():
    """A lost error in user-space tools, samples or in-kernel tests fails a run, not a
    caller: every shape is low there, with the reason."""
    for rel in ("tools/perf/x.c", "samples/bpf/x.c", "drivers/gpu/selftests/x.c"):
        _, found = findings_for_file(FIX / "bad_lost_errno.c", [RULE], rel=rel)
        assert found and {f.confidence for f in found} == {"low"}, rel
        assert any(any(e.note.startswith("low: user-space tools") for e in f.evidence) for f in found)


def test_the_run_out_counter_message_spells_the_loop_as_the_code_does():
    """`} while (timeout--);` is named as a do-while, `while (retries--)` as a while."""
    _, found = findings_for_file(FIX / "bad_do_while_counter_runs_out.c", [RULE])
    do_while = [f for f in found if "post-decrement" in str(f.evidence) or "runs out" in f.message]
    assert do_while and all("`do ... while (" in f.message and "--);`" in f.message for f in do_while)
    _, found = findings_for_file(FIX / "bad_recall_poll_counter_runs_out.c", [RULE])
    plain = [f for f in found if "runs out" in f.message]
    assert plain and all("`while (" in f.message and "`do" not in f.message for f in plain)


def test_a_silent_failure_among_propagated_ones_is_default_and_says_why():
    """The function hands its other failures up; the silent branch is medium with
    the evidence naming them, the logged and commented forms of the same branch low."""
    _, found = findings_for_file(FIX / "bad_silent_failure_among_propagated.c", [RULE])
    by = {f.function: f for f in found}
    for name in ("vol_grow", "vol_shrink"):
        assert by[name].confidence == "medium"
        assert any("hands every other failure up" in e.note and "alone leaves with 0" in e.note
                   for e in by[name].evidence)
    for name in ("vol_shrink_logged", "vol_shrink_commented"):
        assert by[name].confidence == "low"
        assert not any("hands every other failure up" in e.note for e in by[name].evidence)


def test_an_errno_overwritten_under_the_label_names_the_overwrite_and_the_return():
    _, found = findings_for_file(FIX / "bad_errno_overwritten_on_the_way_out.c", [RULE])
    f = next(f for f in found if f.function == "card_update")
    notes = [e.note for e in f.evidence]
    assert "'ret' overwritten: ret = card_finish(c);" in notes
    assert "returns 'ret': return ret;" in notes
    assert "overwrites it at line" in f.message and "card_cmd() fails here" in f.message


def test_an_id_stored_through_an_out_parameter_is_a_value_not_a_zero():
    """slot_new_id() returns an errno or the id xa_alloc() stored through &id:
    after `if (ret < 0) return ret;` ret holds that id, and the message says so
    (not "still 0")."""
    _, found = findings_for_file(FIX / "bad_id_helper_holds_an_id.c", [RULE])
    (f,) = found
    assert f.message.startswith("'ret' holds a count, an id or a status, not an error, when kzalloc() fails")
    assert f.evidence[0].note == ("'ret' is not negative (a count, an id or a status from slot_new_id()) "
                                  "after this test: (ret < 0)")


def test_a_failure_answered_with_return_0_names_the_fix_and_ranks_by_evidence():
    """`if (!p) return 0;` and its kin: the message names what to return, the
    evidence the other failures the function hands up; the logged, commented and
    lone forms stay below the default, each saying why."""
    _, found = findings_for_file(FIX / "bad_failure_returns_zero_directly.c", [RULE])
    by = {f.function: f for f in found}
    assert by["hub_probe"].message.endswith("return -ENOMEM")
    assert by["hub_attach"].message.endswith("return PTR_ERR(n)")
    assert by["hub_rescan"].message.endswith("return rc")
    for name in ("hub_probe", "hub_grow", "hub_bind"):
        assert by[name].confidence == "medium", name
        assert any(e.note.startswith("the function hands its other failures up") for e in by[name].evidence)
    why = {"hub_logged": "", "hub_commented": "low: a comment", "hub_write_bits": "low: no other failure",
           "hub_resume": "low: the result is tested as yes or no", "hub_attach": "low: an errno or an error",
           "hub_start": "low: an errno or an error", "hub_rescan": "low: an errno or an error"}
    for name, note in why.items():
        assert by[name].confidence == "low", name
        assert any(e.note.startswith(note or "low:") for e in by[name].evidence), name


def test_a_failure_answered_with_0_is_default_only_against_a_unanimous_consensus(tmp_path):
    """The callers' consensus promotes a 0 answer only when no other failure
    branch of the same callee answers 0 too: a second function that also
    leaves link_send()'s failure with 0 makes 0 a convention, and both stay low."""
    src = (FIX / "bad_failure_zero_against_callers_consensus.c").read_text()
    _, found = findings_for_file(FIX / "bad_failure_zero_against_callers_consensus.c", [RULE])
    config = [f for f in found if f.function == "link_config"]
    assert [f.confidence for f in config] == ["low"]    # a direct `return 0;` stays low
    restart = [f for f in found if f.function == "link_restart"]
    assert [f.confidence for f in restart] == ["medium"]
    assert any("every other failure branch of link_send() in view hands the failure up (2 of them)" in e.note
               for e in config[0].evidence)
    p = tmp_path / "consensus_split.c"
    p.write_text(src + """
static int link_poke(struct link *l)
{
	int err;

	err = link_reset(l);
	if (err)
		return err;
	err = link_send(l, "!", 1);
	if (err)
		return 0;
	return link_recv(l, 0, 0);
}
""")
    _, found = findings_for_file(p, [RULE])
    by_fn = {f.function: f.confidence for f in found if "link_send() fails" in f.message}
    assert by_fn == {"link_config": "low", "link_poke": "low"}
    assert not any("every other failure branch of link_send()" in e.note for f in found
                   if f.function == "link_config" for e in f.evidence)
