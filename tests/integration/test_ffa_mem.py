"""FF-A memory sharing, a VM to a secure partition: the VM (tests/guests/ffaguest, "ffa=mem")
shares, lends and reclaims its pages; the test partition (tests/guests/ffasp) retrieves,
reads, writes and relinquishes them through Triad's SPMC at Secure EL2, which maps them into
its Non-secure IPA space. Read-only stays read-only, lent pages are out of the VM's reach
until reclaimed, reclaim waits for the partition, forged handles and bad descriptors are
refused."""
import os
import re
import struct
import sys
import tempfile

import pytest

from triad import GUESTS, ROOT, SECURE, Run, console_of, triad_run, write_config

sys.path.insert(0, os.path.join(ROOT, "tools"))
from triad_mgmt import Client, MgmtError  # noqa: E402

FFAGUEST = os.path.join(GUESTS, "ffaguest.bin")
FFASP = os.path.join(GUESTS, "ffasp.bin")
HOG = os.path.join(GUESTS, "hog-spin.bin")

secure_only = pytest.mark.skipif(not SECURE, reason="the SPMC is Triad at Secure EL2")


def summary(out):
    fails = [l for l in out.splitlines() if l.startswith("ffaguest: FAIL")]
    assert not fails, "\n".join(fails)
    m = re.search(r"ffaguest: (\d+) passed, (\d+) failed", out)
    assert m, out[-3000:]
    return int(m.group(1)), int(m.group(2))


@secure_only
def test_a_vm_shares_and_lends_memory_to_a_partition():
    rc, out, err = triad_run("--kernel", FFAGUEST, "--sp", FFASP, "--mem", "64M",
                             "--append", "ffa=mem", timeout=240)
    assert rc == 0, err
    passed, failed = summary(out)
    assert failed == 0 and passed >= 40, out[-3000:]
    # The partition's write to the read-only share and its read after relinquishing are
    # stage-2 faults in its Non-secure IPA space: it is restarted each time.
    crashes = re.findall(r"\[monitor\] error: secure partition 0x8001 crashed \(ESR 0x\w+, "
                         r"ELR 0x\w+, address 0x(\w+)\): restarted from its image", out)
    assert len(crashes) == 2, out[-3000:]
    # The VM's own access to its lent page: an abort injected, logged.
    assert "abort injected" in out, out[-3000:]
    assert "refused" in out



@secure_only
def test_another_vms_handle_is_refused(tmp_path):
    # The owner (VM 1) shares a page; the partition retrieves it and tells the other VM
    # (VM 2) its handle; that VM's MEM_RECLAIM is refused at Normal EL2 (the SPMC cannot
    # tell two VMs apart: both come from the hypervisor), and the owner's succeeds after.
    cfg = write_config(tmp_path / "vms.dts", {
        "owner": {"kernel": FFAGUEST, "memory": "64M", "cpus": 1, "bootargs": "ffa=mem-owner"},
        "thief": {"kernel": FFAGUEST, "memory": "64M", "cpus": 1, "bootargs": "ffa=mem-thief"}})
    rc, out, err = triad_run("--config", cfg, "--sp", FFASP, "--pcpus", "2", timeout=240)
    assert rc == 0, err
    # Each VM's own console (their lines interleave on the shared one).
    assert summary(console_of(out, "owner")) == (13, 0), out[-3000:]
    assert summary(console_of(out, "thief")) == (3, 0), out[-3000:]
    assert "not a handle of its own" in out


@secure_only
def test_pages_a_partition_holds_stay_out_of_a_reset_vm():
    # The VM lends a page, the partition retrieves it, the VM resets: the reclaim Triad
    # makes then is DENIED, so the page stays out of the VM's stage 2 in its next life.
    rc, out, err = triad_run("--kernel", FFAGUEST, "--sp", FFASP, "--mem", "64M",
                             "--append", "ffa=mem-reset", timeout=240)
    assert rc == 0, err
    assert "pages still held by the secure world: kept out of its memory" in out, out[-3000:]
    assert ("ffaguest: PASS after the reset, the page the partition holds is out of reach"
            in out), out[-3000:]
    assert "ffaguest: FAIL" not in out


@pytest.fixture
def sock():
    # A Unix socket path must be short: not under pytest's deep tmp_path.
    d = tempfile.mkdtemp(prefix="triad-ffamem-")
    yield os.path.join(d, "ctl.sock")
    if os.path.exists(os.path.join(d, "ctl.sock")):
        os.unlink(os.path.join(d, "ctl.sock"))
    os.rmdir(d)


@secure_only
def test_a_vm_whose_memory_a_partition_holds_is_not_saved_and_its_ram_is_quarantined(
        tmp_path, sock):
    # The VM lends a page, the partition retrieves it and keeps it. A snapshot is refused
    # (EBUSY: it could not hold the page); destroying the VM keeps its RAM out of Triad's
    # free memory, since the partition may still write the page.
    cfg = write_config(tmp_path / "vms.dts", {
        "owner": {"kernel": FFAGUEST, "memory": "64M", "cpus": 1, "bootargs": "ffa=mem-hold"},
        "other": {"kernel": HOG, "memory": "16M", "cpus": 1}})
    r = Run("--config", cfg, "--sp", FFASP, "--pcpus", "2", "--control", sock)
    try:
        r.expect(r"ffaguest: holding")
        with Client(sock) as c:
            with pytest.raises(MgmtError) as e:
                c.save("owner")
            assert e.value.status == -4, e.value
            assert "secure world" in e.value.reason, e.value.reason
            c.call("DESTROY", struct.pack("<I", c.vm_id("owner")))
        r.expect(r"VM 'owner': 1 memory transactions still held by the secure world: its RAM "
                 r"is quarantined")
        r.expect(r"VM 'owner': 64 MB of RAM quarantined: never reused")
        r.expect(r"VM \d+ 'owner' destroyed")
    finally:
        r.kill()
