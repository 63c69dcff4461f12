"""Per-VM statistics, the trace buffer and the audit log (docs/debugging.md).

tests/guests/statsguest makes exactly 1000 HVCs, 100 HVCs of a function nobody serves and
250 SMCs, then powers off with one more HVC: Triad's statistics must count exactly that, its
trace (triad-run --trace) must hold one exit record per trap, decoded by tools/triad-trace,
and its audit log (--audit-file) one record per refused call, past the console's budget."""
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
    assert exits["hvc"] == 1101 and exits["smc"] == 250, exits
    assert total == sum(exits.values())
    # The boot vCPU still runs when the statistics are printed: its time counts too.
    ran = re.search(r"sched: VM 'guest' vCPU 0: ran (\d+) ms", out)
    assert ran and int(ran.group(1)) > 0, out
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
    assert rows.get("hvc") == 1100 and rows.get("smc") == 250, summary.stdout
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


def test_audit_log_records_security_events_past_the_warning_budget(tmp_path):
    audit = tmp_path / "audit.txt"
    rc, out, err = triad_run("--kernel", STATSGUEST, "--mem", "16M", "--audit-file", str(audit))
    assert rc == 0, err
    assert "@audit" not in out
    lines = audit.read_text().splitlines()
    assert lines[0].startswith("begin freq=") and lines[-1] == "end lost=0", lines[-3:]
    records = [l.split(" ", 4) for l in lines[1:-1]]
    events = [r[3] for r in records]
    # Numbered in order, each with its VM and a reason.
    assert [int(r[0]) for r in records] == list(range(len(records)))
    assert all(r[2] == "0" for r in records)
    assert events[0] == "vm-created" and events[-1] == "vm-stopped", events
    refused = [r[4] for r in records if r[3] == "call-refused"]
    assert len(refused) == 100, len(refused)
    assert all("unknown HVC/SMC function 0x86001234: NOT_SUPPORTED" in r for r in refused)
    # The console's warnings stopped at the VM's budget; the audit log did not.
    assert 0 < out.count("unknown HVC/SMC function") < 100
    assert "further guest warnings suppressed" in out


COUNTER = os.path.join(GUESTS, "counter.bin")


def test_statistics_trace_and_audit_read_while_running(tmp_path):
    """Through the management API (triad-ctl stats/trace/audit), while the VM runs."""
    import sys
    import tempfile
    import time

    from triad import Run
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    import triad_observe
    from triad_mgmt import Client, MgmtError

    d = tempfile.mkdtemp(prefix="triad-obs-")
    sock = os.path.join(d, "ctl.sock")
    r = Run("--kernel", COUNTER, "--mem", "16M", "--control", sock)
    try:
        r.expect(r"management: channel on virtio console")
        r.expect(r"counter: n=\d+")
        with Client(sock) as c:
            first = triad_observe.stats(c, 0)
            assert sum(first["exits"].values()) > 0 and first["injected"] > 0, first
            assert triad_observe.trace_set(c, ["exit", "inject"]) == []
            r.expect(r"counter: n=\d+")  # a timer interrupt taken since: exits, injections
            r.expect(r"counter: n=\d+")
            freq, recs, lost = triad_observe.trace_read(c)
            assert freq > 0 and lost == 0
            kinds = {x["class"] for x in recs if x["vm"] == 0}
            assert {"exit", "inject"} <= kinds, kinds
            assert any(x["class"] == "inject" and x["a"] == 27 for x in recs)  # the timer
            later = triad_observe.stats(c, 0)
            assert sum(later["exits"].values()) > sum(first["exits"].values())
            assert triad_observe.trace_set(c, []) == ["exit", "inject"]
            _, audit, lost, _ = triad_observe.audit_read(c)
            assert audit[0]["event"] == "vm-created" and audit[0]["vm"] == 0, audit
            for op, payload, why in (
                    ("TRACE_SET", (1 << 20).to_bytes(4, "little"), "only bits"),
                    ("TRACE_READ", (99).to_bytes(4, "little") + bytes(12), "no physical CPU"),
                    ("STATS", (9).to_bytes(4, "little"), "no VM 9"),
                    ("AUDIT_READ", bytes(4) + (1).to_bytes(4, "little") + bytes(8), "must be 0")):
                try:
                    c.call(op, payload)
                    raise AssertionError(f"{op} accepted {payload!r}")
                except MgmtError as e:
                    assert why in e.reason, e
        # triad-ctl's own commands, and its dump in the format tools/triad-trace reads.
        ctl = [os.path.join(ROOT, "tools", "triad-ctl"), "--socket", sock]
        out = subprocess.run(ctl + ["stats", "0"], capture_output=True, text=True, timeout=60)
        assert out.returncode == 0 and re.search(r"exits:\s+\d+ \(", out.stdout), out
        assert subprocess.run(ctl + ["trace", "on", "exit"], timeout=60).returncode == 0
        time.sleep(0.5)
        dump = tmp_path / "t.txt"
        out = subprocess.run(ctl + ["trace", "dump", str(dump)], capture_output=True, text=True,
                             timeout=60)
        assert out.returncode == 0, out.stderr
        summary = subprocess.run([TRIAD_TRACE, str(dump)], capture_output=True, text=True,
                                 timeout=60)
        assert summary.returncode == 0 and "VM exits" in summary.stdout, summary
        out = subprocess.run(ctl + ["audit"], capture_output=True, text=True, timeout=60)
        assert out.returncode == 0 and "vm-created" in out.stdout, out
    finally:
        r.kill()
        if os.path.exists(sock):
            os.unlink(sock)
        os.rmdir(d)
