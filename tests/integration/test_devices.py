"""Emulated devices beyond the console: the PL031 real-time clock."""
import re
import time

from triad import INITRAMFS, LINUX_6_1, PROMPT


def boot(run):
    r = run("--kernel", LINUX_6_1, "--initrd", INITRAMFS, "--mem", "256M")
    r.expect(re.escape(PROMPT))
    return r


def test_rtc_gives_wall_clock_time_alarms_and_keeps_what_the_guest_sets(run):
    r = boot(run)
    assert "rtc-pl031" in r.shell("dmesg | grep 'registered as rtc0'")
    # The guest's clock is the host's (Triad read the machine's RTC, which QEMU sets
    # from the host).
    guest = int(r.shell("cat /sys/class/rtc/rtc0/since_epoch"))
    assert abs(guest - time.time()) < 5, (guest, time.time())
    # An alarm two seconds ahead raises the RTC's interrupt once, and is consumed.
    out = r.shell("echo +2 > /sys/class/rtc/rtc0/wakealarm; sleep 4; "
                  "grep rtc-pl031 /proc/interrupts; cat /sys/class/rtc/rtc0/wakealarm")
    assert re.search(r":\s+1\s.*rtc-pl031", out), out
    # The guest sets its own time; it keeps running from there, and survives a reboot.
    r.shell("date -s '2030-01-01 00:00:00' >/dev/null; hwclock -w")
    assert 1893456000 <= int(r.shell("cat /sys/class/rtc/rtc0/since_epoch")) < 1893456000 + 30
    r.send("reboot -f\n")
    r.expect("triad-guest: userspace up")
    r.expect(re.escape(PROMPT))
    assert "2030" in r.shell("date")
    r.send("poweroff -f\n")
    assert r.wait() == 0


def test_virtio_console_carries_the_shell(run):
    # --console virtio: the keyboard goes to the guest's virtio console, and the shell
    # runs on hvc0 (the test initramfs starts it there when the kernel's console is hvc0).
    r = run("--kernel", LINUX_6_1, "--initrd", INITRAMFS, "--mem", "256M", "--console", "virtio",
            "--append", "console=ttyAMA0 console=hvc0")
    r.expect("triad-guest: userspace up")
    r.expect(re.escape(PROMPT))
    out = r.shell("tty; cat /sys/bus/virtio/devices/virtio0/device; grep virtio0 /proc/interrupts")
    lines = out.splitlines()
    assert lines[0] == "/dev/hvc0", out
    assert lines[1] == "0x0003", out  # virtio device ID 3: console
    assert int(lines[2].split()[1]) > 0, out  # its interrupt (used buffers) was taken
    # A long line in and out again: many buffers, every byte in order.
    text = "".join(chr(ord("a") + i % 26) for i in range(600))
    assert r.shell(f"echo {text} | wc -c").strip() == "601"
    # The other console (ttyAMA0 here) is tagged on the shared output, so that its lines
    # (a second getty's login prompt, say) are not taken for the shell's.
    r.shell("echo from-the-pl011 > /dev/ttyAMA0")
    assert re.search(r"(^|\n)guest:ttyAMA0\| from-the-pl011\r?\n", r.out), r.out[-2000:]
    r.send("poweroff -f\n")
    assert r.wait() == 0
