"""A whole Debian system as people run it (make test-full): bookworm with systemd, sshd and
networkd on a 2 GiB ext4 disk built by tools/mkdebian (`make debian-image`, cached in
.cache/debian/), booted through U-Boot from its own disk (triad-run --boot disk), on the
default machine (secure and realm worlds) and without them (docs/distributions.md)."""
import os
import re
import signal
import socket
import subprocess
import time

import pytest

from triad import FULL, ROOT, Run

DEBIAN = os.path.join(ROOT, ".cache", "debian", "debian.img")
KEY = os.path.join(ROOT, ".cache", "debian", "id_ed25519")
BOOT = 900  # s: systemd under TCG on a loaded 2-core host; a hang detector
# A kernel other than the image's to install inside the guest: Debian's cloud kernel
# (deps.lock), whose .deb make setup keeps in .cache/downloads.
DOWNLOADS = os.path.join(ROOT, ".cache", "downloads")
CLOUD_PKG = "linux-image-6.1.0-50-cloud-arm64"
CLOUD_VERSION = "6.1.0-50-cloud-arm64"

pytestmark = pytest.mark.skipif(not FULL, reason="make test-full (a Debian system, ~3 min)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ssh(port, command):
    return subprocess.run(
        ["ssh", "-i", KEY, "-p", str(port), "-o", "StrictHostKeyChecking=no", "-o",
         "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=20", "-o", "BatchMode=yes",
         "root@127.0.0.1", command], capture_output=True, text=True, timeout=120)


def image_copy(tmp_path):
    """A copy of the cached image for one test: the cached one stays pristine."""
    assert os.path.isfile(DEBIAN), "make debian-image builds it (make test-full does)"
    image = str(tmp_path / "debian.img")
    subprocess.run(["cp", "--sparse=always", "--reflink=auto", DEBIAN, image], check=True)
    return image


def login_as_root(r):
    """Logs in on ttyAMA0 and authorizes the test's ssh key (the image's own, if mkdebian
    was given one, is not relied on)."""
    r.expect(r"(?m)^triad-debian login: ", timeout=BOOT)
    r.send("root\n")
    r.expect(r"root@triad-debian:~# ", timeout=120)
    with open(KEY + ".pub") as f:
        key = f.read().strip()
    r.send(f"mkdir -p -m 700 /root/.ssh; echo '{key}' >> /root/.ssh/authorized_keys; "
           "chmod 600 /root/.ssh/authorized_keys; echo key-$((6*7))\n")
    r.expect("key-42", timeout=120)


def ssh_when_up(port, command, wait=300):
    deadline = time.monotonic() + wait
    while True:
        res = ssh(port, command)
        if res.returncode == 0 or time.monotonic() > deadline:
            return res
        time.sleep(5)


def test_debian_boots_from_its_own_disk_to_login_with_systemd_and_ssh(tmp_path):
    image = image_copy(tmp_path)
    port = free_port()
    r = Run("--boot", "disk", "--disk", image, "--mem", "1G", "--net",
            f"user,hostfwd=tcp::{port}-:22", timeout=BOOT * 2)
    try:
        r.expect(r"Retrieving file: /boot/vmlinuz-", timeout=BOOT)
        login_as_root(r)
        r.send("echo state=$(systemctl is-system-running --wait)\n")
        # The whole word: the console may hand over "state=ru" before "nning".
        state = r.expect(r"state=(\w+)\r?\n", timeout=BOOT).group(1)
        assert state == "running", r.out[-3000:]
        # ssh through QEMU's user network and Triad's switch.
        res = ssh_when_up(port, "uname -m; cat /proc/cmdline; ip -4 addr show eth0")
        assert res.returncode == 0, res.stderr
        assert res.stdout.startswith("aarch64"), res.stdout
        assert "root=/dev/vda1" in res.stdout and "10.0.2.15" in res.stdout, res.stdout
        r.send("poweroff\n")
        assert r.wait(timeout=BOOT) == 0
    finally:
        r.kill()


def test_a_kernel_installed_in_the_guest_boots_next_time(tmp_path):
    """apt's way of installing a kernel, without network access from the guest: Debian's
    cloud kernel package (pinned in deps.lock, in the cache) copied in over ssh and installed
    with dpkg; its postinst builds the initrd and u-boot-menu's hook rewrites extlinux.conf;
    made the default entry (the image's own kernel has the higher ABI number, so it comes
    first); after a reboot within the same run, U-Boot boots the new kernel."""
    image = image_copy(tmp_path)
    debs = [f for f in os.listdir(DOWNLOADS) if f.startswith(CLOUD_PKG + "_")]
    assert debs, f"{CLOUD_PKG} is not in {DOWNLOADS}: make setup fetches it"
    port = free_port()
    r = Run("--boot", "disk", "--disk", image, "--mem", "1G", "--net",
            f"user,hostfwd=tcp::{port}-:22", timeout=BOOT * 4)
    try:
        login_as_root(r)
        before = ssh_when_up(port, "uname -r")
        assert before.returncode == 0, before.stderr
        assert before.stdout.strip() != CLOUD_VERSION, before.stdout
        scp = subprocess.run(
            ["scp", "-i", KEY, "-P", str(port), "-o", "StrictHostKeyChecking=no", "-o",
             "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
             os.path.join(DOWNLOADS, debs[0]), "root@127.0.0.1:/root/kernel.deb"],
            capture_output=True, text=True, timeout=600)
        assert scp.returncode == 0, scp.stderr
        install = subprocess.run(
            ["ssh", "-i", KEY, "-p", str(port), "-o", "StrictHostKeyChecking=no", "-o",
             "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "root@127.0.0.1",
             "dpkg -i /root/kernel.deb && cat /boot/extlinux/extlinux.conf"],
            capture_output=True, text=True, timeout=BOOT)
        assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
        # u-boot-menu's kernel hook listed the new kernel (with its initrd) ...
        entry = re.search(r"(?m)^label (\w+)\n[^\n]*\n\s*linux /boot/vmlinuz-" +
                          re.escape(CLOUD_VERSION) + r"\n\s*initrd /boot/initrd\.img-" +
                          re.escape(CLOUD_VERSION), install.stdout)
        assert entry, install.stdout
        # ... and, told to, makes it the default: u-boot-update as the hook runs it.
        res = ssh(port, f"echo 'U_BOOT_DEFAULT=\"{entry.group(1)}\"' >> /etc/default/u-boot && "
                        "u-boot-update && grep ^default /boot/extlinux/extlinux.conf")
        assert res.returncode == 0 and f"default {entry.group(1)}" in res.stdout, res
        r.send("reboot\n")
        # The VM restarts within the run: U-Boot again, then the new kernel.
        r.expect(r"Retrieving file: /boot/vmlinuz-" + re.escape(CLOUD_VERSION), timeout=BOOT)
        login_as_root(r)
        after = ssh_when_up(port, "uname -r")
        assert after.returncode == 0, after.stderr
        assert after.stdout.strip() == CLOUD_VERSION, after.stdout
        r.send("poweroff\n")
        assert r.wait(timeout=BOOT) == 0
    finally:
        r.kill()


def has_esp(image):
    """Whether the image has tools/mkdebian's EFI System Partition (MBR entry 2, type 0xef):
    images built before it had none."""
    with open(image, "rb") as f:
        f.seek(0x1BE + 16 + 4)
        return f.read(1) == b"\xef"


def test_debian_boots_through_uefi(tmp_path):
    """The same system through EDK2 (--firmware uefi): its boot manager runs GRUB from the
    ESP's removable-media path, GRUB boots /vmlinuz, systemd reaches login; the system sees
    UEFI."""
    if not has_esp(DEBIAN):
        pytest.skip("the image has no EFI System Partition (tools/mkdebian makes none yet: "
                    "docs/distributions.md)")
    image = image_copy(tmp_path)
    port = free_port()
    r = Run("--boot", "disk", "--firmware", "uefi", "--disk", image, "--mem", "1G", "--net",
            f"user,hostfwd=tcp::{port}-:22", timeout=BOOT * 2)
    try:
        r.expect(r"UEFI firmware \(version", timeout=BOOT)
        login_as_root(r)
        res = ssh_when_up(port, "test -d /sys/firmware/efi && echo uefi; uname -r")
        assert res.returncode == 0 and "uefi" in res.stdout, res
        r.send("poweroff\n")
        assert r.wait(timeout=BOOT) == 0
    finally:
        r.kill()


def test_sigterm_shuts_debian_down_cleanly(tmp_path):
    """The host's SIGTERM presses the machine's power key; Triad presses the guest's (a
    gpio-keys power button on its PL061), systemd-logind powers the system off, and the run
    ends with status 0 and the root file system unmounted cleanly (no journal to replay)."""
    image = image_copy(tmp_path)
    r = Run("--boot", "disk", "--disk", image, "--mem", "1G", "--stop-grace", "300",
            timeout=BOOT * 2)
    try:
        r.expect(r"(?m)^triad-debian login: ", timeout=BOOT)
        r.proc.send_signal(signal.SIGTERM)
        assert r.wait(timeout=BOOT) == 0, r.out[-3000:]
        assert "reboot: Power down" in r.out, r.out[-3000:]
    finally:
        r.kill()
    dump = subprocess.run(["dumpe2fs", "-h", f"{image}?offset=1048576"], capture_output=True,
                          text=True, check=True).stdout
    assert re.search(r"(?m)^Filesystem state:\s+clean$", dump), dump
    assert "needs_recovery" not in dump, dump
