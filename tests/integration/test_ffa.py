"""FF-A: Triad at Secure EL2 as the SPMC runs a secure partition (tests/guests/ffasp) beside
OP-TEE; Triad at Normal EL2 is the hypervisor endpoint. A VM finds the partition and sends
it direct messages; bad messages from either side are refused; a partition that crashes or
hangs is stopped alone and restarted from its image, a limited number of times; Linux's own
FF-A driver finds the partition."""
import os
import re

import pytest

from triad import (GUESTS, PROMPT, ROOT, SECURE, Run, console_of, console_offset, triad_run,
                    write_config)

FFAGUEST = os.path.join(GUESTS, "ffaguest.bin")
FFASP = os.path.join(GUESTS, "ffasp.bin")
FFASP_MP = os.path.join(GUESTS, "ffasp-mp.bin")
FFASP2 = os.path.join(GUESTS, "ffasp2.bin")
FFASP_BOOTCRASH = os.path.join(GUESTS, "ffasp-bootcrash.bin")
REALMCOUNT = os.path.join(GUESTS, "realmcount.bin")
LINUX_7_3 = os.path.join(ROOT, ".cache", "guest", "linux-7.3", "Image")
INITRAMFS_7_3 = os.path.join(ROOT, "build", "initramfs-realm.cpio.gz")
SP_UUID = "5f4a1e2c-7b3d-4c8e-9a06-1d2f3b4c5d6e"

secure_only = pytest.mark.skipif(not SECURE, reason="the SPMC is Triad at Secure EL2")


def summary(out):
    fails = [l for l in out.splitlines() if l.startswith("ffaguest: FAIL")]
    assert not fails, "\n".join(fails)
    m = re.search(r"ffaguest: (\d+) passed, (\d+) failed", out)
    assert m, out[-3000:]
    return int(m.group(1)), int(m.group(2))


@secure_only
def test_a_vm_finds_the_partition_and_talks_to_it():
    rc, out, err = triad_run("--kernel", FFAGUEST, "--sp", FFASP, "--cpus", "2", "--pcpus",
                             "2", "--mem", "64M", timeout=180)
    assert rc == 0, err
    # Triad learnt the partition from its SPMC at boot.
    assert "[triad] secure world: FF-A 1.2 SPMC, 1 secure partition" in out
    assert f"[triad] secure world: partition 0x8001, UUID {SP_UUID}" in out
    passed, failed = summary(out)
    assert failed == 0 and passed >= 43, out[-3000:]
    # Refused requests are logged, boundedly; nothing failed in the secure world.
    assert "refused" in out and "[monitor] error" not in out


@secure_only
def test_two_partitions_are_apart():
    # ffasp.bin in region 0 and ffasp2.bin (0x8002, its own UUID) in region 1: the VM finds
    # both and each answers as itself; the first asks the second (a partition's direct
    # request) and gets its answer; the second, asked to read the first's memory, faults
    # (each partition's stage 2 is its own region): it is stopped, the first hears ABORTED
    # and goes on; the second is restarted and answers both again.
    rc, out, err = triad_run("--kernel", FFAGUEST, "--sp", FFASP, "--sp", FFASP2, "--mem", "64M",
                             "--append", "ffa=two", timeout=180)
    assert rc == 0, err
    assert "[triad] secure world: FF-A 1.2 SPMC, 2 secure partitions" in out, out
    assert "partition 0x8002, UUID 5f4a1e2c-7b3d-4c8e-9a06-1d2f3b4c5d6f" in out, out
    assert re.search(r"\[monitor\] error: secure partition 0x8002 crashed \(ESR 0x93c0\w+, "
                     r"ELR 0x\w+, address 0xe0a0000\): restarted from its image \(restart 1\)",
                     out), out[-3000:]
    passed, failed = summary(out)
    assert failed == 0 and passed >= 17, out[-3000:]


@secure_only
def test_partitions_registers_outlive_the_normal_worlds_turn(tmp_path):
    # Each partition fills x18-x30 and 20 EL1 system registers with its own pattern
    # (tests/guests/ffasp/sp_regs.h) and answers; the VM writes its own EL1 registers, calls
    # OP-TEE and runs on for 1.5 s while a realm sharing the one CPU counts (REC_ENTERs);
    # each partition then finds all of its values (S-EL2's partition switch); three rounds.
    # A lost one fails by name: "partition 0x8001's registers outlive the normal world's turn: 1 lost,
    # the first TPIDR_EL1, expected 0x... (got ...)".
    cfg = write_config(tmp_path / "vms.dts", {
        "ffa": {"kernel": FFAGUEST, "memory": "64M", "cpus": 1, "bootargs": "ffa=regs"},
        "realm": {"kernel": REALMCOUNT, "memory": "16M", "cpus": 1, "realm": True,
                  "bootargs": "realmcount"}})
    rc, out, err = triad_run("--config", cfg, "--sp", FFASP, "--sp", FFASP2, "--pcpus", "1",
                             timeout=240)
    assert rc == 0, err
    own = console_of(out, "ffa")
    passed, failed = summary(own)
    assert failed == 0 and passed == 7 + 3 * 5 + 1, own[-3000:]
    assert own.count("registers outlive the normal world's turn") == 6, own[-3000:]
    assert "[monitor] error" not in out, out[-3000:]
    # The realm ran between a fill and its check, in at least one of the three rounds.
    realm = console_of(out, "realm")
    counts = [console_offset(out, "realm", f"realmcount: count {k}\n")
              for k in range(1, 11) if f"realmcount: count {k}\n" in realm]
    starts = [console_offset(out, "ffa", f"ffaguest: round {k}\n") for k in (1, 2, 3)]
    ends = [console_offset(out, "ffa", f"ffaguest: round {k}  checked") for k in (1, 2, 3)]
    assert any(s < c < e for s, e in zip(starts, ends) for c in counts), out[-5000:]


@secure_only
def test_a_partition_linked_for_another_region_is_not_started():
    # ffasp2.bin is linked for region 1; given first, it is loaded in region 0: refused
    # before it runs, with a reason.
    rc, out, err = triad_run("--kernel", FFAGUEST, "--sp", FFASP2, "--mem", "64M", "--append",
                             "ffa=absent", timeout=180)
    assert rc == 0, err
    assert ("[monitor] error: secure partition linked for another region than the one it was "
            "loaded in") in out, out
    assert "FF-A 1.2 SPMC, 0 secure partitions" in out
    passed, failed = summary(out)
    assert failed == 0 and passed == 5, out[-3000:]


@secure_only
def test_a_partition_with_a_context_per_cpu_serves_cpus_in_parallel():
    # The same checks against ffasp-mp.bin (8 execution contexts): discovery reports 8, and
    # of the 4,000 requests two vCPUs on two CPUs send at once, none is BUSY (each CPU's
    # context booted when its CPU came up, and serves it alone).
    rc, out, err = triad_run("--kernel", FFAGUEST, "--sp", FFASP_MP, "--append", "ffa=mp",
                             "--cpus", "2", "--pcpus", "2", "--mem", "64M", timeout=180)
    assert rc == 0, err
    passed, failed = summary(out)
    assert failed == 0 and passed >= 44, out[-3000:]
    assert "ffaguest: busy answers 0" in out, out[-3000:]
    assert "[monitor] error" not in out


@secure_only
def test_optee_interrupts_wait_while_the_partition_runs(tmp_path):
    """The partition is busy for 2.5 s in one request while OP-TEE's 1-second timer
    interrupts come (one CPU): they are held until it answers, not lost (OP-TEE's callout
    runs afterwards) and not its end (it answers, and the next request too)."""
    log = tmp_path / "secure.log"
    rc, out, err = triad_run("--kernel", FFAGUEST, "--sp", FFASP, "--mem", "64M", "--pcpus", "1",
                             "--append", "ffa=wait", "--secure-log", str(log), timeout=180)
    assert rc == 0, err
    passed, failed = summary(out)
    assert failed == 0 and passed >= 10, out[-3000:]
    assert "[monitor] error" not in out, out[-3000:]
    secure = log.read_text(errors="replace")
    assert re.search(r"periodic_callback:\d+ seconds \d+ millis \d+ count 1\b", secure), \
        secure[-3000:]


@secure_only
@pytest.mark.parametrize("how,why", [
    ("crash-read", r"crashed \(ESR 0x93c0\w+, ELR 0x\w+, address 0xe100000\)"),
    ("crash-fp", r"crashed \(ESR 0x1fe00000, ELR 0x\w+\)"),  # EC 0x07: FP trapped to EL2
    ("spin", r"missed its deadline \(10 s\)"),
])
def test_a_failing_partition_is_stopped_alone_and_restarted(how, why):
    # A stage-2 fault on OP-TEE's memory, FP/SIMD it was never given, an endless loop: the
    # partition is stopped, its requester gets ABORTED, OP-TEE and the VM go on; it is
    # restarted from its image, which the next request finds as it was before it ever ran
    # (the guest checks the partition's counts in its image and zeroed memory).
    rc, out, err = triad_run("--kernel", FFAGUEST, "--sp", FFASP, "--mem", "64M", "--append",
                             f"ffa={how}", timeout=180)
    assert rc == 0, err
    assert re.search(r"\[monitor\] error: secure partition 0x8001 " + why +
                     r": restarted from its image \(restart 1\)\r?\n", out), out[-3000:]
    passed, failed = summary(out)
    assert failed == 0 and passed >= 12, out[-3000:]
    assert "given up" not in out


@secure_only
def test_a_partition_that_keeps_crashing_is_given_up():
    # Restarted SPMC_MAX_RESTARTS (3) times, the fourth crash is its end: logged, and every
    # later request is ABORTED.
    rc, out, err = triad_run("--kernel", FFAGUEST, "--sp", FFASP, "--mem", "64M", "--append",
                             "ffa=crash-read ffa=give-up", timeout=180)
    assert rc == 0, err
    restarts = re.findall(r"\[monitor\] error: secure partition 0x8001 crashed \(ESR 0x93c0\w+, "
                          r"ELR 0x\w+, address 0xe100000\): restarted from its image "
                          r"\(restart (\d)\)\r?\n", out)
    assert restarts == ["1", "2", "3"], out[-3000:]
    assert re.search(r"\[monitor\] error: secure partition 0x8001 crashed \(ESR 0x93c0\w+, "
                     r"ELR 0x\w+, address 0xe100000\): given up after 3 restarts; its "
                     r"messages answer ABORTED\r?\n", out), out[-3000:]
    passed, failed = summary(out)
    assert failed == 0 and passed >= 15, out[-3000:]


@secure_only
def test_a_partition_that_crashes_in_its_boot_is_given_up():
    # ffasp-bootcrash.bin faults in every boot: restarted 3 times, then given up; the
    # secure world's boot goes on and the VM's messages to it are ABORTED.
    rc, out, err = triad_run("--kernel", FFAGUEST, "--sp", FFASP_BOOTCRASH, "--mem", "64M",
                             "--append", "ffa=boot-crash", timeout=180)
    assert rc == 0, err
    restarts = re.findall(r"\[monitor\] error: secure partition 0x8001 crashed \(ESR 0x93c\w+, "
                          r"ELR 0x\w+, address 0xe100000\): restarted from its image "
                          r"\(restart (\d)\)\r?\n", out)
    assert restarts == ["1", "2", "3"], out[-3000:]
    assert re.search(r"crashed \(ESR 0x93c\w+, ELR 0x\w+, address 0xe100000\): given up after 3 "
                     r"restarts; its messages answer ABORTED\r?\n", out), out[-3000:]
    assert "[monitor] secure world up" in out
    passed, failed = summary(out)
    assert failed == 0 and passed >= 9, out[-3000:]


@secure_only
def test_a_partition_with_a_bad_manifest_is_not_started(tmp_path):
    with open(FFASP, "rb") as f:
        image = bytearray(f.read())
    image[0x24:0x28] = (len(image) + 4).to_bytes(4, "little")  # image size past the file
    bad = tmp_path / "bad-sp.bin"
    bad.write_bytes(bytes(image))
    rc, out, err = triad_run("--kernel", FFAGUEST, "--sp", str(bad), "--mem", "64M",
                             "--append", "ffa=absent", timeout=180)
    assert rc == 0, err
    assert "[monitor] error: secure partition image size past the loaded file" in out, out
    assert "FF-A 1.2 SPMC, 0 secure partitions" in out
    assert "secure world: OP-TEE OS" in out  # the secure world itself is up
    passed, failed = summary(out)
    assert failed == 0 and passed == 5, out[-3000:]


def test_without_a_partition_there_is_nothing_to_reach():
    # Both modes: without --sp (and without a secure world at all with --no-secure), a VM's
    # FF-A calls are answered by Triad and find no partition.
    rc, out, err = triad_run("--kernel", FFAGUEST, "--mem", "64M", "--append", "ffa=absent",
                             timeout=180)
    assert rc == 0, err
    passed, failed = summary(out)
    assert failed == 0 and passed == 5, out[-3000:]


def test_sp_needs_the_secure_world():
    rc, _, err = triad_run("--no-secure", "--kernel", FFAGUEST, "--sp", FFASP)
    assert rc != 0 and "--sp needs the secure world" in err


@secure_only
def test_linux_ffa_driver_finds_the_partition(run):
    r = run("--kernel", LINUX_7_3, "--initrd", INITRAMFS_7_3, "--mem", "256M", "--sp", FFASP)
    r.expect(r"ARM FF-A: Firmware version 1\.2 found")
    r.expect(re.escape(PROMPT), timeout=600)
    ids = r.shell("cat /sys/bus/arm_ffa/devices/*/partition_id").split()
    uuids = r.shell("cat /sys/bus/arm_ffa/devices/*/uuid").split()
    assert "0x8001" in ids and SP_UUID in uuids, (ids, uuids)
    r.send("poweroff -f\n")
    assert r.wait() == 0
