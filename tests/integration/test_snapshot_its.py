"""Snapshots of a VM with a virtual ITS (docs/snapshot.md): tests/guests/itsguest in its
its=snap mode maps events to LPIs on both its vCPUs and raises them every round, with one
LPI left pending and disabled; saved in the middle and restored, in the same run beside
itself and in a new run of triad-run, its copy goes on raising LPIs through the ITS it had
(mappings, collections, command queue), each still reaching its vCPU, and takes the LPI
that was pending at the save once it enables it."""
import os
import re
import struct
import sys
import tempfile
import time

import pytest

from triad import GUESTS, ITSGUEST, ROOT, Run, write_config

sys.path.insert(0, os.path.join(ROOT, "tools"))
from triad_mgmt import Client  # noqa: E402

HOG = os.path.join(GUESTS, "hog-spin.bin")
HEADER_SIZE = 80
ROUND = re.compile(r"itsguest: round (\d+) (ok|LOST) cpu0=(\d+) cpu1=(\d+) held=(\d+)")
HELD_ROUND = 40  # tests/guests/itsguest: SNAP_HELD_ROUND
ITS_VM = {"kernel": ITSGUEST, "memory": "16M", "cpus": 2, "its": True, "bootargs": "its=snap"}


@pytest.fixture
def sock():
    d = tempfile.mkdtemp(prefix="triad-snapits-")
    yield os.path.join(d, "ctl.sock")
    if os.path.exists(os.path.join(d, "ctl.sock")):
        os.unlink(os.path.join(d, "ctl.sock"))
    os.rmdir(d)


def rounds(r, vm):
    return [(int(m[0]), m[1], int(m[2]), int(m[3]), int(m[4])) for m in ROUND.findall(r.console(vm))]


def wait_rounds(r, vm, n, timeout=180):
    deadline = time.monotonic() + timeout
    while len(rounds(r, vm)) < n:
        assert time.monotonic() < deadline, f"VM {vm} stopped:\n{r.console(vm)[-2000:]}"
        time.sleep(0.2)
    return rounds(r, vm)


def saved_seconds(data):
    """The guest's virtual counter at the save, in seconds (the VM section, type 2)."""
    at = HEADER_SIZE
    while at < len(data):
        kind, _, length, _, _ = struct.unpack_from("<IIQII", data, at)
        if kind == 2:
            _, _, _, freq, vcount, _ = struct.unpack_from("<QIIQQQ", data, at + 24)
            return vcount / freq
        at += 24 + (length + 7) // 8 * 8
    raise AssertionError("no VM section")


def section_types(data):
    at, types = HEADER_SIZE, []
    while at < len(data):
        kind, _, length, _, _ = struct.unpack_from("<IIQII", data, at)
        types.append(kind)
        at += 24 + (length + 7) // 8 * 8
    return types


def check_copy(r, vm, saved_round):
    """The restored VM's console: no new start, its rounds go on from the saved one with
    every LPI reaching its vCPU, and the LPI pending at the save is taken once enabled."""
    lines = wait_rounds(r, vm, HELD_ROUND + 3 - saved_round, timeout=300)
    text = r.console(vm)
    assert "snap ready" not in text, "the copy started over:\n" + text[-2000:]
    first = lines[0]
    assert saved_round <= first[0] < HELD_ROUND, (saved_round, lines[:3])
    assert all(x[1] == "ok" for x in lines), [x for x in lines if x[1] != "ok"][:3]
    for a, b in zip(lines, lines[1:]):
        assert b[0] == a[0] + 1 and b[2] > a[2] and b[3] > a[3], (a, b)
    held = re.search(r"held LPI 8194 taken by vCPU 0 at round (\d+)", text)
    assert held and int(held.group(1)) == HELD_ROUND, text[-2000:]
    assert lines[-1][4] == 1, lines[-1]


def test_its_vm_saved_and_restored_same_run_and_new_run(tmp_path, sock):
    cfg = write_config(tmp_path / "vms.dts", {
        "itsvm": ITS_VM, "keeper": {"kernel": HOG, "memory": "16M", "cpus": 1}})
    r = Run("--config", cfg, "--pcpus", "2", "--control", sock)
    try:
        r.expect(r"management: channel on virtio console")
        wait_rounds(r, "itsvm", 3)
        with Client(sock, timeout=300) as c:
            data = c.save("itsvm")
            saved_round = rounds(r, "itsvm")[-1][0]
            assert saved_round < HELD_ROUND - 5, "saved too late to see the held LPI"
            assert 8 in section_types(data), section_types(data)  # SNAP_SEC_ITS
            c.restore(data, "copy")
            assert {v["name"]: v["state"] for v in c.list()}["copy"] == "running"
        check_copy(r, "copy", saved_round)
        wait_rounds(r, "itsvm", len(rounds(r, "itsvm")) + 2)  # the original runs on
    finally:
        r.kill()

    # A fresh triad-run: only the keeper until the ITS VM comes back from the file.
    cfg = write_config(tmp_path / "keeper.dts", {
        "keeper": {"kernel": HOG, "memory": "16M", "cpus": 1}})
    started = time.monotonic()
    r = Run("--config", cfg, "--pcpus", "2", "--control", sock)
    try:
        r.expect(r"management: channel on virtio console")
        # The machine's counter must pass the guest's saved virtual counter (test_snapshot).
        time.sleep(max(0.0, saved_seconds(data) + 5 - (time.monotonic() - started)))
        with Client(sock, timeout=300) as c:
            c.restore(data)
        r.expect("restored from a snapshot")
        check_copy(r, "itsvm", saved_round)
    finally:
        r.kill()


def test_linux_vm_with_its_saved_destroyed_and_restored_runs_on(tmp_path, sock):
    """A Linux VM with an ITS (its virtio devices are virtio-mmio, with wired interrupts:
    nothing of it uses MSIs) saved, destroyed (its ITS goes with it) and restored under its
    name: the counting process goes on and its console answers."""
    from triad import PROMPT, linux_vm
    cfg = write_config(tmp_path / "vms.dts", {
        "linux": linux_vm(its=True, cpus=2),
        "keeper": {"kernel": HOG, "memory": "16M", "cpus": 1}})
    r = Run("--config", cfg, "--pcpus", "2", "--machine-mem", "1G", "--control", sock)
    try:
        r.expect_vm("linux", PROMPT)
        assert "its@8080000 domain created" in r.shell("dmesg | grep -i its")
        # Renamed into place: a read never finds the file truncated and not yet rewritten.
        r.send("(i=0; while true; do i=$((i+1)); echo $i > /tmp/c.new; mv /tmp/c.new /tmp/count; "
               "sleep 1; done) &\n")
        time.sleep(3)

        def count():
            text = re.sub(r"^[\w-]+[|+] ", "", r.shell("cat /tmp/count"), flags=re.M)
            return int(text.strip())

        before = count()
        with Client(sock, timeout=600) as c:
            data = c.save("linux")
            c.destroy("linux")
            assert "linux" not in [v["name"] for v in c.list()]
            c.restore(data)
            assert {v["name"]: v["state"] for v in c.list()}["linux"] == "running"
        r.expect("restored from a snapshot")
        deadline = time.monotonic() + 120
        while count() <= before + 2:
            assert time.monotonic() < deadline, "the restored guest's counter stopped"
            time.sleep(1)
        assert "alive" in r.shell("echo alive")
    finally:
        r.kill()
