"""Per-VM statistics and the trace buffer (docs/debugging.md).

tests/guests/statsguest makes exactly 1000 HVCs and 250 SMCs, then powers off with one more
HVC: Triad's statistics must count exactly that, and its trace (triad-run --trace) must
hold one exit record per trap, decoded by tools/triad-trace."""
import os
import re
import subprocess

from triad import GUESTS, ROOT, triad_run

STATSGUEST = os.path.join(GUESTS, "statsguest.bin")
TRIAD_TRACE = os.path.join(ROOT, "tools", "triad-trace")


def stats_line(out):
    m = re.search(r"stats: VM 'guest': (\d+) exits \(([^)]*)\), (\d+) interrupts injected", out)
    assert m, out
    return int(m.group(1)), dict((k, int(v)) for k, v in
                                 (kv.split() for kv in m.group(2).split(", ")))


def test_statistics_count_hypercalls_exactly():
    rc, out, err = triad_run("--kernel", STATSGUEST, "--mem", "16M")
    assert rc == 0, err
    assert "statsguest: done" in out
    total, exits = stats_line(out)
    assert exits["hvc"] == 1001 and exits["smc"] == 250, exits
    assert total == sum(exits.values())
    assert "@trace" not in out  # tracing is off unless asked for


def test_trace_records_every_exit_and_decodes(tmp_path):
    trace = tmp_path / "trace.txt"
    rc, out, err = triad_run("--kernel", STATSGUEST, "--mem", "16M", "--trace", "exit,sched",
                             "--trace-file", str(trace))
    assert rc == 0, err
    # The records went to the file, not to the console.
    assert "@trace" not in out and trace.stat().st_size > 0
    summary = subprocess.run([TRIAD_TRACE, str(trace), "--png", str(tmp_path / "chart")],
                             capture_output=True, text=True, timeout=120)
    assert summary.returncode == 0, summary.stderr
    rows = {m.group(1): int(m.group(2)) for m in
            re.finditer(r"^\s+0 (\S+)\s+(\d+)\s", summary.stdout, re.M)}
    # The final SYSTEM_OFF ends the run inside its own exit: its record is never written.
    assert rows.get("hvc") == 1000 and rows.get("smc") == 250, summary.stdout
    assert re.search(r"Scheduler switches to: CPU 0 VM 0 vCPU 0: 1\b", summary.stdout)
    for chart in ("chart-latency.png", "chart-timeline.png"):
        data = (tmp_path / chart).read_bytes()
        assert data.startswith(b"\x89PNG"), chart


def test_bad_trace_class_is_refused():
    rc, out, err = triad_run("--kernel", STATSGUEST, "--trace", "exits")
    assert rc == 1 and "--trace 'exits'" in err, err


def test_triad_trace_refuses_what_is_not_a_trace(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("begin freq=1000000000 classes=0x1\n0 10 exit 0 0 zz 1\n")
    r = subprocess.run([TRIAD_TRACE, str(bad)], capture_output=True, text=True)
    assert r.returncode == 1 and "bad.txt:2: not a trace record" in r.stderr, r.stderr
