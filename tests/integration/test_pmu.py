"""The virtual PMU: a Linux guest counts with perf events, and only its own cycles."""
import re

from triad import FOCUS, INITRAMFS, LINUX_6_1, PROMPT, two_vms_sharing_cpu1


def pmu_counts(text, label):
    """(cycles, event-counter, wall-ns) that triad-pmu LABEL reported."""
    m = re.search(rf"pmu: {label} cycles (\d+) event-counter (\d+) wall-ns (\d+)", text)
    assert m, f"no triad-pmu {label} result in:\n{text[-2000:]}"
    return tuple(int(x) for x in m.groups())


def test_guest_counts_cycles_on_cycle_and_event_counters(run):
    r = run("--kernel", LINUX_6_1, "--initrd", INITRAMFS, "--cpus", "2", "--pcpus", "2",
            "--mem", "256M")
    r.expect(re.escape(PROMPT))
    # The kernel found the PMU Triad describes in the guest's device tree.
    assert "armv8_pmuv3" in r.shell("dmesg | grep 'hw perfevents'")
    assert "arm,armv8-pmuv3" in r.shell("cat /sys/firmware/devicetree/base/pmu/compatible")
    # Alone on its physical CPU, the guest's cycles track wall-clock time (QEMU's cycle
    # counter runs at 1 GHz); the dedicated cycle counter and a programmed event counter
    # counting CPU_CYCLES agree.
    for cpu in (0, 1):
        cycles, events, wall_ns = pmu_counts(r.shell(f"taskset -c {cpu} triad-pmu 2 c{cpu}"),
                                             f"c{cpu}")
        print(f"vCPU {cpu}: cycles {cycles} event-counter {events} wall-ns {wall_ns}")
        assert 0.8 * wall_ns < cycles < 1.05 * wall_ns
        assert abs(events - cycles) < 0.02 * cycles
    # Overflow interrupts: the guest's PMU interrupt is delivered (and completed, or the
    # next could not come) about once per sampling period.
    before = pmu_interrupts(r)
    cycles, _, _ = pmu_counts(r.shell("triad-pmu 2 sampled 10000000"), "sampled")
    taken = pmu_interrupts(r) - before
    print(f"{taken} PMU interrupts for {cycles} cycles sampled every 10M")
    assert 0.8 * cycles / 10_000_000 <= taken <= 1.2 * cycles / 10_000_000 + 2
    r.send("poweroff -f\n")
    assert r.wait() == 0


def pmu_interrupts(r):
    line = r.shell("grep arm-pmu /proc/interrupts")
    return sum(int(x) for x in line.split()[1:3])


def test_counters_do_not_count_another_vms_time(run, tmp_path):
    # Two VMs share physical CPU 1. While beta spins, alpha's counters must count only
    # alpha's half of the CPU, not beta's time (that is, its PMU state leaves the CPU
    # with it); once beta is idle, alpha gets the whole CPU and counts all of it.
    r = two_vms_sharing_cpu1(run, tmp_path)
    r.send(FOCUS + "2")
    r.expect(r"console input: VM 'beta'")
    r.send("triad-spin 9 b\n")
    r.expect_vm("beta", r"spin: b second 1:")
    r.send(FOCUS + "1")
    r.expect(r"console input: VM 'alpha'")
    r.send("triad-pmu 4 shared\n")
    cycles, events, wall_ns = pmu_counts(
        r.expect_vm("alpha", r"pmu: shared .*wall-ns \d+\r?\n", timeout=120).group(0), "shared")
    shared = cycles / wall_ns
    r.expect_vm("beta", r"spin: b \d+ iterations", timeout=120)
    r.send("triad-pmu 2 alone\n")
    cycles, events, wall_ns = pmu_counts(
        r.expect_vm("alpha", r"pmu: alone .*wall-ns \d+\r?\n", timeout=120).group(0), "alone")
    alone = cycles / wall_ns
    print(f"alpha's cycles per ns: sharing a CPU {shared:.3f}, alone {alone:.3f}")
    assert 0.25 < shared < 0.75
    assert alone > 0.8
    r.send("poweroff -f\n")
    r.send(FOCUS + "2")
    r.send("poweroff -f\n")
    assert r.wait() == 0
