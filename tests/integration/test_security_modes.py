"""Security modes (docs/security-modes.md): tests/guests/modeguest does what the modes treat
differently, and each mode's documented effects are what it sees and what Triad counts. A
strict VM has no PMU and its set/way cache maintenance is trapped and emulated; a
performance VM's FP/SIMD registers are switched lazily (one trap at its first use after a
switch) and still never mixed with another VM's; balanced, the default, does neither. A
mode name that does not exist is refused, from the command line and from a config. The
management API's INFO names a VM's mode."""
import os
import re
import subprocess
import sys
import tempfile

import pytest
from triad import (GUESTS, INITRAMFS, LINUX_6_1, PROMPT, ROOT, Run, console_of, triad_run,
                   write_config)

sys.path.insert(0, os.path.join(ROOT, "tools"))
from triad_mgmt import Client  # noqa: E402

MODEGUEST = os.path.join(GUESTS, "modeguest.bin")
HOG = os.path.join(GUESTS, "hog-spin.bin")
SETWAY_OPS = 64  # MODE_SETWAY_OPS in tests/guests/modeguest/main.c


def stats(out, vm):
    m = re.search(rf"stats: VM '{vm}': \d+ exits \(([^)]*)\)", out)
    mode = re.search(rf"stats: VM '{vm}': security (\w+), (\d+) set/way operations emulated",
                     out)
    assert m and mode, out
    exits = dict((k, int(v)) for k, v in (kv.split() for kv in m.group(1).split(", ")))
    return exits, mode.group(1), int(mode.group(2))


def test_each_mode_changes_what_the_guest_sees():
    seen = {}
    for mode in ("balanced", "strict", "performance"):
        rc, out, err = triad_run("--kernel", MODEGUEST, "--mem", "16M", "--security", mode)
        assert rc == 0, err
        assert "modeguest: done" in out and "modeguest: fp kept" in out, out
        assert re.search(rf"VM 0 'guest': .*, security {mode}\r?\n", out), out
        seen[mode] = out, stats(out, "guest")
    out, (exits, mode, setway) = seen["strict"]
    assert re.search(r"modeguest: pmuver 0\r?\n", out) and "modeguest: pmccntr undef" in out
    assert setway == SETWAY_OPS and exits["sysreg"] >= SETWAY_OPS, exits
    for mode in ("balanced", "performance"):
        out, (exits, _, setway) = seen[mode]
        assert re.search(r"modeguest: pmuver [1-9]", out) and "pmccntr readable" in out, out
        assert setway == 0 and exits["sysreg"] < SETWAY_OPS, exits
    assert seen["performance"][1][0]["fp"] >= 1
    assert seen["balanced"][1][0]["fp"] == 0 and seen["strict"][1][0]["fp"] == 0


def test_modes_per_vm_share_a_cpu(tmp_path):
    """Each VM its own mode, all on one CPU: the lazy FP/SIMD switch of the performance VM
    keeps its registers and the others' apart while they preempt one another."""
    path = write_config(tmp_path / "vms.dts", {
        "fast": {"kernel": MODEGUEST, "memory": "16M", "security": "performance"},
        "safe": {"kernel": MODEGUEST, "memory": "16M", "security": "strict"},
        "mid": {"kernel": MODEGUEST, "memory": "16M"},
    })
    rc, out, err = triad_run("--config", path, "--pcpus", "1", "--security", "strict")
    assert rc == 0, err
    for vm, mode in (("fast", "performance"), ("safe", "strict"), ("mid", "strict")):
        con = console_of(out, vm)
        assert "modeguest: fp kept" in con and "modeguest: done" in con, out
        exits, seen_mode, setway = stats(out, vm)
        assert seen_mode == mode
        assert setway == (SETWAY_OPS if mode == "strict" else 0)
        assert ("pmuver 0\n" in con) == (mode == "strict"), con
    # Switched to and from the other VMs, the lazy one trapped at each first use.
    assert stats(out, "fast")[0]["fp"] >= 1 and stats(out, "mid")[0]["fp"] == 0


@pytest.mark.parametrize("how", ["cli", "config"])
def test_unknown_mode_is_refused(tmp_path, how):
    if how == "cli":
        rc, out, err = triad_run("--kernel", MODEGUEST, "--mem", "16M", "--security", "paranoid",
                                 timeout=30)
        assert rc != 0 and "--security: invalid choice: 'paranoid'" in err, err
    else:
        path = write_config(tmp_path / "vms.dts", {
            "a": {"kernel": MODEGUEST, "memory": "16M", "security": "paranoid"}})
        rc, out, err = triad_run("--config", path, timeout=30)
        assert rc == 1, err
        assert "/vms/a: 'security' must be \"strict\", \"balanced\" or \"performance\", not " \
               "'paranoid'" in err, err
    assert out == "" and "Traceback" not in err


def test_setway_cost_as_make_bench_measures_it():
    """tools/bench.py's set/way rows (bench guest, bench=setway, under -icount): trapped in
    a strict VM, a set/way operation costs a trap; at set 0 way 0 the VM's whole RAM."""
    got = {}
    for mode in ("balanced", "strict"):
        rc, out, err = triad_run("--kernel", f"{GUESTS}/bench.bin", "--mem", "64M", "--append",
                                 "bench=setway", "--icount", "--security", mode, timeout=120)
        assert rc == 0 and "bench: done" in out, err
        got[mode] = {k: int(v) for k, v in re.findall(r"bench: (setway_\w+) (\d+)\r?$", out,
                                                     re.M)}
    assert got["balanced"]["setway_op"] < 50 < got["strict"]["setway_op"], got
    # 64 MB in 64-byte lines: a million clean-and-invalidates, and more.
    assert got["strict"]["setway_walk"] > (64 << 20) // 64 > got["balanced"]["setway_walk"], got


def test_management_info_shows_the_mode(tmp_path):
    sock_dir = tempfile.mkdtemp(prefix="triad-sec-")
    sock = os.path.join(sock_dir, "ctl.sock")
    cfg = write_config(tmp_path / "vms.dts", {
        "hard": {"kernel": HOG, "memory": "16M", "security": "strict"},
        "soft": {"kernel": HOG, "memory": "16M"}})
    r = Run("--config", cfg, "--pcpus", "1", "--control", sock)
    try:
        r.expect(r"management: channel on virtio console")
        with Client(sock) as c:
            assert c.info("hard")["security"] == "strict"
            assert c.info("soft")["security"] == "balanced"
        ctl = [os.path.join(ROOT, "tools", "triad-ctl"), "--socket", sock]
        out = subprocess.run(ctl + ["info", "hard"], capture_output=True,
                             check=True).stdout.decode()
        assert re.search(r"^security:\s+strict$", out, re.M), out
        # A VM created at run time gets the mode its config names.
        late = write_config(tmp_path / "late.dts", {
            "late": {"kernel": HOG, "memory": "16M", "security": "performance"}})
        subprocess.run(ctl + ["create", late], capture_output=True, check=True)
        r.expect(r"VM 2 'late' created: .*, security performance")
        with Client(sock) as c:
            assert c.info("late")["security"] == "performance"
    finally:
        r.kill()
        if os.path.exists(sock):
            os.unlink(sock)
        os.rmdir(sock_dir)


def test_linux_in_performance_and_strict_modes(run):
    """Linux runs in both modes that change what it gets: in performance, two processes
    computing in floating point on two vCPUs that share one physical CPU (so switched in
    and out, their FP/SIMD registers lazily) get the exact answer; in strict it finds no
    PMU."""
    r = run("--kernel", LINUX_6_1, "--initrd", INITRAMFS, "--cpus", "2", "--pcpus", "1",
            "--mem", "256M", "--append", "console=ttyAMA0", "--security", "performance")
    r.expect(re.escape(PROMPT))
    awk = "awk 'BEGIN { s = 0; for (i = 1; i <= 300000; i++) s += 1 / i; printf \"%.9f\\n\", s }'"
    out = r.shell(f"taskset -c 0 {awk} > /tmp/a & taskset -c 1 {awk} > /tmp/b; wait; "
                  "cat /tmp/a /tmp/b", timeout=300)
    # H(300000), summed the same way in Python; a kernel message may come in between.
    assert re.findall(r"^\d+\.\d{9}\r?$", out, re.M) == ["13.188755085"] * 2, out
    r.send("poweroff -f\n")
    assert r.wait() == 0
    exits, mode, _ = stats(r.out, "guest")
    assert mode == "performance" and exits["fp"] > 0, exits

    r = run("--kernel", LINUX_6_1, "--initrd", INITRAMFS, "--mem", "256M", "--append",
            "console=ttyAMA0", "--security", "strict")
    r.expect(re.escape(PROMPT))
    assert "pmu" not in r.shell("ls /sys/firmware/devicetree/base").split()
    assert "hw perfevents" not in r.shell("dmesg")
    r.send("poweroff -f\n")
    assert r.wait() == 0
