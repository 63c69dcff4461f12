"""Stopping the machine gracefully (README, triad-run): SIGTERM presses the machine's power
key, Triad presses each guest's, and the run ends with Triad's status: 0 when every guest
powered off, 2 when one had to be stopped after the grace period."""
import os
import signal
import subprocess
import time

from triad import GUESTS, INITRAMFS, LINUX_6_1, TRIAD_RUN, with_mode

HOG = os.path.join(GUESTS, "hog-spin.bin")


def start(tmp_path, *args):
    pidfile = tmp_path / "triad-run.pid"
    p = subprocess.Popen([TRIAD_RUN, "--unattended", "--timeout", "400", "--pidfile",
                          str(pidfile)] + with_mode(list(args)),
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, errors="replace")
    return p, pidfile


def wait_for(p, path, what, timeout=300):
    deadline = time.monotonic() + timeout
    out = ""
    while time.monotonic() < deadline:
        line = p.stdout.readline()
        if not line:
            break
        out += line
        if what in line:
            return out
    raise AssertionError(f"no {what!r}:\n{out[-3000:]}")


def test_sigterm_powers_a_linux_guest_off_cleanly(tmp_path):
    p, pidfile = start(tmp_path, "--kernel", LINUX_6_1, "--initrd", INITRAMFS, "--mem", "256M",
                       "--stop-grace", "60")
    try:
        wait_for(p, pidfile, "triad-powerkey: watching GPIO line")
        assert int(pidfile.read_text()) == p.pid  # --pidfile names triad-run
        os.kill(int(pidfile.read_text()), signal.SIGTERM)
        out, err = p.communicate(timeout=200)
    finally:
        p.kill()
    assert p.returncode == 0, err
    assert "asking the guests to power off" in err
    assert "the host asks every guest to power off (power key, 1 VM(s))" in out
    assert "reboot: Power down" in out and "VM 'guest' powered off" in out
    assert not pidfile.exists()


def test_a_guest_that_ignores_the_power_key_is_stopped_after_the_grace(tmp_path):
    p, pidfile = start(tmp_path, "--kernel", HOG, "--mem", "16M", "--stop-grace", "3")
    try:
        wait_for(p, pidfile, "power key: GPIO line 3")
        time.sleep(1)
        os.kill(p.pid, signal.SIGTERM)
        out, err = p.communicate(timeout=120)
    finally:
        p.kill()
    assert p.returncode == 2, err
    assert "did not power off within 3 s of the host's request" in out + err


def test_a_second_signal_stops_at_once(tmp_path):
    p, pidfile = start(tmp_path, "--kernel", HOG, "--mem", "16M", "--stop-grace", "600")
    try:
        wait_for(p, pidfile, "power key: GPIO line 3")
        os.kill(p.pid, signal.SIGTERM)
        time.sleep(2)
        t0 = time.monotonic()
        os.kill(p.pid, signal.SIGTERM)
        out, err = p.communicate(timeout=60)
        assert time.monotonic() - t0 < 30
    finally:
        p.kill()
    assert p.returncode == 4 and "stopped by a signal" in err, err
