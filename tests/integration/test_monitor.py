"""Triad's EL3 monitor (--secure): the machine boots in the monitor at EL3, which boots the
secure world (Triad at Secure EL2 hosting OP-TEE at Secure EL1), starts Triad at Normal EL2
and serves its PSCI calls and trusted-OS calls; everything above runs as before."""
import re

import pytest

from triad import (BADGUEST, FIQ_HANG_OPTEE, INITRAMFS, LINUX_6_1, PROMPT, ROGUE_OPTEE, SECURE,
                   STUCK_OPTEE, TEEGUEST, ext4_image, triad_run)


def test_monitor_boots_the_stack_and_serves_psci(run):
    r = run("--secure", "--kernel", LINUX_6_1, "--initrd", INITRAMFS, "--mem", "256M",
            "--cpus", "2", "--pcpus", "2")
    r.expect(r"\[monitor\] Triad EL3 monitor")
    r.expect(r"\[monitor\] secure world: Triad S-EL2 and OP-TEE loaded")
    r.expect(r"\[monitor\] starting the hypervisor at Normal EL2")
    r.expect(r"\[monitor\] secure world up: Triad at S-EL2, OP-TEE at S-EL1")
    r.expect(r"Triad hypervisor, 2 CPU\(s\)")  # CPU 1 came up through the monitor's CPU_ON
    # Normal EL2 -> EL3 -> Secure EL2 -> OP-TEE and back: its UID and revisions.
    r.expect(r"secure world: OP-TEE OS 4\.5 \(API 2\.0, UID 384fb3e0-e7f8-11e3-af63-"
             r"0002a5d5c51b\)")
    r.expect(re.escape(PROMPT))
    out = r.shell("grep -c ^processor /proc/cpuinfo; for i in 1 2 3; do "
                  "echo 0 > /sys/devices/system/cpu/cpu1/online; "
                  "echo 1 > /sys/devices/system/cpu/cpu1/online; done; "
                  "cat /sys/devices/system/cpu/online")
    # Each CPU_OFF and CPU_ON went through OP-TEE's own CPU off and on entries.
    assert out.split()[0] == "2" and out.strip().endswith("0-1"), out
    r.send("poweroff -f\n")
    assert r.wait() == 0  # Triad's SYSTEM_OFF reached the monitor, which powered off


def test_monitor_without_a_secure_world_answers_trusted_os_calls_unknown(run):
    r = run("--secure", "--optee", "none", "--kernel", LINUX_6_1, "--initrd", INITRAMFS,
            "--mem", "128M")
    r.expect(r"secure world: no OP-TEE \(trusted OS UID call answered 0xffffffff\)")
    r.expect(re.escape(PROMPT))
    r.send("poweroff -f\n")
    assert r.wait() == 0
    assert "secure world up" not in r.out


def test_monitor_stack_runs_disks_network_and_pci_passthrough(run, tmp_path):
    image = ext4_image(tmp_path / "disk.img", size_mb=16, files={"f": "under the monitor\n"})
    r = run("--secure", "--kernel", LINUX_6_1, "--initrd", INITRAMFS, "--mem", "256M",
            "--disk", image, "--net", "user", "--passthrough", "virtio-net-pci")
    r.expect(re.escape(PROMPT))
    out = r.shell("mkdir -p /mnt; mount /dev/vda /mnt && cat /mnt/f; ping -c 1 -W 5 10.0.2.2; "
                  "basename $(readlink /sys/bus/pci/devices/0000:00:02.0/driver); "
                  "ls /sys/bus/pci/devices/0000:00:02.0/ | grep -c virtio")
    assert "under the monitor" in out and "1 packets received" in out, out
    # The PCIe NIC is bound to the guest's virtio-pci driver, which found the device
    # behind it: its registers and DMA (through the SMMU) work under the monitor too.
    assert re.search(r"^virtio-pci$", out, re.M) and re.search(r"^1$", out, re.M), out
    r.send("poweroff -f\n")
    assert r.wait() == 0


def test_monitor_mistakes(tmp_path):
    status, _, err = triad_run("--secure", "--monitor", str(tmp_path / "none.bin"), "--kernel",
                               LINUX_6_1)
    assert status == 1 and "monitor binary" in err, err
    status, _, err = triad_run("--secure", "--kernel", LINUX_6_1, "--passthrough", "uart1")
    assert status == 1 and "secure world's UART" in err, err


def test_no_secure_boots_triad_alone():
    status, out, err = triad_run("--no-secure", "--kernel", LINUX_6_1, "--dry-run")
    assert status == 0 and "secure=on" not in out and "-bios" not in out, out
    status, out, err = triad_run("--secure", "--kernel", LINUX_6_1, "--dry-run")
    assert status == 0 and "secure=on" in out and "-bios" in out, out
    status, _, err = triad_run("--secure", "--no-secure", "--kernel", LINUX_6_1)
    assert status != 0 and "not allowed with" in err, err


@pytest.mark.skipif(not SECURE, reason="once, on the default machine")
def test_optee_that_never_boots_is_left_out(tmp_path):
    """An OP-TEE that hangs (or panics) before ENTRY_DONE: Triad at S-EL2 gives it 20 s, then
    the machine boots without a secure world instead of not at all."""
    spin = tmp_path / "spin-optee.bin"
    spin.write_bytes(bytes.fromhex("00000014"))  # b .
    rc, out, err = triad_run("--secure", "--optee", str(spin), "--kernel", BADGUEST,
                             "--cpus", "2", "--mem", "64M", "--timeout", "200")
    assert "[monitor] error: OP-TEE did not finish booting within 20 s" in out, out
    assert "secure world: no OP-TEE" in out, out
    assert re.search(r"badguest: \d+ passed, 0 failed", out), out[-3000:]
    assert rc == 0, err


@pytest.mark.skipif(not SECURE, reason="once, on the default machine")
def test_optee_that_stops_answering_is_cut_off():
    """An OP-TEE that panics after booting (a stand-in that never returns from a yielding
    call, interrupts masked): Triad at S-EL2 gives each entry into it 10 s, then the monitor
    reports it and restarts it from its image: the hung call ends with TARGET_DEAD, the
    restarted stand-in answers the next call, and the VM finishes."""
    rc, out, err = triad_run("--secure", "--optee", STUCK_OPTEE, "--kernel", TEEGUEST,
                             "--append", "tee-role=stuck", "--mem", "64M", "--pcpus", "2",
                             "--timeout", "200")
    assert re.search(r"\[monitor\] error: OP-TEE stopped answering: no return within 10 s "
                     r"\(it was at \w+\): restarting OP-TEE from its image \(restart 1\)",
                     out), out[-3000:]
    assert re.search(r"\[monitor\] OP-TEE is back \(restart 1, \d+ ms\)", out), out[-3000:]
    assert re.search(r"teeguest: 3 passed, 0 failed", out), out[-3000:]
    assert rc == 0, err


@pytest.mark.skipif(not SECURE, reason="once, on the default machine")
def test_optee_cannot_write_to_secure_el2():
    """OP-TEE runs behind a stage 2 of Triad at S-EL2's making: a stand-in whose yielding
    call writes into S-EL2's first page faults at that address; the monitor reports it and
    OP-TEE is restarted (without stage 2 the write lands and the call answers OK)."""
    rc, out, err = triad_run("--secure", "--optee", ROGUE_OPTEE, "--kernel", TEEGUEST,
                             "--append", "tee-role=stuck", "--mem", "64M", "--pcpus", "2",
                             "--timeout", "200")
    assert re.search(r"\[monitor\] error: the secure world failed \(ESR 0x93\w+, "
                     r"address 0xe020000, ELR \w+\): restarting OP-TEE", out), out[-3000:]
    assert re.search(r"teeguest: 3 passed, 0 failed", out), out[-3000:]
    assert rc == 0, err



@pytest.mark.skipif(not SECURE, reason="once, on the default machine")
@pytest.mark.parametrize("hook, fault", [
    ("write-text", r"permission fault: S-EL2 wrote to 0x0+e020000 \(its text\)"),
    ("exec-data", r"permission fault: S-EL2 executed at 0x\w+ \(its data\)")],
    ids=["write-text", "exec-data"])
def test_secure_el2_cannot_write_its_text_or_execute_its_data(hook, fault):
    """Triad at S-EL2 runs with its own stage 1: text read-only, data never executable. The
    test hook (--sel2-fault) makes it write its first instruction, or call a RET it keeps
    in its data, at its cold boot: its exception handler names the fault, the monitor
    reports the secure world failed and the machine boots without it (with the MMU off
    both go through silently and OP-TEE boots: checked)."""
    rc, out, err = triad_run("--secure", "--sel2-fault", hook, "--kernel", BADGUEST,
                             "--cpus", "2", "--mem", "64M", "--timeout", "200")
    assert re.search(r"\[sel2\] error: " + fault + r" at ELR 0x\w+", out), out[-3000:]
    assert "went through" not in out and "ran as code" not in out, out[-3000:]
    assert re.search(r"\[monitor\] error: the secure world failed \(ESR 0x(9600004f|8600000f), "
                     r"address 0x\w+, ELR 0x\w+\): trusted OS calls now answer NOT_SUPPORTED",
                     out), out[-3000:]
    assert "secure world: no OP-TEE" in out, out[-3000:]
    assert re.search(r"badguest: \d+ passed, 0 failed", out), out[-3000:]
    assert rc == 0, err


@pytest.mark.skipif(not SECURE, reason="once, on the default machine")
def test_secure_interrupt_whose_handling_hangs_is_cut_off():
    """A secure interrupt while the normal world runs goes to EL3 and into OP-TEE's FIQ
    entry. A stand-in (stuckoptee built with FIQ_HANG) arms the secure timer 1 s after its
    boot (its CNTPS accesses, which S-EL2 has the monitor make, read back what was written)
    and hangs in that entry, interrupts masked: the deadline still reaches S-EL2, the
    monitor reports it and restarts the stand-in, which hangs again a second after each
    boot; after 3 restarts it gives up, the interrupt nobody can take any more is switched
    off, and the VM runs on."""
    rc, out, err = triad_run("--secure", "--optee", FIQ_HANG_OPTEE, "--kernel", TEEGUEST,
                             "--append", "tee-role=fiq-hang", "--mem", "64M", "--pcpus", "1",
                             "--timeout", "200")
    assert re.search(r"\[monitor\] error: OP-TEE stopped answering: no return within 10 s "
                     r"\(it was at \w+\): given up after 3 restarts; trusted OS calls now "
                     r"answer NOT_SUPPORTED", out), out[-3000:]
    assert ("[monitor] secure interrupt 29 with no secure world to take it: switched off"
            in out), out[-3000:]
    assert "teeguest: ran for 75 s" in out, out[-3000:]
    assert re.search(r"teeguest: 2 passed, 0 failed", out), out[-3000:]
    assert rc == 0, err


@pytest.mark.skipif(not SECURE, reason="once, on the default machine")
def test_optee_timer_interrupts_reach_it_while_the_normal_world_runs(tmp_path):
    """OP-TEE's callouts run on its secure timer (CNTPS, which S-EL2 has the monitor program
    for it), whose interrupt comes while the normal world runs: Debian's OP-TEE has a
    1-second periodic test callout that logs each run. A VM runs for 6 s; OP-TEE logs its
    callout at least 4 times (counting on), never an interrupt it did not expect, and
    answers afterwards."""
    log = tmp_path / "secure.log"
    rc, out, err = triad_run("--kernel", TEEGUEST, "--append", "tee-role=wait", "--mem", "64M",
                             "--pcpus", "2", "--secure-log", str(log), "--timeout", "200")
    assert re.search(r"teeguest: 2 passed, 0 failed", out), out[-3000:]
    assert rc == 0, err
    secure = log.read_text(errors="replace")
    counts = [int(c) for c in re.findall(r"periodic_callback:\d+ seconds \d+ millis \d+ "
                                         r"count (\d+)", secure)]
    assert len(counts) >= 4 and counts == list(range(1, len(counts) + 1)), secure[-3000:]
    assert "unhandled" not in secure.lower() and "ignoring interrupt" not in secure, \
        secure[-3000:]
