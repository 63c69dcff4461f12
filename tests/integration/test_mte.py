"""MTE for guests (triad-run --mte, `mte;` in a config): a VM with MTE tags its memory and
gets tag check faults in synchronous, asynchronous and asymmetric mode, and keeps its tag
registers while other VMs run on its CPU; a VM without it finds MTE hidden; tags never
reach the next VM to get the memory, nor the same VM after a reset
(tests/guests/mteguest; docs/isolation.md)."""
import os
import re
import struct
import sys
import tempfile
import zlib

import pytest

from triad import (BADGUEST, GUESTS, INITRAMFS, LINUX_6_1, PROMPT, ROOT, SECURE, Run, console_of,
                   triad_run, write_config)

sys.path.insert(0, os.path.join(ROOT, "tools"))
from triad_mgmt import Client, MgmtError  # noqa: E402

MTEGUEST = os.path.join(GUESTS, "mteguest.bin")
FWTEST = os.path.join(GUESTS, "fwtest.bin")
HEADER_SIZE = struct.calcsize("<8sIIQII48s")  # docs/snapshot.md: the file's header


def summary(con, name):
    m = re.search(r"mteguest: (\d+) passed, (\d+) failed", con)
    assert m, f"VM {name}: no summary\n{con[-3000:]}"
    return int(m.group(1)), int(m.group(2))


def test_tag_checks_and_registers_with_two_mte_vms_and_one_without(tmp_path):
    vm = {"kernel": MTEGUEST, "memory": "16M", "cpus": 1, "affinity": [0x1]}
    cfg = write_config(tmp_path / "vms.dts", {
        "a": dict(vm, bootargs="mte-a", mte=True),
        "b": dict(vm, bootargs="mte-b", mte=True),
        "c": dict(vm, bootargs="no-mte"),
    })
    rc, out, err = triad_run("--config", cfg, "--mte", "--pcpus", "1", "--timeout", "300")
    assert "PANIC" not in out
    fails = [f"VM {n}: {l}" for n in "abc" for l in console_of(out, n).splitlines()
             if "FAIL" in l]
    assert not fails, "\n".join(fails)
    level = int(re.search(r"MTE: guests may have allocation tags \(FEAT_MTE(\d)\)", out).group(1))
    assert level == 3, out[-3000:]  # QEMU's max: MTE3, so the asymmetric checks ran
    for name in "ab":
        con = console_of(out, name)
        assert "mteguest: MTE level 3 " in con and "mteguest: tags checked" in con, con[-2000:]
        # ID register, 4 IRG/STG/ADDG/LDG, 2 sync, 3 async, 4 asymmetric, 16 rounds of 3
        # registers
        assert summary(con, name) == (62, 0), con[-2000:]
    con = console_of(out, "c")  # 2 ID registers, 5 UNDEF, 16 rounds of 3
    assert "mteguest: MTE hidden" in con and summary(con, "c") == (55, 0), con[-2000:]
    for name in "abc":
        assert re.search(rf"VM '{name}' vCPU 0: ran \d+ ms on CPUs mask 0x1 ", out), out[-2000:]
    assert rc == 0, err


def test_mte_without_the_machines_tags_is_refused(tmp_path):
    # QEMU's virt without mte=on has no allocation tags (ID_AA64PFR1_EL1.MTE below 2).
    cfg = write_config(tmp_path / "vms.dts", {
        "m": {"kernel": MTEGUEST, "memory": "16M", "cpus": 1, "mte": True}})
    rc, out, err = triad_run("--config", cfg, "--timeout", "120")
    assert rc != 0 and "VM 'm': MTE asked for, but this machine has no allocation tags" in \
        out, (rc, out[-2000:])


def test_realm_with_mte_is_refused(tmp_path):
    rc, out, err = triad_run("--kernel", MTEGUEST, "--realm", "--mte", timeout=30)
    assert rc == 1 and "--mte: a realm has no MTE" in err, (rc, err)
    cfg = write_config(tmp_path / "vms.dts", {
        "r": {"kernel": MTEGUEST, "memory": "16M", "cpus": 1, "realm": True, "mte": True}})
    rc, out, err = triad_run("--config", cfg, "--mte", timeout=30)
    assert rc == 1 and "a realm has no MTE" in err, (rc, err)


@pytest.fixture
def sock():
    d = tempfile.mkdtemp(prefix="triad-mte-")
    yield os.path.join(d, "ctl.sock")
    if os.path.exists(os.path.join(d, "ctl.sock")):
        os.unlink(os.path.join(d, "ctl.sock"))
    os.rmdir(d)


def bundle(tmp_path, name, bootargs):
    sys.path.insert(0, os.path.join(os.path.dirname(__file__)))
    from test_lifecycle import one_vm_bundle
    return one_vm_bundle(tmp_path, name, kernel=MTEGUEST, memory="16M", cpus=1,
                         bootargs=bootargs, mte=True)


def test_tags_never_reach_the_next_vm(tmp_path, sock):
    """A VM tags 8 MB of its RAM and is destroyed; the next VM, given the same physical
    memory, reads only zero tags there (Triad scrubs tags with the data: DC GZVA)."""
    cfg = write_config(tmp_path / "vms.dts",
                       {"idle": {"kernel": MTEGUEST, "memory": "16M", "cpus": 1,
                                 "bootargs": "no-mte"}})
    r = Run("--config", cfg, "--mte", "--pcpus", "1", "--control", sock)
    try:
        r.expect(r"MB free after creating")
        with Client(sock, timeout=120) as c:
            vid = c.create(bundle(tmp_path, "tagger", "tag-fill"))
            pa = r.expect(r"VM \d+ 'tagger' created: .* RAM at PA (0x[0-9a-f]+)").group(1)
            c.start(vid)
            r.expect_vm("tagger", r"mteguest: tagged 8 MB with tag \d+", timeout=300)
            c.destroy(vid)
            r.expect(r"VM \d+ 'tagger' destroyed")
            vid = c.create(bundle(tmp_path, "reader", "tag-check"))
            again = r.expect(r"VM \d+ 'reader' created: .* RAM at PA (0x[0-9a-f]+)").group(1)
            assert again == pa, "the reader did not get the tagger's memory: no test"
            c.start(vid)
            m = r.expect_vm("reader", r"mteguest: (\d+) passed, (\d+) failed", timeout=300)
            assert m.group(2) == "0", r.console("reader")[-2000:]
            assert "mteguest: tags read, 0 not zero" in r.console("reader")
    finally:
        r.kill()
    assert "PANIC" not in r.out


def test_tags_scrubbed_at_reset(tmp_path):
    """A VM that tags its memory and resets itself finds zero tags after each reset."""
    r = Run("--kernel", MTEGUEST, "--mem", "16M", "--append", "tag-reset", "--mte")
    try:
        for boot in range(3):
            m = r.expect(r"mteguest: tags read, (\d+) not zero", timeout=300)
            assert m.group(1) == "0", r.out[-2000:]
            r.expect(r"mteguest: tagged 8 MB", timeout=300)
    finally:
        r.kill()
    assert "FAIL" not in r.out and "PANIC" not in r.out


@pytest.mark.skipif(not SECURE, reason="the secure and realm worlds' turns")
def test_other_worlds_leave_the_normal_worlds_tag_registers():
    """With the machine's tags the monitor sets SCR_EL3.ATA for every world, but only Normal
    EL2 lets its guests at tags: fwtest, in Triad's place, finds its GCR_EL1, RGSR_EL1,
    TFSR_EL1, TFSRE0_EL1 and TFSR_EL2 as it left them after FF-A, OP-TEE, RMI calls and a
    REC_ENTER (five registers more than on a machine without tags)."""
    counts = []
    for mte in ([], ["--mte"]):
        status, out, err = triad_run("--secure", "--triad", FWTEST, "--kernel", BADGUEST,
                                     "--mem", "64M", "--timeout", "120", *mte)
        assert status == 6 and "fwtest: FAIL" not in out, (status, out[-3000:], err)
        m = re.search(r"fwtest: world switch: (\d+) system registers, .* kept across "
                      r"FF-A, OP-TEE, RMI and REC_ENTER", out)
        assert m, out[-3000:]
        counts.append(int(m.group(1)))
    assert counts[1] == counts[0] + 5, counts


def test_linux_finds_mte(run):
    """Debian's Linux 6.1 with --mte detects MTE and asymmetric tag checks at boot, lists
    mte and mte3 in its Features, and a program's tag check faults reach it as SIGSEGV;
    then it powers off cleanly. (Linux's own MTE self-tests are not in the initramfs.)"""
    r = run("--kernel", LINUX_6_1, "--initrd", INITRAMFS, "--mem", "256M", "--mte")
    r.expect_all(r"CPU features: detected: Memory Tagging Extension",
                 r"CPU features: detected: Asymmetric MTE Tag Check Fault")
    r.expect(re.escape(PROMPT))
    features = r.shell("grep -m1 Features /proc/cpuinfo")
    assert re.search(r"\bmte\b", features) and re.search(r"\bmte3\b", features), features
    # User space gets tagged memory (PROT_MTE) and its tag check faults as SIGSEGV:
    # SEGV_MTESERR (9) in sync mode, SEGV_MTEAERR (8) in async mode (triad-mte).
    for mode, code in (("sync", 9), ("async", 8)):
        out = r.shell(f"triad-mte {mode}; echo rc=$?")
        assert re.search(rf"mte: {mode} tag \d+ right ok, wrong: SIGSEGV si_code {code}\n"
                         r"rc=0", out), out
    r.send("poweroff -f\n")
    assert r.wait() == 0
    assert "PANIC" not in r.out


def test_snapshot_keeps_tags_and_tag_registers(tmp_path, sock):
    """An MTE VM's snapshot (format 4) holds its memory's tags and its tag registers: the
    copy restored from it finds its 8 MB of tags, TFSR_EL1.TF0, GCR_EL1 and RGSR_EL1 as
    they were. The same file given as format 3 is refused (no MTE section there), while a
    VM without MTE saved and given as format 3 still restores."""
    cfg = write_config(tmp_path / "vms.dts", {
        "tagged": {"kernel": MTEGUEST, "memory": "16M", "cpus": 1, "bootargs": "tag-keep",
                   "mte": True},
        "plain": {"kernel": os.path.join(GUESTS, "hog-spin.bin"), "memory": "16M", "cpus": 1}})
    r = Run("--config", cfg, "--mte", "--pcpus", "2", "--control", sock)
    try:
        r.expect_vm("tagged", r"mteguest: round 1: tags kept", timeout=300)
        with Client(sock, timeout=120) as c:
            data = c.save("tagged")
            assert struct.unpack_from("<I", data, 8)[0] >= 4  # MTE sections from version 4 on
            c.restore(data, "copy")
            for _ in range(2):
                m = r.expect_vm("copy", r"mteguest: round \d+: (tags kept|FAIL)", timeout=300)
                assert m.group(1) == "tags kept", r.console("copy")[-2000:]
            with pytest.raises(MgmtError) as e:
                c.restore(as_format_3(data), "old")
            assert "unknown type 7" in e.value.reason, e.value.reason
            c.restore(as_format_3(c.save("plain")), "plain3")
            assert {v["name"]: v["state"] for v in c.list()}["plain3"] == "running"
        assert "FAIL" not in r.console("copy"), r.console("copy")[-2000:]
        assert "FAIL" not in r.console("tagged"), r.console("tagged")[-2000:]
    finally:
        r.kill()
    assert "PANIC" not in r.out


def as_format_3(data):
    """The file with its header saying format version 3 (and its CRC fixed)."""
    data = bytearray(data)
    struct.pack_into("<I", data, 8, 3)
    struct.pack_into("<I", data, 28, 0)
    struct.pack_into("<I", data, 28, zlib.crc32(bytes(data[:HEADER_SIZE])))
    return bytes(data)


