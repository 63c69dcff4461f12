"""FF-A notifications: the test partition (tests/guests/ffasp) notifies a VM and the VM
notifies it, through Triad's SPMC (Secure EL2, which keeps those bitmaps and raises the
Schedule Receiver Interrupt) and Triad at Normal EL2 (which asks the SPMC which VMs have
notifications and raises the Notification Pending Interrupt, virtual SGI 9, in them); two
VMs notify each other through Normal EL2 alone; what a VM or a partition may not do is
refused; Linux's FF-A driver sets notifications up."""
import os
import re

import pytest

from triad import GUESTS, ROOT, SECURE, PROMPT, console_of, triad_run, write_config

FFAGUEST = os.path.join(GUESTS, "ffaguest.bin")
FFASP = os.path.join(GUESTS, "ffasp.bin")
LINUX_7_3 = os.path.join(ROOT, ".cache", "guest", "linux-7.3", "Image")
INITRAMFS_7_3 = os.path.join(ROOT, "build", "initramfs-realm.cpio.gz")

secure_only = pytest.mark.skipif(not SECURE, reason="the SPMC is Triad at Secure EL2")


def summary(out):
    fails = [l for l in out.splitlines() if l.startswith("ffaguest: FAIL")]
    assert not fails, "\n".join(fails)
    m = re.search(r"ffaguest: (\d+) passed, (\d+) failed", out)
    assert m, out[-3000:]
    return int(m.group(1)), int(m.group(2))


@secure_only
def test_a_partition_and_a_vm_notify_each_other():
    # Two vCPUs on two CPUs: the per-vCPU notification for vCPU 1 must reach vCPU 1 (in WFI
    # meanwhile), not vCPU 0.
    rc, out, err = triad_run("--kernel", FFAGUEST, "--sp", FFASP, "--cpus", "2", "--pcpus",
                             "2", "--mem", "64M", "--append", "ffa=notif", timeout=240)
    assert rc == 0, err
    assert "secure world: FF-A notifications, SRI SGI 7, VMs' NPI virtual SGI 9" in out, out
    passed, failed = summary(out)
    assert failed == 0 and passed == 7 + 13 + 6 + 17, out[-4000:]
    assert "[monitor] error" not in out, out[-3000:]
    # The forged calls are refused with an audit line each (within the VM's budget).
    assert "vCPU 0: FF-A notification set with w1 0x28001 refused" in out, out[-3000:]


def test_two_vms_notify_each_other(tmp_path):
    # Both modes: VM-to-VM notifications are Normal EL2's alone (no partition, and with
    # TRIAD_NO_SECURE=1 no secure world at all).
    cfg = write_config(tmp_path / "vms.dts", {
        "one": {"kernel": FFAGUEST, "memory": "32M", "cpus": 1, "bootargs": "ffa=notif-vm"},
        "two": {"kernel": FFAGUEST, "memory": "32M", "cpus": 1, "bootargs": "ffa=notif-vm"}})
    rc, out, err = triad_run("--config", cfg, "--pcpus", "2", timeout=240)
    assert rc == 0, err
    for name in ("one", "two"):
        own = console_of(out, name)
        passed, failed = summary(own)
        assert failed == 0 and passed == 9, own[-3000:]


@secure_only
def test_linux_sets_up_notifications(run):
    # Linux's FF-A driver asks FFA_FEATURES for the bitmap calls (NOT_SUPPORTED to a VM:
    # Triad makes its bitmap), the SRI (Triad's) and the NPI (virtual SGI 9), maps the NPI
    # as a per-CPU interrupt and registers its own notification handling: no error (before,
    # with no NPI: "ARM FF-A: Notification setup failed -95, not enabled").
    r = run("--kernel", LINUX_7_3, "--initrd", INITRAMFS_7_3, "--mem", "256M", "--cpus", "2",
            "--sp", FFASP)
    r.expect(r"ARM FF-A: Firmware version 1\.2 found")
    r.expect(re.escape(PROMPT), timeout=600)
    dmesg = r.shell("dmesg | grep -i -E 'ffa|ff-a|notif'")
    irqs = r.shell("cat /proc/interrupts")
    assert "ARM-FFA" in irqs, irqs
    assert not re.search(r"(?i)notification.*(fail|error)|failed to|error", dmesg), dmesg
    r.send("poweroff -f\n")
    assert r.wait() == 0


@secure_only
def test_a_reset_vm_gets_a_fresh_bitmap():
    # The VM resets (PSCI SYSTEM_RESET) while bits the partition set are pending: Triad takes
    # them and destroys its bitmap in the SPMC, and makes a new one for the new guest, which
    # finds nothing pending or bound and is notified as the first guest was.
    rc, out, err = triad_run("--kernel", FFAGUEST, "--sp", FFASP, "--mem", "64M", "--append",
                             "ffa=notif-reset", timeout=240)
    assert rc == 0, err
    assert "ffaguest: resetting with the bits pending" in out, out[-3000:]
    assert "VM 'guest' restarted" in out, out[-3000:]
    assert "notification bitmap" not in out, out[-3000:]
    passed, failed = summary(out)
    assert failed == 0 and passed == 7 + 4, out[-3000:]
