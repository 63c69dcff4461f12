"""SMP guests under the vCPU scheduler: hotplug, overcommit, pinning, fairness, starvation."""
import os
import re

import pytest
from triad import (FOCUS, GUESTS, INITRAMFS, LINUX_6_1, PROMPT, linux_vm, two_vms_sharing_cpu1,
                   write_config)


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
    # (A kernel message may land in the output, as "hrtimer: interrupt took ..." on a
    # loaded host: the count is the line that is only a number.)
    counts = re.findall(r"^(\d+)\r?$", r.shell("dmesg | grep -c 'psci: CPU1 killed'"), re.M)
    assert counts and int(counts[-1]) == 20, counts
    r.send("poweroff -f\n")
    assert r.wait() == 0


def focus(r, n, name):
    r.send(FOCUS + str(n))
    r.expect(rf"console input: VM '{name}'")


def spin_rates(r, vm, label):
    """Iterations per second triad-spin reported in VM vm, by second."""
    return {int(s): int(n) for s, n in
            re.findall(rf"spin: {label} second (\d+): (\d+)", r.console(vm))}


def sched_stats(out):
    """Triad's per-vCPU statistics at the end of a run: {(vm, vcpu): (ms, ran_on, allowed)}."""
    return {(vm, int(v)): (int(ms), int(ran, 16), int(allowed, 16)) for vm, v, ms, ran, allowed in
            re.findall(r"sched: VM '(\w+)' vCPU (\d+): ran (\d+) ms on CPUs mask (0x[0-9a-f]+) "
                       r"\(allowed (0x[0-9a-f]+)\)", out)}


def test_two_4vcpu_vms_overcommit_two_cpus(run, tmp_path):
    cfg = write_config(tmp_path / "vms.dts", {
        "alpha": linux_vm(cpus=4),
        "beta": linux_vm(cpus=4, affinity=[0x1, 0x3, 0x3, 0x3]),
    })
    r = run("--config", cfg, "--pcpus", "2")
    r.expect_vm("alpha", PROMPT)
    r.expect_vm("beta", PROMPT)
    # Eight CPU-bound vCPUs on two physical CPUs, all at once.
    work = "for i in 0 1 2 3; do taskset -c $i triad-spin 3 {0}$i & done; wait\n"
    r.send(work.format("alpha"))
    focus(r, 2, "beta")
    r.send(work.format("beta"))
    for name in ("alpha", "beta"):
        r.expect_vm_all(name, *(rf"spin: {name}{i} \d+ iterations in 3 s" for i in range(4)))
    r.send("nproc\n")
    r.expect_vm("beta", r"\n4")
    r.send("poweroff -f\n")
    focus(r, 1, "alpha")
    r.send("poweroff -f\n")
    assert r.wait() == 0
    stats = sched_stats(r.out)
    assert len(stats) == 8
    # Pinned: beta's vCPU 0 never ran anywhere but physical CPU 0.
    assert stats[("beta", 0)][1] == 0x1, stats[("beta", 0)]
    # Unpinned vCPUs were balanced over both CPUs.
    assert any(ran == 0x3 for _, ran, allowed in stats.values() if allowed == 0x3)


def test_equal_weights_share_a_cpu_fairly(run, tmp_path):
    # Two VMs pinned to physical CPU 1, each CPU-bound: each should get half of it.
    r = two_vms_sharing_cpu1(run, tmp_path)
    r.send("triad-spin 12 a\n")
    focus(r, 2, "beta")
    r.send("triad-spin 12 b\n")
    r.expect_vm("alpha", r"spin: a \d+ iterations", timeout=180)
    r.expect_vm("beta", r"spin: b \d+ iterations", timeout=180)
    a, b = spin_rates(r, "alpha", "a"), spin_rates(r, "beta", "b")
    # Both spin then: beta starts about a second after alpha, so alpha's seconds 4..11 and
    # beta's 3..10 are the same wall-clock time, give or take the fraction of a second the
    # start is off by. Compared unaligned, or over 4 s only, a host whose speed drifts during
    # the run (other QEMUs beside it) favoured one: ratios of 1.105, 1.176 and 1.199 were seen.
    share_a = sum(a[s] for s in range(4, 12))
    share_b = sum(b[s] for s in range(3, 11))
    print(f"fairness: alpha {share_a}, beta {share_b}, ratio {share_a / share_b:.3f}")
    assert 0.88 <= share_a / share_b <= 1.12, (a, b)
    r.send("poweroff -f\n")
    focus(r, 1, "alpha")
    r.send("poweroff -f\n")
    assert r.wait() == 0
    stats = sched_stats(r.out)
    for vm in ("alpha", "beta"):
        assert stats[(vm, 0)][1] == 0x2  # pinned: never seen on CPU 0


@pytest.mark.parametrize("hog", ["hog-spin.bin", "hog-ipi.bin"])
def test_hog_cannot_starve_another_vm(run, tmp_path, hog):
    # A guest spinning with every interrupt masked (or flooding SGIs) shares a physical
    # CPU with a Linux VM, which must still boot and get CPU time.
    cfg = write_config(tmp_path / "vms.dts", {
        "hog": {"kernel": os.path.join(GUESTS, hog), "memory": "16M", "cpus": 1,
                "affinity": [0x1]},
        "victim": linux_vm(affinity=[0x1]),
    })
    r = run("--config", cfg, "--pcpus", "1")
    r.expect_vm("victim", PROMPT)
    focus(r, 2, "victim")
    r.send("triad-spin 3 v\n")
    r.expect_vm("victim", r"spin: v \d+ iterations", timeout=120)
    rates = spin_rates(r, "victim", "v")
    assert len(rates) == 3 and all(n > 0 for n in rates.values()), rates
    r.send("poweroff -f\n")
    r.expect(r"VM 'victim' powered off")
