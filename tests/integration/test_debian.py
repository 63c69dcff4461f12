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


def test_debian_boots_from_its_own_disk_to_login_with_systemd_and_ssh(tmp_path):
    assert os.path.isfile(DEBIAN), "make debian-image builds it (make test-full does)"
    image = str(tmp_path / "debian.img")
    subprocess.run(["cp", "--sparse=always", DEBIAN, image], check=True)
    port = free_port()
    r = Run("--boot", "disk", "--disk", image, "--mem", "1G", "--net",
            f"user,hostfwd=tcp::{port}-:22", timeout=BOOT * 2)
    try:
        r.expect(r"Retrieving file: /boot/vmlinuz-", timeout=BOOT)
        r.expect(r"(?m)^triad-debian login: ", timeout=BOOT)
        r.send("root\n")
        r.expect(r"root@triad-debian:~# ", timeout=120)
        # The test's key (the image's own, if mkdebian was given one, is not relied on).
        with open(KEY + ".pub") as f:
            key = f.read().strip()
        r.send(f"mkdir -p -m 700 /root/.ssh; echo '{key}' >> /root/.ssh/authorized_keys; "
               "chmod 600 /root/.ssh/authorized_keys; echo key-$((6*7))\n")
        r.expect("key-42", timeout=120)
        r.send("echo state=$(systemctl is-system-running --wait)\n")
        state = r.expect(r"state=(\w+)", timeout=BOOT).group(1)
        assert state == "running", r.out[-3000:]
        # ssh through QEMU's user network and Triad's switch.
        deadline = time.monotonic() + 300
        while True:
            res = ssh(port, "uname -m; cat /proc/cmdline; ip -4 addr show eth0")
            if res.returncode == 0 or time.monotonic() > deadline:
                break
            time.sleep(5)
        assert res.returncode == 0, res.stderr
        assert res.stdout.startswith("aarch64"), res.stdout
        assert "root=/dev/vda1" in res.stdout and "10.0.2.15" in res.stdout, res.stdout
        r.send("poweroff\n")
        assert r.wait(timeout=BOOT) == 0
    finally:
        r.kill()


def test_sigterm_shuts_debian_down_cleanly(tmp_path):
    """The host's SIGTERM presses the machine's power key; Triad presses the guest's (a
    gpio-keys power button on its PL061), systemd-logind powers the system off, and the run
    ends with status 0 and the root file system unmounted cleanly (no journal to replay)."""
    assert os.path.isfile(DEBIAN), "make debian-image builds it (make test-full does)"
    image = str(tmp_path / "debian.img")
    subprocess.run(["cp", "--sparse=always", DEBIAN, image], check=True)
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
