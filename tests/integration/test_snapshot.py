"""VM snapshots (docs/snapshot.md) through the management API: a Linux VM with a process
counting and an ext4 disk saved, destroyed and restored in the same run and after a fresh
start of triad-run, its console working; files that are corrupted or of another format
version, realms and VMs with passthrough devices refused with their reason, nothing
changed."""
import os
import re
import secrets
import struct
import sys
import tempfile
import time
import zlib

import pytest

from triad import GUESTS, PROMPT, ROOT, SECURE, Run, ext4_image, linux_vm, write_config

sys.path.insert(0, os.path.join(ROOT, "tools"))
import triad_observe  # noqa: E402
from triad_mgmt import Client, MgmtError  # noqa: E402

HOG = os.path.join(GUESTS, "hog-spin.bin")
HEADER = struct.Struct("<8sIIQII48s")  # docs/snapshot.md: the file's header


@pytest.fixture
def sock():
    # A Unix socket path must be short: not under pytest's deep tmp_path.
    d = tempfile.mkdtemp(prefix="triad-snap-")
    yield os.path.join(d, "ctl.sock")
    if os.path.exists(os.path.join(d, "ctl.sock")):
        os.unlink(os.path.join(d, "ctl.sock"))
    os.rmdir(d)


def untag(text):
    """A multiplexed console's lines without their "vm| " tags."""
    return re.sub(r"^[\w-]+[|+] ", "", text, flags=re.M)


def destroy(c, vm):
    c.call("DESTROY", struct.pack("<I", c.vm_id(vm)))


def count(r):
    return int(untag(r.shell("cat /tmp/count")).strip())


def check_counting_guest(r, token, before):
    """The restored guest's console answers, its counter goes on from where it was saved
    and keeps counting, the file written before the save is on its disk, and the disk
    takes new writes."""
    now = count(r)
    assert now >= before
    deadline = time.monotonic() + 120
    while count(r) <= now:
        assert time.monotonic() < deadline, "the restored guest's counter stopped"
        time.sleep(1)
    out = untag(r.shell(f"cat /mnt/token; echo again-{token} > /mnt/after; sync; "
                        "cat /mnt/after"))
    assert token in out and f"again-{token}" in out


def saved_seconds(data):
    """The guest's virtual counter at the save, in seconds (the VM section, type 2)."""
    at = HEADER.size
    while at < len(data):
        kind, _, length, _, _ = struct.unpack_from("<IIQII", data, at)
        if kind == 2:
            _, _, _, freq, vcount, _ = struct.unpack_from("<QIIQQQ", data, at + 24)
            return vcount / freq
        at += 24 + (length + 7) // 8 * 8
    raise AssertionError("no VM section")


def test_save_destroy_restore_same_run_and_after_restarting_triad_run(tmp_path, sock):
    image = ext4_image(tmp_path / "disk.img")
    token = secrets.token_hex(8)
    # A bare-metal VM beside it keeps the run alive while the Linux VM is destroyed.
    cfg = write_config(tmp_path / "vms.dts", {
        "linux": linux_vm(disks=["disk.img"]),
        "keeper": {"kernel": HOG, "memory": "16M", "cpus": 1},
    })
    snap = tmp_path / "linux.snap"
    r = Run("--config", cfg, "--pcpus", "2", "--machine-mem", "1G", "--control", sock)
    try:
        r.expect_vm("linux", PROMPT)
        r.shell(f"mkdir -p /mnt; mount /dev/vda /mnt; echo {token} > /mnt/token; sync")
        r.send("(i=0; while true; do i=$((i+1)); echo $i > /tmp/count; sleep 1; done) &\n")
        time.sleep(3)
        with Client(sock, timeout=600) as c:
            before = count(r)
            data = c.save("linux")
            snap.write_bytes(data)
            assert data[:8] == b"TRIADSNP"
            # Saving left it running.
            assert [v["state"] for v in c.list() if v["name"] == "linux"] == ["running"]
            destroy(c, "linux")
            assert "linux" not in [v["name"] for v in c.list()]
            c.restore(data)
            assert [v["state"] for v in c.list() if v["name"] == "linux"] == ["running"]
        r.expect("restored from a snapshot")
        check_counting_guest(r, token, before)
    finally:
        r.kill()

    # A fresh QEMU and Triad, the same disk: the bare-metal VM holds it until the Linux VM
    # comes back from the file.
    cfg = write_config(tmp_path / "keeper.dts", {
        "keeper": {"kernel": HOG, "memory": "16M", "cpus": 1, "disks": ["disk.img"]},
    })
    started = time.monotonic()
    r = Run("--config", cfg, "--pcpus", "2", "--machine-mem", "1G", "--control", sock)
    try:
        r.expect(r"management: channel on virtio console")
        # The new machine's counter (from QEMU's start) must have passed the guest's saved
        # virtual counter: else CNTVOFF wraps, and QEMU fires no virtual timer for a
        # wrapped offset (docs/snapshot.md, "Clocks").
        time.sleep(max(0.0, saved_seconds(snap.read_bytes()) + 5 - (time.monotonic() - started)))
        with Client(sock, timeout=600) as c:
            destroy(c, "keeper")
            c.restore(snap.read_bytes())
        r.expect("restored from a snapshot")
        check_counting_guest(r, token, before)
    finally:
        r.kill()


COUNTER = os.path.join(GUESTS, "counter.bin")
COUNT_LINE = r"counter: n=(\d+) ticks=(\d+) t=(\d+)"


def counts(r, vm):
    """VM vm's counter lines so far: [(n, ticks, t_ms)] (tests/guests/counter)."""
    return [tuple(map(int, m)) for m in re.findall(COUNT_LINE, r.console(vm))]


def wait_lines(r, vm, n, timeout=120):
    deadline = time.monotonic() + timeout
    while len(counts(r, vm)) < n:
        assert time.monotonic() < deadline, f"VM {vm} stopped counting:\n{r.console(vm)[-2000:]}"
        time.sleep(0.2)
    return counts(r, vm)


def test_a_counting_guest_goes_on_in_its_restored_copy(tmp_path, sock):
    """A bare-metal guest counting and taking its virtual timer's interrupts, saved while it
    runs and restored beside itself: the copy goes on from the saved count (no restart),
    its virtual time never goes back, and its timer interrupts keep coming."""
    cfg = write_config(tmp_path / "vms.dts", {  # two VMs: the console tags their lines
        "alpha": {"kernel": COUNTER, "memory": "16M", "cpus": 1},
        "keeper": {"kernel": HOG, "memory": "16M", "cpus": 1}})
    r = Run("--config", cfg, "--pcpus", "2", "--control", sock)
    try:
        r.expect(r"management: channel on virtio console")
        before = wait_lines(r, "alpha", 3)[-1]
        with Client(sock) as c:
            data = c.save("alpha")
            c.restore(data, "copy")
            assert {v["name"]: v["state"] for v in c.list()} == \
                {"alpha": "running", "keeper": "running", "copy": "running"}
            # Both are security events in the audit log (docs/observability.md).
            _, audit, _, _ = triad_observe.audit_read(c)
            ids = {v["name"]: v["id"] for v in c.list()}
            events = [(x["event"], x["vm"]) for x in audit]
            assert ("snapshot-saved", ids["alpha"]) in events, events
            assert ("snapshot-restored", ids["copy"]) in events, events
        lines = wait_lines(r, "copy", 5)
        assert "counter: start" not in r.console("copy"), "the copy started over"
        n, ticks, t = lines[0]
        assert n >= before[0] and ticks >= before[1] and t >= before[2], (before, lines)
        for a, b in zip(lines, lines[1:]):
            assert b[0] > a[0] and b[1] > a[1] and b[2] > a[2], lines
        wait_lines(r, "alpha", len(counts(r, "alpha")) + 2)  # the original runs on
    finally:
        r.kill()


def start_hogs(tmp_path, sock, extra=None):
    vms = {"alpha": {"kernel": HOG, "memory": "16M", "cpus": 1}}
    vms.update(extra or {})
    r = Run("--config", write_config(tmp_path / "vms.dts", vms), "--pcpus", "2",
            "--control", sock)
    r.expect(r"management: channel on virtio console")
    return r


def refused(c, data, name, status, reason):
    with pytest.raises(MgmtError) as e:
        c.restore(data, name)
    assert e.value.status == status, e.value
    assert re.search(reason, e.value.reason), e.value.reason


def fix_header_crc(data):
    magic, version, hsize, fsize, nsec, _, triad = HEADER.unpack_from(data)
    h = HEADER.pack(magic, version, hsize, fsize, nsec, 0, triad)
    return HEADER.pack(magic, version, hsize, fsize, nsec, zlib.crc32(h), triad) + \
        data[HEADER.size:]


def snap_sum32(b):
    """A section payload's checksum (docs/snapshot.md), as Triad's snap_sum32()."""
    mask, mult = (1 << 64) - 1, 0x9E3779B97F4A7C15
    h = 0x243F6A8885A308D3
    n = len(b) // 8
    for w in struct.unpack_from(f"<{n}Q", b):
        h = ((h + w) * mult) & mask
    if len(b) % 8:
        h = ((h + int.from_bytes(b[8 * n:], "little")) * mult) & mask
    h = ((h + len(b)) * mult) & mask
    h ^= h >> 29
    h = (h * mult) & mask
    return (h ^ (h >> 32)) & 0xFFFFFFFF


def test_bad_snapshot_files_are_refused_and_change_nothing(tmp_path, sock):
    r = start_hogs(tmp_path, sock)
    try:
        with Client(sock) as c:
            data = c.save("alpha")
            before = [(v["id"], v["name"], v["state"]) for v in c.list()]
            # Its headers' checksums are the common CRC-32, its payloads' snap_sum32.
            assert fix_header_crc(data) == data
            kind, _, length, crc, hcrc = struct.unpack_from("<IIQII", data, HEADER.size)
            at = HEADER.size + 24
            assert kind == 1 and crc == snap_sum32(data[at:at + length])
            assert hcrc == zlib.crc32(struct.pack("<IIQII", kind, 0, length, crc, 0))
            # A bit flipped in its memory, near the end.
            bad = bytearray(data)
            bad[-100] ^= 0x10
            refused(c, bytes(bad), "copy", -2, r"corrupted \(checksum mismatch\)")
            # Cut short.
            refused(c, data[:len(data) // 2], "copy", -2, r"cut short|header says")
            # Another format version, even with a header checksum that fits it.
            other = bytearray(data)
            struct.pack_into("<I", other, 8, 99)
            refused(c, fix_header_crc(bytes(other)), "copy", -7, r"format version 99")
            # The first format's files (whole pages, CRC-32 payloads) likewise.
            struct.pack_into("<I", other, 8, 1)
            refused(c, fix_header_crc(bytes(other)), "copy", -7,
                    r"format version 1, this Triad reads versions 3 to 5")
            # Not a snapshot at all.
            refused(c, b"\0" * 4096, "copy", -2, r"not a Triad snapshot")
            # The name of a VM that exists.
            refused(c, data, None, -4, r"'alpha' exists")
            assert [(v["id"], v["name"], v["state"]) for v in c.list()] == before
            # The good file still restores, beside the original.
            c.restore(data, "copy")
            assert {v["name"]: v["state"] for v in c.list()} == \
                {"alpha": "running", "copy": "running"}
    finally:
        r.kill()


def test_save_streams_the_file_and_its_vm_waits_for_it(tmp_path, sock):
    """SAVE's file is produced as DOWNLOAD reads it, in order, straight from the paused VM
    (docs/snapshot.md): the VM runs again once the file is read, or dropped."""
    r = start_hogs(tmp_path, sock, {"beta": {"kernel": HOG, "memory": "16M", "cpus": 1}})
    try:
        with Client(sock) as c:
            def state(name):
                return {v["name"]: v["state"] for v in c.list()}[name]

            def save_call():
                body = c.call("SAVE", struct.pack("<I", c.vm_id("alpha")))
                return struct.unpack_from("<Q", body)[0]

            size = save_call()
            assert state("alpha") == "paused" and state("beta") == "running"
            with pytest.raises(MgmtError) as e:
                c.resume("alpha")
            assert e.value.status == -4 and "being read" in e.value.reason, e.value
            data = c.download()
            assert len(data) == size
            assert state("alpha") == "running"
            # Read out of order: refused, the file dropped, the VM runs again.
            save_call()
            with pytest.raises(MgmtError) as e:
                c.call("DOWNLOAD", struct.pack("<QI", 4096, 100))
            assert e.value.status == -2 and "in order" in e.value.reason, e.value
            assert state("alpha") == "running"
            with pytest.raises(MgmtError) as e:
                c.call("DOWNLOAD", struct.pack("<QI", 0, 100))
            assert e.value.status == -3, e.value
            # A new session drops it too.
            save_call()
            c.hello()
            assert state("alpha") == "running"
            # The file read whole restores, beside the original.
            c.restore(data, "copy")
            assert state("copy") == "running" and state("alpha") == "running"
            # A VM destroyed while its file is read: the file goes with it.
            save_call()
            c.destroy("alpha")
            assert "alpha" not in {v["name"] for v in c.list()}
            with pytest.raises(MgmtError) as e:
                c.call("DOWNLOAD", struct.pack("<QI", 0, 100))
            assert e.value.status == -3, e.value
            assert state("beta") == "running" and state("copy") == "running"
    finally:
        r.kill()


def test_passthrough_vm_save_is_refused_and_it_runs_on(tmp_path, sock):
    r = start_hogs(tmp_path, sock, {
        "owner": {"kernel": HOG, "memory": "16M", "cpus": 1, "passthrough": ["edu"]}})
    try:
        with Client(sock) as c:
            with pytest.raises(MgmtError) as e:
                c.save("owner")
            assert e.value.status == -6
            assert "passed through" in e.value.reason, e.value.reason
            assert {v["name"]: v["state"] for v in c.list()}["owner"] == "running"
    finally:
        r.kill()


@pytest.mark.skipif(not SECURE, reason="a realm needs the realm world")
def test_realm_save_is_refused_and_it_runs_on(tmp_path, sock):
    r = start_hogs(tmp_path, sock, {
        "secret": {"kernel": HOG, "memory": "16M", "cpus": 1, "realm": True}})
    try:
        with Client(sock) as c:
            with pytest.raises(MgmtError) as e:
                c.save("secret")
            assert e.value.status == -6
            assert "realm" in e.value.reason, e.value.reason
            assert {v["name"]: v["state"] for v in c.list()}["secret"] == "running"
    finally:
        r.kill()
