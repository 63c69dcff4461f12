"""An unmodified Linux (Debian's 7.3) as an Arm CCA Realm under Triad: it finds RSI, boots
to a shell with its console on the unprotected half of its IPA space, and gets an
attestation token through configfs-tsm that a verifier (tools/ccatoken.py) accepts: signed
by the RAK the platform token binds, with the guest's challenge, and the RIM that
tools/realm_measure.py predicts from the kernel, the initrd, the DTB the guest booted with
and its memory size."""
import os
import re
import sys

import pytest

from triad import FULL, INITRAMFS, PROMPT, ROOT, SECURE

sys.path.insert(0, os.path.join(ROOT, "tools"))
import ccatoken  # noqa: E402
import realm_measure  # noqa: E402

LINUX_7_3 = os.path.join(ROOT, ".cache", "guest", "linux-7.3", "Image")
INITRAMFS_REALM = os.path.join(ROOT, "build", "initramfs-realm.cpio.gz")
CPAK = os.path.join(ROOT, "build", "attest", "cpak_pub.bin")
REPORT = "/sys/kernel/config/tsm/report/r0"
MEM = 256 << 20

pytestmark = pytest.mark.skipif(not SECURE, reason="a realm needs the realm world")


def guest_bytes(r, path):
    """A file of the guest, through its console."""
    text = r.shell(f"od -An -v -tx1 {path}", timeout=120)
    return bytes.fromhex("".join(text.split()))


def test_linux_realm_boots_and_attests(run):
    assert INITRAMFS  # the realm's initramfs is built next to the plain one
    r = run("--realm", "--kernel", LINUX_7_3, "--initrd", INITRAMFS_REALM, "--mem", "256M",
            "--machine-mem", "1G")
    r.expect(r"VM 'guest': realm built \(1 REC\(s\), 256 MB of RAM, IPA 40 bits\)")
    r.expect(r"RME: Using RSI version 1\.0")
    r.expect(re.escape(PROMPT), timeout=600)
    # The challenge: 64 bytes, written as octal escapes for busybox's printf.
    challenge = bytes((i * 37 + 11) & 0xff for i in range(64))
    esc = "".join(f"\\{b:03o}" for b in challenge)
    r.shell(f"mkdir {REPORT} && printf '{esc}' > {REPORT}/inblob")
    token = guest_bytes(r, f"{REPORT}/outblob")
    dtb = guest_bytes(r, "/sys/firmware/fdt")
    with open(CPAK, "rb") as f:
        cpak = ccatoken.decode_point(f.read())
    with open(LINUX_7_3, "rb") as f:
        kernel = f.read()
    with open(INITRAMFS_REALM, "rb") as f:
        initrd = f.read()
    rim = realm_measure.linux_realm_rim(kernel, dtb, initrd, MEM)
    claims, _ = ccatoken.verify_cca(token, cpak, challenge=challenge, rim=rim)
    assert claims[ccatoken.HASH_ALGO] == "sha-256"
    # A different challenge is refused: the token answers this one only.
    with pytest.raises(ValueError, match="challenge"):
        ccatoken.verify_cca(token, cpak, challenge=bytes(64), rim=rim)
    r.send("poweroff -f\n")
    assert r.wait() == 0


def test_linux_realm_needs_its_ram_once(run):
    # Its private pages are the VM's own granules delegated in place, not a second set: a
    # 256 MB realm that fills most of its memory fits a 512 MB machine (with Triad, the
    # firmware and the boot bundle), where twice its touched memory would not.
    r = run("--realm", "--kernel", LINUX_7_3, "--initrd", INITRAMFS_REALM, "--mem", "256M",
            "--machine-mem", "512M")
    r.expect(re.escape(PROMPT), timeout=600)
    out = r.shell("triad-work touch 140 && echo touched-all", timeout=600)
    assert "touched-all" in out, out
    r.send("poweroff -f\n")
    assert r.wait() == 0


def realm_with_devices(run, tmp_path):
    disk = tmp_path / "disk.img"
    disk.write_bytes(b"REALMDISK" * 57 + bytes(512 * 2048 - 9 * 57))
    r = run("--realm", "--cpus", "2", "--pcpus", "2", "--kernel", LINUX_7_3, "--initrd",
            INITRAMFS_REALM, "--mem", "256M", "--machine-mem", "1G", "--disk", str(disk),
            "--net", "user")
    r.expect(r"VM 'guest': realm built \(2 REC\(s\)")
    r.expect(r"smp: Brought up 1 node, 2 CPUs", timeout=600)
    r.expect(re.escape(PROMPT), timeout=600)
    return r


def test_linux_realm_smp_and_devices(run, tmp_path):
    """Two vCPUs (CPU_ON through RMI_PSCI_COMPLETE), a virtio disk and NIC reached through
    shared memory."""
    r = realm_with_devices(run, tmp_path)
    assert r.shell("head -c 18 /dev/vda").strip() == "REALMDISKREALMDISK"
    out = r.shell("ping -c 1 10.0.2.2")
    assert "1 packets received" in out, out
    r.send("poweroff -f\n")
    assert r.wait() == 0
    assert "RMI_REC_ENTER failed" not in r.out, r.out


@pytest.mark.skipif(not FULL, reason="make test-full (a second realm boot)")
def test_linux_realm_reset(run, tmp_path):
    """A reset: the realm is taken apart (its granules scrubbed and undelegated) and built
    again, and boots again."""
    r = realm_with_devices(run, tmp_path)
    r.send("reboot -f\n")
    r.expect(r"VM 'guest' requested a reset")
    r.expect(r"VM 'guest': realm built \(2 REC\(s\)")
    r.expect(r"RME: Using RSI version 1\.0", timeout=600)
    r.expect(re.escape(PROMPT), timeout=600)
    r.send("poweroff -f\n")
    assert r.wait() == 0
    # Nothing of the first realm stayed in the realm world.
    assert "could not be undelegated" not in r.out and "REALM_DESTROY failed" not in r.out
