"""Shared helpers for the errpath benchmarks.

* where the kernel sources live (the extracted Debian ``linux-source`` trees and
  the pygit2-built history repo, see ``build_kernel_repo.py``);
* timing a subprocess: wall time + peak RSS (``os.wait4`` rusage of that one
  child, optionally also the sampled peak of the *sum* of RSS over its whole
  process tree, which is what matters for multiprocessing pools);
* median of N runs;
* a machine description for the README tables;
* a host-speed probe: the same fixed CPU work timed before each run, so a
  run on a slow stretch of a shared VM shows up as such instead of as a
  regression (on 2026-11-21 the same code took 21.5 s of CPU in one run and
  28.3 s in another an hour earlier, with nothing else running on the box).

Only the standard library is used here, so the helpers work with any Python.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Sequence

# --------------------------------------------------------------------------
# Kernel versions and locations
# --------------------------------------------------------------------------

#: Default directory holding the .deb files, the ``x-*`` extraction dirs and the repo.
KERNELS_DIR = Path(os.environ.get("ERRPATH_KERNELS_DIR", "/work/kernels"))
#: Default location of the history repo built by ``build_kernel_repo.py`` (bare).
KERNEL_REPO = Path(os.environ.get("ERRPATH_KERNEL_REPO", str(KERNELS_DIR / "repo")))


@dataclass(frozen=True)
class KernelVersion:
    package: str      # Debian binary package, e.g. "linux-source-6.12"
    deb_version: str  # Debian version, e.g. "6.12.107-1~deb12u1"
    kernel: str       # upstream version, e.g. "6.12.107"

    @property
    def tag(self) -> str:
        return "v" + self.kernel

    @property
    def deb_filename(self) -> str:
        # apt-get download names files <pkg>_<version>_<arch>.deb; an epoch
        # colon would be %3a-escaped, but these versions have none.
        return f"{self.package}_{self.deb_version.replace(':', '%3a')}_all.deb"

    @property
    def apt_spec(self) -> str:
        return f"{self.package}={self.deb_version}"

    @property
    def extract_dirname(self) -> str:
        return f"x-{self.package.removeprefix('linux-source-')}_{self.deb_version}"


#: The commits of the history repo, oldest first.
VERSIONS: tuple[KernelVersion, ...] = (
    KernelVersion("linux-source-6.1", "6.1.192-2", "6.1.192"),
    KernelVersion("linux-source-6.12", "6.12.107-1~deb12u1", "6.12.107"),
    KernelVersion("linux-source-6.12", "6.12.117-1~deb12u1", "6.12.117"),
)


#: The Debian updates the real-bug recall benchmark (bench/recall/) mines, oldest first per
#: series: each consecutive pair is one stable update.  Newer ones are kept for an
#: independent check of what the benchmark was tuned on.
RECALL_VERSIONS: tuple[KernelVersion, ...] = (
    KernelVersion("linux-source-6.1", "6.1.170-3", "6.1.170"),
    KernelVersion("linux-source-6.1", "6.1.176-1", "6.1.176"),
    KernelVersion("linux-source-6.1", "6.1.187-1", "6.1.187"),
    KernelVersion("linux-source-6.1", "6.1.190-1", "6.1.190"),
    KernelVersion("linux-source-6.1", "6.1.192-3", "6.1.192"),
    KernelVersion("linux-source-6.12", "6.12.107-1~deb12u1", "6.12.107"),
    KernelVersion("linux-source-6.12", "6.12.111-1~deb12u1", "6.12.111"),
    KernelVersion("linux-source-6.12", "6.12.113-1~deb12u1", "6.12.113"),
    KernelVersion("linux-source-6.12", "6.12.115-2~deb12u1", "6.12.115"),
    KernelVersion("linux-source-6.12", "6.12.117-1~deb12u1", "6.12.117"),
    KernelVersion("linux-source-6.12", "6.12.118-1~deb12u1", "6.12.118"),
)
#: Default location of the recall benchmark's repo: one commit per RECALL_VERSIONS entry.
RECALL_REPO = Path(os.environ.get("ERRPATH_RECALL_REPO", str(KERNELS_DIR / "recall.git")))


def version(kernel: str) -> KernelVersion:
    """Look a version up by its upstream number (``"6.12.117"`` or ``"v6.12.117"``)."""
    kernel = kernel.removeprefix("v")
    for v in VERSIONS:
        if v.kernel == kernel:
            return v
    raise KeyError(f"unknown kernel version {kernel!r}; known: {[v.kernel for v in VERSIONS]}")


def kernel_dir(kernel: str, kernels_dir: Path | str = KERNELS_DIR) -> Path:
    """The extracted source tree of one version, e.g. ``.../x-6.12_6.12.117-1~deb12u1/usr/src/linux-source-6.12``."""
    v = version(kernel)
    d = Path(kernels_dir) / v.extract_dirname / "usr" / "src" / v.package
    if not (d / "Makefile").is_file():
        raise FileNotFoundError(f"{d} is not an extracted kernel tree; run bench/build_kernel_repo.py")
    return d


def kernel_repo(path: Path | str | None = None) -> Path:
    """The history repo (tags v6.1.192, v6.12.107, v6.12.117, branch ``series``)."""
    p = Path(path) if path else KERNEL_REPO
    if not (p / "HEAD").is_file() and not (p / ".git" / "HEAD").is_file():
        raise FileNotFoundError(f"{p} is not a git repo; run bench/build_kernel_repo.py --out {p}")
    return p


# --------------------------------------------------------------------------
# Machine description
# --------------------------------------------------------------------------

def machine_info() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": cpu,
        "mem_gb": mem_gb,
        "python": sys.version.split()[0],
    }


# --------------------------------------------------------------------------
# Timing a subprocess
# --------------------------------------------------------------------------

@dataclass
class RunResult:
    cmd: list[str]
    returncode: int
    wall_s: float            # wall time seen by the parent (includes interpreter start-up)
    user_s: float            # user CPU of the child and its waited-for descendants
    sys_s: float
    maxrss_mb: float         # peak RSS of the largest single process (child or a reaped descendant)
    tree_rss_peak_mb: float | None = None  # sampled peak of the summed RSS of the whole process tree
    others_cpu_s: float | None = None  # CPU the rest of the machine used meanwhile (/proc/stat minus ours)
    stdout: str = field(default="", repr=False)
    stderr: str = field(default="", repr=False)

    def as_dict(self) -> dict:
        d = asdict(self)
        d.pop("stdout")
        d.pop("stderr")
        return d


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    out.extend(int(x) for x in f.read().split())
            except OSError:
                pass
    except OSError:
        pass
    return out


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kb(pid: int) -> int:
    """Current summed RSS of ``pid`` and all its descendants (kB). Shared pages are counted per process."""
    total, stack, seen = 0, [pid], set()
    while stack:
        p = stack.pop()
        if p in seen:
            continue
        seen.add(p)
        total += _rss_kb(p)
        stack.extend(_children(p))
    return total


_CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _busy_ticks() -> int | None:
    """Non-idle CPU ticks of the whole machine so far (None without /proc)."""
    try:
        total, idle = _cpu_times()
    except OSError:
        return None
    return total - idle


def _renice_self(nice: int) -> None:
    """In a forked child before exec: own session + autogroup, at ``nice``."""
    os.setsid()
    try:
        with open("/proc/self/autogroup", "w") as f:
            f.write(str(nice))
    except OSError:
        pass  # no autogroup support, or not allowed: the plain nice value below still applies
    os.setpriority(os.PRIO_PROCESS, 0, nice)


def time_subprocess(cmd: Sequence[str], *, cwd: str | Path | None = None, env: dict | None = None,
                    sample_tree_rss: bool = True, sample_interval: float = 0.05,
                    check: bool = False, timeout: float | None = None,
                    nice: int | None = None) -> RunResult:
    """Run ``cmd`` and measure it.

    Wall time is measured around the child; CPU and ``maxrss`` come from
    ``os.wait4`` on that child, i.e. they cover the child and every
    descendant it waited for (multiprocessing pool workers are), and
    ``maxrss`` is the *largest single* process, not a sum.  With
    ``sample_tree_rss`` a thread polls ``/proc`` and records the peak of the
    summed RSS of the whole tree (misses spikes shorter than the interval).
    ``others_cpu_s`` is the CPU time the *rest* of the machine used during the
    run (from /proc/stat; includes the sampler thread, a few ms): on a shared
    box, a run with ``others_cpu_s`` above ~5% of the wall time was disturbed.
    ``nice`` starts the child in a new session, sets that session's autogroup
    nice (with ``kernel.sched_autogroup_enabled=1`` the scheduler shares CPU
    between sessions first, so a plain nice value does nothing against other
    sessions) and the child's own nice; ``-20`` (root only) gives it most of
    the CPU against a handful of nice-0 jobs.
    """
    cmd = [str(c) for c in cmd]
    busy0 = _busy_ticks()
    t0 = time.perf_counter()
    preexec = (lambda: _renice_self(nice)) if nice is not None else None
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         preexec_fn=preexec)
    bufs: dict[str, bytes] = {}

    def drain(name: str, stream) -> None:
        bufs[name] = stream.read()

    readers = [threading.Thread(target=drain, args=("out", p.stdout), daemon=True),
               threading.Thread(target=drain, args=("err", p.stderr), daemon=True)]
    for t in readers:
        t.start()

    peak = [0]
    done = threading.Event()

    def sampler() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss_kb(p.pid))
            done.wait(sample_interval)

    st = threading.Thread(target=sampler, daemon=True) if sample_tree_rss else None
    if st:
        st.start()

    if timeout is not None:
        killer = threading.Timer(timeout, p.kill)
        killer.start()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    busy1 = _busy_ticks()
    if timeout is not None:
        killer.cancel()
    done.set()
    if st:
        st.join()
    p.returncode = os.waitstatus_to_exitcode(status)  # tell Popen it has been reaped
    for t in readers:
        t.join()
    res = RunResult(
        cmd=cmd, returncode=p.returncode, wall_s=wall, user_s=ru.ru_utime, sys_s=ru.ru_stime,
        maxrss_mb=ru.ru_maxrss / 1024,  # Linux reports kB
        tree_rss_peak_mb=(peak[0] / 1024) if sample_tree_rss else None,
        others_cpu_s=(None if busy0 is None or busy1 is None else
                      max(0.0, (busy1 - busy0) / _CLK_TCK - ru.ru_utime - ru.ru_stime)),
        stdout=bufs.get("out", b"").decode("utf-8", "replace"),
        stderr=bufs.get("err", b"").decode("utf-8", "replace"),
    )
    if check and res.returncode != 0:
        raise subprocess.CalledProcessError(res.returncode, cmd, res.stdout, res.stderr)
    return res


# --------------------------------------------------------------------------
# How fast the host is right now
# --------------------------------------------------------------------------

_PROBE_TEXT = "\n".join(
    f"static int f{i}(struct s *p, int n) {{ for (i = 0; i < n; i += p->len[{i % 7}]) x{i} = y + {i}; }}"
    for i in range(3000))
_PROBE_WORD = __import__("re").compile(r"[A-Za-z_]\w*")


def _probe_once() -> float:
    """CPU seconds of a fixed mix like errpath's own: regex tokenising, dicts and
    tuples, sorting, zlib (memory-bound C)."""
    import zlib
    t0 = time.process_time()
    counts: dict = {}
    for w in _PROBE_WORD.findall(_PROBE_TEXT):
        counts[w] = counts.get(w, 0) + 1
    pairs = sorted(((v, k) for k, v in counts.items()), reverse=True)
    frozen = {frozenset(_PROBE_WORD.findall(line)) for line in _PROBE_TEXT.splitlines()}
    zlib.compress(_PROBE_TEXT.encode() * 4, 6)
    del pairs, frozen
    return time.process_time() - t0


def host_probe(repeat: int = 5) -> float:
    """The fastest of `repeat` timings of the same fixed work (about 0.05 s each):
    compare it between runs of one benchmark; 10 % more means the host was 10 %
    slower for that run, whatever the code under test did."""
    return min(_probe_once() for _ in range(repeat))


# --------------------------------------------------------------------------
# Waiting for a quiet machine (the bench box is shared)
# --------------------------------------------------------------------------

def _cpu_times() -> tuple[int, int]:
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + (v[4] if len(v) > 4 else 0)  # idle + iowait
    return sum(v[:8]), idle


def busy_fraction(window: float = 1.0) -> float:
    """Fraction of all CPUs busy over the next ``window`` seconds (from /proc/stat)."""
    t0, i0 = _cpu_times()
    time.sleep(window)
    t1, i1 = _cpu_times()
    return 1.0 - (i1 - i0) / max(1, t1 - t0)


def wait_for_idle(max_busy: float = 0.10, window: float = 2.0, timeout: float = 600.0,
                  quiet: bool = False) -> float:
    """Block until the machine is at most ``max_busy`` busy over ``window`` s (or ``timeout``).

    Returns the last busy fraction seen (so callers can record how quiet it was)."""
    deadline = time.monotonic() + timeout
    while True:
        b = busy_fraction(window)
        if b <= max_busy or time.monotonic() >= deadline:
            return b
        if not quiet:
            print(f"[bench] machine {b:.0%} busy, waiting...", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Repetition
# --------------------------------------------------------------------------

def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def median_of(n: int, fn: Callable[[], float], warmup: int = 0) -> tuple[float, list[float]]:
    """Call ``fn`` (returning seconds) ``warmup`` + ``n`` times; return (median, the n samples)."""
    for _ in range(warmup):
        fn()
    samples = [fn() for _ in range(n)]
    return statistics.median(samples), samples


def median_run(cmd: Sequence[str], n: int = 3, warmup: int = 0, key: str = "wall_s",
               idle: float | None = None, clean: float | None = None, max_attempts: int | None = None,
               **kw) -> tuple[RunResult, list[RunResult]]:
    """Run ``cmd`` ``warmup`` + ``n`` times; return (the run with the median ``key``, the n runs kept).

    Every measured run must succeed (``check=True``).  For a shared machine:
    with ``idle`` (e.g. 0.1) each run first waits until the machine is at most
    that busy; with ``clean`` (e.g. 0.05) a run is discarded and repeated when
    the rest of the machine used more than ``clean`` x wall seconds of CPU
    during it (up to ``max_attempts`` runs in all, default 5n; if that is hit
    the least disturbed runs are kept)."""
    for _ in range(warmup):
        time_subprocess(cmd, check=True, sample_tree_rss=False, **kw)
    attempts = max_attempts or 5 * n
    kept: list[RunResult] = []
    tried: list[RunResult] = []
    while len(kept) < n and len(tried) < attempts:
        if idle is not None:
            wait_for_idle(idle, quiet=True)
        r = time_subprocess(cmd, check=True, **kw)
        tried.append(r)
        if clean is None or r.others_cpu_s is None or r.others_cpu_s <= clean * r.wall_s:
            kept.append(r)
    if len(kept) < n:
        kept = sorted(tried, key=lambda r: (r.others_cpu_s or 0.0) / r.wall_s)[:n]
    runs = kept
    ordered = sorted(runs, key=lambda r: getattr(r, key))
    return ordered[(len(ordered) - 1) // 2], runs


def fmt_bytes(n: int | float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1000 or unit == "GB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1000
    return f"{n:.1f} GB"


def du_bytes(path: Path | str) -> int:
    """Disk usage of a directory tree (allocated blocks, like ``du -s``)."""
    total = 0
    for root, dirs, files in os.walk(path):
        for name in files + dirs:
            try:
                st = os.lstat(os.path.join(root, name))
            except OSError:
                continue
            total += st.st_blocks * 512
    return total


def main(argv: list[str] | None = None) -> int:
    """``python bench/common.py [-n N] [--warmup W] [--idle F] [--json] -- CMD ARGS...``

    Times CMD N times and prints the median run's wall time, CPU and RSS."""
    import argparse
    import json
    ap = argparse.ArgumentParser(prog="bench/common.py", description=main.__doc__)
    ap.add_argument("-n", type=int, default=3, help="measured runs (default 3)")
    ap.add_argument("--warmup", type=int, default=1, help="unmeasured runs first (default 1)")
    ap.add_argument("--idle", type=float, default=None,
                    help="before each run wait until the machine is at most this busy (e.g. 0.1)")
    ap.add_argument("--clean", type=float, default=None,
                    help="repeat runs during which the rest of the machine used > CLEAN x wall s of CPU")
    ap.add_argument("--nice", type=int, default=None,
                    help="run the command at this nice value (-20 as root: near-exclusive CPU on a busy box)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args(argv)
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    if not cmd:
        ap.error("no command")
    med, runs = median_run(cmd, n=a.n, warmup=a.warmup, idle=a.idle, clean=a.clean,
                           nice=a.nice)
    out = med.as_dict() | {"walls": [round(r.wall_s, 3) for r in runs], "machine": machine_info(),
                           "stdout_tail": med.stdout.strip().splitlines()[-1:]}
    if a.json:
        print(json.dumps(out))
    else:
        print(f"median of {a.n}: {med.wall_s:.2f} s wall (runs {out['walls']}), "
              f"{med.user_s + med.sys_s:.2f} s CPU, max RSS {med.maxrss_mb:.0f} MB, "
              f"tree RSS peak {med.tree_rss_peak_mb or 0:.0f} MB, others' CPU {med.others_cpu_s or 0:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
