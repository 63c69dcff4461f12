"""Debian's Linux 6.1 boots under Triad to a busybox shell and sees what it was given."""
import re

from triad import INITRAMFS, LINUX_6_1, PROMPT

APPEND = "console=ttyAMA0"


def boot(run, cpus, mem):
    r = run("--kernel", LINUX_6_1, "--initrd", INITRAMFS, "--cpus", str(cpus), "--pcpus",
            str(cpus), "--mem", mem, "--append", APPEND)
    r.expect("triad-guest: userspace up")
    r.expect(re.escape(PROMPT))
    return r


def mem_total_kib(r):
    return int(re.search(r"MemTotal:\s+(\d+) kB", r.shell("cat /proc/meminfo")).group(1))


def test_two_vcpus_shell_memory_and_poweroff(run):
    r = boot(run, 2, "256M")
    # A userspace program's output comes back through the emulated UART.
    assert r.shell("echo triad-$((6 * 7))").strip() == "triad-42"
    assert r.shell("nproc").strip() == "2"
    assert r.shell("grep -c ^processor /proc/cpuinfo").strip() == "2"
    # All 256 MiB minus what the kernel keeps for itself: within a few percent.
    total = mem_total_kib(r)
    assert 200 * 1024 < total <= 256 * 1024, total
    assert "Mem:" in r.shell("free")
    uname = r.shell("uname -a")
    assert "6.1.0" in uname and "aarch64" in uname
    dt = r.shell("ls /sys/firmware/devicetree/base")
    for node in ("chosen", "cpus", "psci", "timer", "memory@40000000"):
        assert node in dt
    assert r.shell("cat /sys/firmware/devicetree/base/compatible").startswith("triad,")
    # The second vCPU takes interrupts too (timer ticks, IPIs).
    irqs = r.shell("cat /proc/interrupts")
    line = next(l for l in irqs.splitlines() if "arch_timer" in l)
    counts = [int(x) for x in line.split()[1:3]]
    assert all(c > 0 for c in counts), line
    # Linux's standard SMCCC probes (TRNG, the vendor hypervisor UID) are answered quietly.
    assert "unknown HVC/SMC function" not in r.out, r.out
    r.send("poweroff -f\n")
    assert r.wait() == 0


def test_sixteen_vcpus_on_two_physical_cpus(run):
    # Triad's limit of vCPUs per VM (MAX_VCPUS), time-sliced on two physical CPUs: all
    # come online and each takes its timer's interrupts.
    r = run("--kernel", LINUX_6_1, "--initrd", INITRAMFS, "--cpus", "16", "--pcpus", "2",
            "--mem", "256M", "--append", APPEND)
    r.expect("triad-guest: userspace up", timeout=600)
    r.expect(re.escape(PROMPT))
    # The answer's own line: a kernel message may land among the command's output (with 16
    # vCPUs on a loaded host: "hrtimer: interrupt took 191150553 ns").
    assert re.findall(r"(?m)^(\d+)$", r.shell("nproc")) == ["16"]
    assert re.findall(r"(?m)^(\d+)$", r.shell("grep -c ^processor /proc/cpuinfo")) == ["16"]
    irqs = r.shell("cat /proc/interrupts")
    line = next(l for l in irqs.splitlines() if "arch_timer" in l)
    counts = [int(x) for x in line.split()[1:17]]
    assert len(counts) == 16 and all(c > 0 for c in counts), line
    r.send("poweroff -f\n")
    assert r.wait() == 0


def test_one_vcpu_small_memory(run):
    r = boot(run, 1, "128M")
    assert r.shell("nproc").strip() == "1"
    total = mem_total_kib(r)
    assert 90 * 1024 < total <= 128 * 1024, total
    r.send("poweroff -f\n")
    assert r.wait() == 0


def test_a_gib_of_ram_on_the_default_machine(run):
    # The firmware's memory (the Realm region, the GPT) sits at the top of DRAM, so a VM
    # can have a whole GiB in one block (it split the first GiB before: issue 26).
    r = boot(run, 1, "1G")
    total = mem_total_kib(r)
    assert 900 * 1024 < total <= 1024 * 1024, total
    r.send("poweroff -f\n")
    assert r.wait() == 0


def test_reboot_restarts_the_guest(run):
    r = boot(run, 1, "128M")
    r.shell("echo marker-before > /dev/null")
    r.send("reboot -f\n")
    # SYSTEM_RESET: Triad reloads the images and starts the guest again.
    r.expect("triad-guest: userspace up")
    r.expect(re.escape(PROMPT))
    assert r.shell("echo again").strip() == "again"
    r.send("poweroff -f\n")
    assert r.wait() == 0


def test_guest_kernel_panic_is_reported(run):
    # No /init in the initramfs and no root device: Linux panics.
    r = run("--kernel", LINUX_6_1, "--initrd", INITRAMFS, "--mem", "128M", "--append",
            APPEND + " rdinit=/does-not-exist")
    r.expect("Kernel panic - not syncing")
    assert r.wait() == 5
    assert "guest kernel panic" in r.err
