"""zero-step-loop: how sure a finding is, as a user filtering on confidence sees it."""
from __future__ import annotations

from pathlib import Path

from errpath.rules import load_rules
from rulecheck import findings_for_file

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "zero-step-loop"
RULE = next(r for r in load_rules() if r.id == "zero-step-loop")


def test_rounding_down_to_a_fixed_multiple_is_low_and_to_a_runtime_one_medium():
    _, fixed = findings_for_file(FIX / "bad_constant_multiple.c", [RULE])
    assert sorted((f.function, f.confidence) for f in fixed) == [
        ("dma_fill_segments", "low"), ("spi_send_chunks", "low")]
    assert any("multiple of 2, 0 for a value below it" in f.message for f in fixed)
    assert any("multiple of 1 << align" in f.message for f in fixed)
    _, seed = findings_for_file(FIX / "bad_discard_split.c", [RULE])
    split = [f for f in seed if f.function == "split_discard"]
    assert split and all(f.confidence == "medium" for f in split)
    assert "runtime value" in split[0].message


def test_a_logical_not_step_of_a_two_level_cursor_is_low():
    _, found = findings_for_file(FIX / "bad_two_level_cursor.c", [RULE])
    assert [(f.function, f.confidence) for f in found] == [("pin_chunks", "low")]
    assert "logical not" in found[0].message


def test_progress_made_by_a_callee_through_a_pointer_argument():
    """Seed 001 as Linux 6.12 writes it: the callee cuts `*left` and returns NULL only
    when an allocation fails; with `if (!n) return NULL;` the loop ends with the work."""
    _, found = findings_for_file(FIX / "bad_callee_pointer_progress.c", [RULE])
    [f] = found
    assert (f.function, f.confidence) == ("cut_pieces", "medium")
    assert "next_piece() steps '*left'" in f.message and "min() with '*left' itself" in f.message
    assert any("ends the loop, not on the progress: return NULL;" in e.note for e in f.evidence)
    _, quiet = findings_for_file(FIX / "good_callee_pointer_progress.c", [RULE])
    assert quiet == []


def test_a_zero_multiple_the_caller_rejected_on_the_way_is_low():
    """round_down(UINT_MAX, g) is 0 only for g == 0: a caller that returned on `!g`
    before the loop (6.1's __blkdev_issue_discard and its discard granularity)
    keeps the finding below the default; a caller that never tested it does not."""
    _, found = findings_for_file(FIX / "bad_multiple_checked_by_caller.c", [RULE])
    by_fn = {f.function: f for f in found}
    assert by_fn["trim_checked"].confidence == "low"
    assert "0 only when dev_granule(d) is, which is tested nonzero on the way" in by_fn["trim_checked"].message
    assert by_fn["trim_unchecked"].confidence == "medium"
    # a helper handed the position the loop advances reads no record: still low (6.1's seed 001 file)
    assert by_fn["trim_checked_at"].confidence == "low"
    assert "tested nonzero on the way" in by_fn["trim_checked_at"].message


def test_forever_loops_and_do_while_walks_are_medium():
    _, found = findings_for_file(FIX / "bad_forever_exit_in_body.c", [RULE])
    assert sorted((f.function, f.confidence) for f in found) == [
        ("scan_blob", "medium"), ("scan_blob_do", "medium"), ("scan_blob_while", "medium")]


def test_a_field_the_file_checks_where_records_come_in_is_low():
    """netfilter's copy_entries_to_user() walks entries whose next_offset
    check_entry_size_and_hooks() checked when the table was loaded."""
    _, found = findings_for_file(FIX / "bad_checked_in_file.c", [RULE])
    by_fn = {f.function: f for f in found}
    assert {k: f.confidence for k, f in by_fn.items()} == {"dump_entries": "low", "next_option": "low"}
    assert "check_entry() in the same file checks 'e->next_offset' against a minimum" in by_fn["dump_entries"].message
    # ndisc's shape: `l = o->olen << 3; if (l == 0) return -EINVAL;` where the packet came in
    assert "parse_options() in the same file checks 'cur->olen'" in by_fn["next_option"].message


def test_a_multiple_narrowed_to_unsigned_short_can_be_0():
    """The demo's (and seed 001's story's) queue_logical_block_size() returns an
    int as unsigned short; Linux 6.1's returns unsigned int, never 0."""
    _, found = findings_for_file(FIX / "bad_narrowed_multiple.c", [RULE])
    assert {f.function: f.confidence for f in found} == {"erase_short": "medium", "erase_wide": "low"}


def test_a_walk_that_runs_only_at_init_is_low_and_says_why():
    """A zero-length record in a boot-time firmware table needs broken firmware (TP-latent);
    the same walk over data a device sends at run time stays at the default confidence."""
    from pathlib import Path
    from errpath.rules import load_rules
    from rulecheck import findings_for_file
    rule = {r.id: r for r in load_rules()}["zero-step-loop"]
    path = Path(__file__).resolve().parent.parent / "fixtures" / "zero-step-loop" / "bad_init_only_table_walk.c"
    _, found = findings_for_file(path, [rule])
    by_fn = {f.function: f for f in found}
    assert by_fn["dev_rx_complete"].confidence == "medium"
    init = by_fn["table_parse"]
    assert init.confidence == "low"
    assert any(e.note.startswith("low: ") and "broken firmware or hardware at init" in e.note for e in init.evidence)


def _findings_of_files(paths, rel_dir="net/tbl"):
    """Like findings_for_file, for several files in one index (the first is reported)."""
    from errpath.pipeline.engine import Engine
    from errpath.pipeline.blob import analyse_blob
    from errpath.facts.index import FactsIndex
    from errpath import analysis as summary
    analyses = [analyse_blob(f"{rel_dir}/{p.name}", p.read_bytes(), None) for p in paths]
    functions = [f for a in analyses for f in a.functions]
    index = FactsIndex(functions, in_scope={f"{rel_dir}/{paths[0].name}"})
    index.summaries = summary.build(index)
    engine = Engine.__new__(Engine)
    engine.rules = [RULE]
    found, errors = Engine.run_rules(engine, index, index.functions_in_scope())
    assert not errors
    return found


def test_a_verifier_in_another_file_that_this_file_calls_makes_a_walk_low():
    """netfilter's shape: ip_tables.c walks match sizes that xt_check_entry_match()
    (x_tables.c, reached through a function ip_tables.c calls) checked at load time.
    Without the other file, or for a struct the verifier does not check, it stays medium."""
    walk, core = FIX / "verifier" / "rules_walk.c", FIX / "verifier" / "table_core.c"
    by_fn = {f.function: f for f in _findings_of_files([walk, core])}
    assert by_fn["copy_matches"].confidence == "low"
    assert ("table_check_match() (net/tbl/table_core.c), which this file calls (load_entry() -> "
            "table_check_offsets() -> table_check_match()), checks 'pos->u.match_size' of struct rule_match"
            in by_fn["copy_matches"].message)
    assert by_fn["copy_events"].confidence == "medium"
    alone = {f.function: f.confidence for f in _findings_of_files([walk])}
    assert alone == {"copy_matches": "medium", "copy_events": "medium"}


def test_new_walk_shapes_are_medium_and_say_why():
    """Index cursors (`i += buf[i]`), u8 sums that wrap, helpers returning the cursor
    advanced, and a lookup called with arguments the loop never changes."""
    expect = {
        "bad_index_cursor.c": {"count_elements": "step 'buf[i]' can be 0", "parse_descs": "step 'dlen' can be 0",
                               "apply_cfg": "step 'l' can be 0",
                               "apply_cfg_helper": "cfg_rec_len() returns a length read from the record it is handed"},
        "bad_narrow_length_wraps.c": {"send_config_records": "'plen' is a u8: the sum wraps to 0 for a value of 0xff"},
        "bad_next_position_helper.c": {"dev_handle_reply": "next_rec() returns 'r' advanced by 'le16_to_cpu(r->len)'"},
        "bad_same_call_every_time.c": {"merge_profile": "calls find_continuation(ie, ielen, outer, sub) with "
                                                        "arguments the loop never changes"},
    }
    for name, by_fn in expect.items():
        _, found = findings_for_file(FIX / name, [RULE])
        got = {f.function: f for f in found}
        assert set(got) == set(by_fn), name
        for fn, text in by_fn.items():
            assert got[fn].confidence == "medium" and text in got[fn].message, (name, got[fn].message)


def test_align_down_to_a_multiple_not_shown_to_be_0_is_low():
    """talitos' `ALIGN_DOWN(desc_max, blocksize)`: 0 only for a block size of 0 or above
    desc_max, which nothing shows; a multiple from a helper that returns 0 stays medium."""
    _, found = findings_for_file(FIX / "bad_align_down_runtime.c", [RULE])
    assert {f.function: f.confidence for f in found} == {"push_units": "medium", "hash_blocks": "low"}


def test_a_minimum_held_in_a_local_validates_and_makes_the_other_walk_low():
    # bc_audit() rejects `op->no < min_len` with min_len = sizeof(struct bc_op) (+ more):
    # its own walk is quiet, and the run-time walk of the same ops is low, naming it
    found = findings_for_file(FIX / "bad_checked_against_local_minimum.c", [RULE])[1]
    assert {f.function for f in found} == {"bc_run"}
    assert all(f.confidence == "low" and "bc_audit()" in f.message for f in found)


def test_a_count_helper_of_the_same_driver_tested_for_an_error_only_is_medium():
    """The helper that returns an error, a count, or 0 at the end of the data sits in
    the driver's other file (its directory): the loop that tests it for a negative
    error only forgot the 0, as with a helper of its own file. A helper of another
    subsystem (another directory) stays low: its 0 is often one its arguments exclude."""
    from errpath.pipeline.engine import Engine
    from errpath.pipeline.blob import analyse_blob
    from errpath.facts.index import FactsIndex
    from errpath import analysis as summary

    def run(core_dir):
        read, core = FIX / "driver" / "fw_read.c", FIX / "driver" / "fw_core.c"
        analyses = [analyse_blob(f"drivers/misc/fw/{read.name}", read.read_bytes(), None),
                    analyse_blob(f"{core_dir}/{core.name}", core.read_bytes(), None)]
        index = FactsIndex([f for a in analyses for f in a.functions], in_scope={f"drivers/misc/fw/{read.name}"})
        index.summaries = summary.build(index)
        engine = Engine.__new__(Engine)
        engine.rules = [RULE]
        found, errors = Engine.run_rules(engine, index, index.functions_in_scope())
        assert not errors
        return [(f.function, f.line, f.confidence) for f in found]

    assert run("drivers/misc/fw") == [("fw_dev_read", 31, "medium")]
    assert run("lib/fwcore") == [("fw_dev_read", 31, "low")]


def test_a_helper_whose_zero_is_the_start_of_its_sum_stays_low():
    """`for (total = 0; msg_data_left(msg); total += n)` ... `return total;` is 0 only
    when asked for nothing, which the loop's `remaining > 0` may well exclude: not the
    "nothing more" 0 of `ret = 0;` at the end of the data, so low even when the loop
    tests the result for a negative error only."""
    _, found = findings_for_file(FIX / "driver" / "sum_start.c", [RULE])
    assert [(f.function, f.confidence) for f in found] == [("sock_discard", "low")]


def test_a_poll_loop_that_leaves_on_a_signal_or_a_reschedule_stays_low():
    """`if (need_resched()) break;` in the loop: it polls for completions and a 0 is
    "none yet", retried by design (io_uring's iopoll wait), so the error-tested-only
    count is no forgotten 0 there."""
    _, found = findings_for_file(FIX / "driver" / "poll_wait.c", [RULE])
    assert [(f.function, f.confidence) for f in found] == [("pollq_wait", "low")]
