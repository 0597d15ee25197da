"""The benchmark table says when the host itself changed speed during a bench:
on a shared VM the same code can take 30 % more CPU an hour later, and a reader
would take that for a regression."""
import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _run_all():
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location("bench_run_all", BENCH / "run_all.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod
    finally:
        sys.path.remove(str(BENCH))


def _result(slowdowns):
    runs = {f"run {i}": {"wall_s": 10.0, "cpu_s": 19.0, "tree_rss_peak_mb": 100, "others_cpu_s": 0.1,
                         "host_slowdown": s} for i, s in enumerate(slowdowns)}
    return {"machine": {"nproc": 2, "cpu": "test", "mem_gb": 1, "python": "3"}, "load_start": "0",
            "load_end": "0", "nice": None, "goals": [], "runs": runs,
            "host_slowdown_range": [min(slowdowns), max(slowdowns)]}


def test_a_host_that_slowed_down_during_the_bench_is_called_out(capsys):
    _run_all().print_table(_result([1.0, 1.02, 1.31]))
    out = capsys.readouterr().out
    assert "host's speed varied by 31%" in out
    assert "1.31" in out.splitlines()[-3]  # the slow run's own row says so


def test_a_steady_host_gives_no_warning(capsys):
    _run_all().print_table(_result([1.0, 0.97, 1.04]))
    assert "varied" not in capsys.readouterr().out

