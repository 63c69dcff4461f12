"""The real-time scheduling class (docs/architecture.md, Scheduling): a `realtime` VM's
vCPUs, each pinned to one CPU, run before any fair vCPU there and are never preempted by
one."""
import os
import re
import sys
import tempfile
import time

from triad import GUESTS, ROOT, Run, triad_run, write_config

sys.path.insert(0, os.path.join(ROOT, "tools"))
from triad_mgmt import Client  # noqa: E402

HOG = os.path.join(GUESTS, "hog-spin.bin")
RTLAT = os.path.join(GUESTS, "rtlat.bin")


def test_a_fair_vm_never_preempts_a_realtime_one(tmp_path):
    """Two CPU-bound VMs on one CPU: fair sharing would give each half; a real-time one
    takes it all while it wants it (the fair one ran only before it was first queued)."""
    d = tempfile.mkdtemp(prefix="triad-rt-")
    sock = os.path.join(d, "ctl.sock")
    cfg = write_config(tmp_path / "vms.dts", {
        "rt": {"kernel": HOG, "memory": "16M", "cpus": 1, "affinity": [1], "realtime": True},
        "fair": {"kernel": HOG, "memory": "16M", "cpus": 1, "affinity": [1]}})
    r = Run("--config", cfg, "--pcpus", "1", "--control", sock)
    try:
        r.expect(r"management: channel on virtio console")
        with Client(sock) as c:
            first = {v["name"]: v["cpu_time_ns"] for v in c.list()}
            time.sleep(3)
            later = {v["name"]: v["cpu_time_ns"] for v in c.list()}
        rt = later["rt"] - first["rt"]
        fair = later["fair"] - first["fair"]
        assert rt > 0 and fair == 0, (first, later)
    finally:
        r.kill()
        if os.path.exists(sock):
            os.unlink(sock)
        os.rmdir(d)


def test_realtime_timer_latency_under_a_cpu_bound_fair_vm(tmp_path):
    """Under -icount (time is instructions, whatever the host's load), the real-time
    vCPU's timer interrupts reach it within a bound while a fair VM spins on its CPU, the
    real-time vCPU busy itself between them (a fair class would let the other VM run for
    slices of 4 ms in between, and the interrupts wait for the turn)."""
    cfg = write_config(tmp_path / "vms.dts", {
        "rt": {"kernel": RTLAT, "memory": "16M", "cpus": 1, "affinity": [1], "realtime": True,
               "bootargs": "rtlat.busy"},
        "hog": {"kernel": HOG, "memory": "16M", "cpus": 1, "affinity": [1]}})
    r = Run("--config", cfg, "--pcpus", "1", "--icount")
    try:
        m = r.expect(r"rtlat: samples=10000 p50=(\d+) p99=(\d+) max=(\d+)")
        p99, worst = int(m.group(2)), int(m.group(3))
        # A few thousand instructions: the switch from the spinning VM to this one. A
        # fair-class slice (4 ms) would show up as millions.
        assert p99 <= 20000 and worst <= 50000, m.group(0)
    finally:
        r.kill()


def test_realtime_vms_must_be_pinned(tmp_path):
    cfg = write_config(tmp_path / "vms.dts", {
        "rt": {"kernel": HOG, "memory": "16M", "cpus": 2, "affinity": [1, 3], "realtime": True}})
    rc, _, err = triad_run("--config", cfg, "--pcpus", "2")
    assert rc == 1 and "a realtime VM pins each vCPU to one CPU" in err, err
    cfg = write_config(tmp_path / "vms2.dts", {
        "rt": {"kernel": HOG, "memory": "16M", "cpus": 1, "realtime": "yes"}})
    rc, _, err = triad_run("--config", cfg)
    assert rc == 1 and "'realtime' takes no value" in err, err
