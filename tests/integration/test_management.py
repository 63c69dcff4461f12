"""The management API (docs/management.md) over `triad-run --control`: its session, its
checks of malformed, oversized and out-of-order requests, LIST and INFO, and pausing a VM
while another runs."""
import os
import struct
import sys
import tempfile

import pytest

from triad import GUESTS, ROOT, Run, write_config

sys.path.insert(0, os.path.join(ROOT, "tools"))
import triad_mgmt  # noqa: E402
from triad_mgmt import Client, MgmtError, frame, OPS  # noqa: E402

HOG = os.path.join(GUESTS, "hog-spin.bin")


@pytest.fixture
def sock():
    # A Unix socket path must be short: not under pytest's deep tmp_path.
    d = tempfile.mkdtemp(prefix="triad-mgmt-")
    yield os.path.join(d, "ctl.sock")
    if os.path.exists(os.path.join(d, "ctl.sock")):
        os.unlink(os.path.join(d, "ctl.sock"))
    os.rmdir(d)


def start_hogs(tmp_path, sock, names=("alpha", "beta"), pcpus=1):
    cfg = write_config(tmp_path / "vms.dts", {
        n: {"kernel": HOG, "memory": "16M", "cpus": 1} for n in names})
    r = Run("--config", cfg, "--pcpus", str(pcpus), "--control", sock)
    r.expect(r"management: channel on virtio console")
    return r


def test_list_and_info(tmp_path, sock):
    r = start_hogs(tmp_path, sock)
    try:
        with Client(sock) as c:
            assert c.server_version == triad_mgmt.VERSION
            vms = c.list()
            assert [(v["id"], v["name"], v["state"], v["kind"], v["vcpus"], v["memory"])
                    for v in vms] == [(0, "alpha", "running", "normal", 1, 16 << 20),
                                      (1, "beta", "running", "normal", 1, 16 << 20)]
            i = c.info("beta")
            assert i["name"] == "beta" and i["id"] == 1 and len(i["vcpu"]) == 1
            with pytest.raises(MgmtError) as e:
                c.info(7)
            assert e.value.status == -3 and "no VM 7" in e.value.reason
        assert "control socket" in r.err
    finally:
        r.kill()


COUNTER = os.path.join(GUESTS, "counter.bin")
COUNT_LINE = r"counter: n=(\d+) ticks=(\d+) t=(\d+)"


def counts(r, vm):
    """VM vm's counter lines so far: [(n, ticks, t_ms)]."""
    import re
    return [tuple(map(int, m)) for m in re.findall(COUNT_LINE, r.console(vm))]


def wait_lines(r, vm, more, timeout=120):
    """Waits until VM vm printed `more` further counter lines; returns its lines."""
    import time
    start = len(counts(r, vm))
    deadline = time.monotonic() + timeout
    while len(counts(r, vm)) < start + more:
        assert time.monotonic() < deadline, f"VM {vm} stopped counting:\n{r.console(vm)[-2000:]}"
        time.sleep(0.2)
    return counts(r, vm)


def test_pause_stops_a_vm_and_resume_continues_it(tmp_path, sock):
    """A paused VM's count stops and uses no CPU while another VM runs on; resumed, it counts
    on from where it was and takes the timer interrupt that came due meanwhile."""
    import time
    cfg = write_config(tmp_path / "vms.dts", {
        "alpha": {"kernel": COUNTER, "memory": "16M", "cpus": 1},
        "beta": {"kernel": COUNTER, "memory": "16M", "cpus": 1}})
    r = Run("--config", cfg, "--pcpus", "1", "--control", sock)
    try:
        r.expect_vm("alpha", "counter: start")
        r.expect_vm("beta", "counter: start")
        wait_lines(r, "alpha", 3)
        with Client(sock) as c:
            t0 = time.monotonic()
            c.pause("alpha")
            pause_ms = (time.monotonic() - t0) * 1e3
            before = counts(r, "alpha")
            info = c.info("alpha")
            assert info["state"] == "paused" and info["pauses"] == 1
            assert info["vcpu"][0]["state"] == "blocked"
            beta_before = c.info("beta")["cpu_time_ns"]
            # Two seconds of beta's lines: time enough for alpha to print had it run.
            wait_lines(r, "beta", 20)
            after = c.info("alpha")
            assert counts(r, "alpha") == before, "a paused VM printed"
            assert after["cpu_time_ns"] == info["cpu_time_ns"], "a paused VM used CPU time"
            assert after["paused_ns"] > info["paused_ns"] > 0
            assert c.info("beta")["cpu_time_ns"] > beta_before
            # Pausing twice, or resuming a running VM, is refused.
            with pytest.raises(MgmtError) as e:
                c.pause("alpha")
            assert e.value.status == -4 and "paused" in e.value.reason
            with pytest.raises(MgmtError) as e:
                c.resume("beta")
            assert e.value.status == -4 and "not paused" in e.value.reason
            t1 = time.monotonic()
            paused_for = t1 - (t0 + pause_ms / 1e3)  # at least this long
            c.resume("alpha")
            resume_ms = (time.monotonic() - t1) * 1e3
            print(f"pause {pause_ms:.1f} ms, resume {resume_ms:.1f} ms (seen from the host)")
            lines = wait_lines(r, "alpha", 3)
            assert c.info("alpha")["state"] == "running"
        n0, ticks0, t_0 = before[-1]
        n1, ticks1, t_1 = lines[len(before)]
        assert "counter: start" not in r.console("alpha")[r.console("alpha").index(
            "counter: n="):], "the guest restarted"
        assert n1 > n0 and ticks1 == ticks0 + 1, (before[-1], lines[len(before)])
        # Its virtual counter ran on while it was paused (docs/management.md): the first
        # line after is at least the pause's length later in its own time.
        assert t_1 - t_0 >= paused_for * 1000 - 100, (t_0, t_1, paused_for)
    finally:
        r.kill()
