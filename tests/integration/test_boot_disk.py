"""A VM that boots the kernel its own disk holds (triad-run --boot disk, boot = "disk"):
Debian's U-Boot for QEMU's virt (u-boot-qemu) is the VM's payload, finds
/boot/extlinux/extlinux.conf on the disk (as Debian's u-boot-menu writes it) and boots the
kernel and initrd it names; what the guest changes in /boot takes effect at its next boot,
as a kernel upgrade inside the guest would (docs/distributions.md)."""
import os
import re
import shutil
import struct
import subprocess
import tempfile

from triad import INITRAMFS, LINUX_6_1, PROMPT, ROOT, triad_run, write_config

UBOOT = os.path.join(ROOT, ".cache", "guest", "u-boot", "u-boot.bin")
EXTLINUX = """default old
timeout 1
label old
  kernel /boot/vmlinuz-old
  initrd /boot/initrd.img-old
  append console=ttyAMA0 triad.marker=old
label new
  kernel /boot/vmlinuz-new
  initrd /boot/initrd.img-new
  append console=ttyAMA0 triad.marker=new
"""


def boot_disk(path, size_mb=96):
    """A disk as a distribution installs it: an MBR with one Linux partition holding an
    ext4 root file system whose /boot has two kernels and an extlinux.conf choosing one."""
    start = 2048  # sectors: the partition at 1 MiB
    with tempfile.TemporaryDirectory() as root:
        os.makedirs(os.path.join(root, "boot", "extlinux"))
        for which in ("old", "new"):
            shutil.copy(LINUX_6_1, os.path.join(root, "boot", f"vmlinuz-{which}"))
            shutil.copy(INITRAMFS, os.path.join(root, "boot", f"initrd.img-{which}"))
        with open(os.path.join(root, "boot", "extlinux", "extlinux.conf"), "w") as f:
            f.write(EXTLINUX)
        with open(path, "wb") as f:
            f.truncate(size_mb << 20)
            f.seek(0x1BE)
            f.write(struct.pack("<B3sB3sII", 0x80, bytes(3), 0x83, bytes(3), start,
                                (size_mb << 11) - start))
            f.seek(510)
            f.write(b"\x55\xaa")
        mkfs = shutil.which("mkfs.ext4") or "/sbin/mkfs.ext4"
        subprocess.run([mkfs, "-q", "-F", "-d", root, "-E", f"offset={start * 512}", str(path),
                        f"{size_mb - 1}M"], check=True)
    return str(path)


def test_the_disks_own_kernel_boots_and_a_change_in_boot_takes_effect_next_time(run,
                                                                                tmp_path):
    image = boot_disk(tmp_path / "debian.img")
    r = run("--boot", "disk", "--disk", image, "--mem", "256M")
    r.expect(r"U-Boot 20\d\d\.\d\d")
    r.expect(r"Retrieving file: /boot/vmlinuz-old")
    r.expect(re.escape(PROMPT))
    assert "triad.marker=old" in r.shell("cat /proc/cmdline")
    # The guest installs its "new kernel": the boot loader's configuration on its disk now
    # names it (what u-boot-menu does after apt installs a kernel).
    r.shell("mkdir -p /mnt; mount /dev/vda1 /mnt; "
            "sed -i 's/^default old/default new/' /mnt/boot/extlinux/extlinux.conf; "
            "umount /mnt; sync")
    r.send("reboot -f\n")
    r.expect(r"Retrieving file: /boot/vmlinuz-new")
    r.expect("triad-guest: userspace up")
    r.expect(re.escape(PROMPT))
    assert "triad.marker=new" in r.shell("cat /proc/cmdline")
    r.send("poweroff -f\n")
    assert r.wait() == 0


def test_config_boot_disk(run, tmp_path):
    boot_disk(tmp_path / "debian.img")
    cfg = write_config(tmp_path / "vms.dts", {
        "deb": {"boot": "disk", "disks": ["debian.img"], "memory": "256M"}})
    r = run("--config", cfg)
    r.expect(r"Retrieving file: /boot/vmlinuz-old")
    r.expect(re.escape(PROMPT))
    r.send("poweroff -f\n")
    assert r.wait() == 0


def test_boot_disk_mistakes_are_reported_before_boot(tmp_path):
    disk = tmp_path / "d.img"
    disk.write_bytes(bytes(1 << 20))
    cases = [
        (["--boot", "disk"], "--boot disk needs --disk"),
        (["--boot", "disk", "--disk", str(disk), "--kernel", LINUX_6_1], "not with --kernel"),
        (["--boot", "disk", "--disk", str(disk), "--realm"], "not with --kernel, --initrd or "
                                                             "--realm"),
        ([], "give --kernel"),
    ]
    for args, message in cases:
        status, _, err = triad_run(*args)
        assert status == 1 and message in err, (args, err)
    for props, message in [
            ({"boot": "disk", "memory": "64M"}, "needs 'disks'"),
            ({"boot": "disk", "disks": ["d.img"], "kernel": LINUX_6_1, "memory": "64M"},
             "no 'kernel', 'initrd' or 'realm'"),
            ({"boot": "flash", "disks": ["d.img"], "memory": "64M"}, "must be \"kernel\" or"),
    ]:
        cfg = write_config(tmp_path / "vms.dts", {"v": props})
        status, _, err = triad_run("--config", cfg)
        assert status == 1 and message in err, (props, err)
    # The firmware is there (make setup put it) for the tests above.
    assert os.path.isfile(UBOOT)
