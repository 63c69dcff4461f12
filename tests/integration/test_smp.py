"""SMP guests under the vCPU scheduler: hotplug, overcommit, pinning, fairness, starvation."""
import re

from triad import INITRAMFS, LINUX_6_1, PROMPT


def boot(run, *extra):
    r = run("--kernel", LINUX_6_1, "--initrd", INITRAMFS, "--append", "console=ttyAMA0", *extra)
    r.expect("triad-guest: userspace up")
    r.expect(re.escape(PROMPT))
    return r


def test_cpu_hotplug_twenty_times(run):
    r = boot(run, "--cpus", "2", "--pcpus", "2", "--mem", "256M")
    # PSCI CPU_OFF / CPU_ON under the scheduler, again and again.
    out = r.shell("for i in $(seq 20); do echo 0 > /sys/devices/system/cpu/cpu1/online && "
                  "echo 1 > /sys/devices/system/cpu/cpu1/online || echo FAILED $i; done; "
                  "cat /sys/devices/system/cpu/online", timeout=240)
    assert "FAILED" not in out
    assert out.strip().splitlines()[-1] == "0-1"
    # The CPU that came back works: a program pinned to it runs there.
    assert "spin: c1" in r.shell("taskset -c 1 triad-spin 1 c1")
    # Linux saw each CPU_OFF complete (AFFINITY_INFO reporting it off).
    assert int(r.shell("dmesg | grep -c 'psci: CPU1 killed'").strip()) == 20
    r.send("poweroff -f\n")
    assert r.wait() == 0
