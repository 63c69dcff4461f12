#!/usr/bin/python3
"""make bench: Triad's hot paths in executed instructions, next to bare QEMU.

Every measurement runs a guest under QEMU with -icount shift=0,sleep=off, where the
virtual counter advances one nanosecond per executed instruction (hypervisor and guest
alike), so a guest that reads its counter around an operation gets the instructions the
whole machine executed for it. The micro-benchmarks come from the bare-metal guest in
tests/guests/bench, the macro ones from a Linux guest (tests/guests/initramfs/init with
triad.bench=linux). The same micro-benchmarks also run without -icount, as medians of
wall-clock nanoseconds over several runs.

Writes bench/results/latest.{md,csv,png} (and latest-io.csv: disk and TCP throughput of
a Linux guest, wall clock) and prints the table. See docs/benchmarks.md.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
TRIAD_RUN = os.path.join(ROOT, "tools", "triad-run")
BENCH = os.path.join(ROOT, "build", "guests", "bench.bin")
FWTEST = os.path.join(ROOT, "build", "guests", "fwtest.bin")
FFASP = os.path.join(ROOT, "build", "guests", "ffasp.bin")  # the test secure partition
TEEGUEST = os.path.join(ROOT, "build", "guests", "teeguest.bin")
COUNTER = os.path.join(ROOT, "build", "guests", "counter.bin")
RTLAT = os.path.join(ROOT, "build", "guests", "rtlat.bin")
HOG = os.path.join(ROOT, "build", "guests", "hog-spin.bin")
LINUX = os.path.join(ROOT, ".cache", "guest", "linux-6.1", "Image")
INITRAMFS = os.path.join(ROOT, "build", "initramfs.cpio.gz")
RESULTS = os.path.join(ROOT, "bench", "results")
ICOUNT = ["-icount", "shift=0,sleep=off"]
BARE_MACHINE = ["-M", "virt,gic-version=3", "-cpu", "max", "-nodefaults", "-display", "none",
                "-serial", "stdio", "-monitor", "none"]

# name, description, target (instructions, None if none), bare QEMU comparable?
MICRO = [
    ("hypervisor_boot", "Triad boot: reset to the first guest instruction", None, False),
    ("hvc_null", "null hypercall round trip (SMCCC_VERSION)", 500, False),
    ("sysreg_trap", "trapped system register read (ID_AA64MMFR0_EL1)", None, True),
    ("mmio_uart", "MMIO read, emulated PL011 (UARTFR)", 300, True),
    ("mmio_gicd", "MMIO read, vGIC distributor (GICD_TYPER)", 300, True),
    ("timer_irq_busy", "virtual timer (10 ms), deadline to the guest's acknowledge, vCPU busy",
     500, True),
    ("timer_irq_wfi", "virtual timer (10 ms), deadline to the guest's acknowledge, vCPU in WFI",
     500, True),
    ("eoi", "EOI of a virtual interrupt (target: no trap)", 50, True),
    ("ipi_roundtrip", "SGI round trip between vCPUs on two physical CPUs", 1000, True),
    ("ipi_roundtrip_same_pcpu", "SGI round trip, both vCPUs on one physical CPU", None, False),
    ("lpi_int", "LPI raised by the guest's ITS INT command, to its acknowledge", 3400, False),
    ("vm_switch", "switch between two VMs sharing a physical CPU", None, False),
    ("vm_switch_lazy_fp", "the same, both VMs in security mode performance (lazy FP/SIMD)",
     None, False),
    ("vm_switch_sve", "the same, balanced, both VMs using SVE (256-byte vectors): a switch "
     "saves one's Z/P/FFR, the other's first SVE instruction loads its own", None, False),
    ("vm_switch_mte", "the same, balanced, both VMs with MTE on a machine with tags (mte=on): "
     "their four tag registers switched with the EL1 ones", None, False),
    ("setway_op", "DC CISW (set 1): balanced VM, not trapped", None, False),
    ("setway_op_strict", "DC CISW (set 1): strict VM, trapped and counted", None, False),
    ("setway_walk_strict", "DC CISW at set 0 way 0, strict VM: its 64 MB cleaned and "
     "invalidated by VA", None, False),
    ("optee_fast_call", "null OP-TEE fast call from a guest (NS EL2 -> EL3 -> S-EL2 -> "
     "OP-TEE and back)", 1000, False),
    ("ffa_direct_req", "FF-A direct request + response, guest to a secure partition (NS EL2 -> "
     "EL3 -> SPMC at S-EL2 -> partition and back)", 10000, False),
    ("ffa_notif_sp_to_vm", "FF-A notification, secure partition to guest: a direct request "
     "asks it to set one, the SPMC's SRI, Triad's INFO_GET and NPI, the guest's GET", None,
     False),
    ("ffa_mem_share_cycle", "FF-A memory sharing: 1 page shared VM -> partition, retrieved, "
     "relinquished, reclaimed (4 calls, 2 of them direct requests)", 20000, False),
    ("world_switch_secure", "world switch NS -> S -> NS from the host (FFA_VERSION, answered "
     "by Triad at S-EL2)", 1000, False),
    ("rmi_version", "RMI_VERSION from the host (NS EL2 -> EL3 -> RMM at Realm EL2 and back)",
     1500, False),
    ("rec_enter_exit", "REC enter + exit from the host (the realm runs to its WFI and back)",
     None, False),
    ("rsi_version", "RSI_VERSION from a realm (EL1 -> RMM at Realm EL2 and back)", None, False),
    ("rt_timer_p99", "real-time vCPU's virtual timer, deadline to its handler, p99 of 10,000 "
     "(200 us apart) with a CPU-bound fair VM on the same physical CPU", 3000, False),
    ("rt_timer_max", "the same, the worst of the 10,000", None, False),
]
MACRO = [
    ("linux_boot", "Linux 6.1 boot to init (instructions from the VM's start)"),
    ("linux_compute", "compute loop, 20M iterations"),
    ("linux_fork_exec", "fork+exec+exit of busybox, per process"),
    ("linux_touch", "first touch of 64 MB of anonymous memory"),
]


def run(cmd, timeout=600):
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    out = r.stdout.decode(errors="replace")
    if r.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd[:3])}... failed (status {r.returncode}):\n"
                 f"{out[-2000:]}\n{r.stderr.decode(errors='replace')[-2000:]}")
    return out


def bench_lines(out):
    if "bench: done" not in out or "FAIL" in out:
        sys.exit(f"bench: the benchmark guest did not finish cleanly:\n{out[-2000:]}")
    return {k: (None if v == "n/a" else int(v))
            for k, v in re.findall(r"bench: (\w+) (\d+|n/a)\r?$", out, re.M)}


def triad_micro(pcpus, icount, secure=False):
    cmd = [TRIAD_RUN, "--unattended", "--timeout", "300", "--its", "--kernel", BENCH, "--cpus", "2",
           "--mem", "64M", "--pcpus", str(pcpus)] + (["--icount"] if icount else []) + \
        (["--secure", "--sp", FFASP] if secure else ["--no-secure"])
    return bench_lines(run(cmd))


def firmware_micro(icount):
    """RMI_VERSION and FFA_VERSION, timed by tests/guests/fwtest in the hypervisor's place
    (it is the host); it ends without Triad's exit line, so triad-run says 6."""
    cmd = [TRIAD_RUN, "--unattended", "--timeout", "300", "--secure", "--triad", FWTEST,
           "--kernel", BENCH, "--mem", "64M"] + (["--icount"] if icount else [])
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=600)
    out = r.stdout.decode(errors="replace")
    if r.returncode != 6 or "fwtest: PASS" not in out:
        sys.exit(f"bench: fwtest failed ({r.returncode}):\n{out[-3000:]}")
    return bench_lines(out)


def bare_micro(icount):
    cmd = ["qemu-system-aarch64"] + BARE_MACHINE + ["-smp", "2", "-m", "64M", "-kernel", BENCH]
    return bench_lines(run(cmd + (ICOUNT if icount else [])))


def setway(icount, security):
    """The bench guest's set/way rows, in a VM of the given security mode."""
    cmd = [TRIAD_RUN, "--unattended", "--timeout", "300", "--no-secure", "--kernel", BENCH,
           "--mem", "64M", "--append", "bench=setway", "--security", security]
    return bench_lines(run(cmd + (["--icount"] if icount else [])))


def setway_rows(icount):
    bal, strict = setway(icount, "balanced"), setway(icount, "strict")
    return {"setway_op": bal["setway_op"], "setway_op_strict": strict["setway_op"],
            "setway_walk_strict": strict["setway_walk"]}


def vm_switch(tmp, security="balanced", sve=False, mte=False, mte_machine=False):
    """Two VMs spinning on one physical CPU; each reports how long it ran and how many
    times it was switched out over the same window of machine time. With sve, both keep
    state in their SVE registers and use them all the time; with mte both have MTE (on a
    machine with tags, as with mte_machine)."""
    cfg = os.path.join(tmp, "switch.dts")
    vm = (f'kernel = "{BENCH}"; memory = "16M"; cpus = <1>; affinity = <1>; '
          f'bootargs = "bench=switch{" sve" if sve else ""}"; security = "{security}";' +
          (' sve-vl = "max";' if sve else '') + (' mte;' if mte else ''))
    with open(cfg, "w") as f:
        f.write(f'/dts-v1/;\n/ {{ compatible = "triad,config-v1"; vms {{ a {{ {vm} }}; '
                f'b {{ {vm} }}; }}; }};\n')
    out = run([TRIAD_RUN, "--unattended", "--timeout", "300", "--no-secure", "--config", cfg,
               "--pcpus", "1",
               "--icount"] + (["--mte"] if mte or mte_machine else []))
    rows = re.findall(r"bench: switch ran (\d+) gaps (\d+) window (\d+)", out)
    if len(rows) != 2:
        sys.exit(f"bench: vm_switch: expected two reports:\n{out[-2000:]}")
    ran = sum(int(r[0]) for r in rows)
    gaps = sum(int(r[1]) for r in rows)
    window = int(rows[0][2])
    return (window - ran) // max(gaps, 1)


def stop_run(p):
    """Stops a triad-run at once: SIGTERMs a moment apart, the second ends the run (one is
    the guests' graceful stop, which bare-metal guests ignore for --stop-grace seconds; two
    sent together merge into one)."""
    while p.poll() is None:
        p.terminate()
        try:
            p.wait(0.3)
        except subprocess.TimeoutExpired:
            pass


def rt_latency(tmp, icount):
    """tests/guests/rtlat as a real-time VM, a spinning fair VM pinned to the same CPU: the
    timer latencies it reports (ns: instructions under -icount). The fair VM never ends:
    the run is stopped once the report is in."""
    cfg = os.path.join(tmp, "rt.dts")
    with open(cfg, "w") as f:
        f.write(f'/dts-v1/;\n/ {{ compatible = "triad,config-v1"; vms {{ '
                f'rt {{ kernel = "{RTLAT}"; memory = "16M"; cpus = <1>; affinity = <1>; '
                f'realtime; }}; hog {{ kernel = "{HOG}"; memory = "16M"; cpus = <1>; '
                f'affinity = <1>; }}; }}; }};\n')
    p = subprocess.Popen([TRIAD_RUN, "--unattended", "--timeout", "600", "--no-secure",
                          "--config", cfg, "--pcpus", "1"] + (["--icount"] if icount else []),
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True, errors="replace")
    try:
        for line in p.stdout:
            m = re.search(r"rtlat: samples=\d+ p50=\d+ p99=(\d+) max=(\d+)", line)
            if m:
                return {"rt_timer_p99": int(m.group(1)), "rt_timer_max": int(m.group(2))}
    finally:
        stop_run(p)
    sys.exit("bench: rt_latency: no report from the real-time guest")


def linux_macro(under_triad):
    append = "console=ttyAMA0 triad.bench=linux"
    if under_triad:
        out = run([TRIAD_RUN, "--unattended", "--timeout", "900", "--no-secure", "--kernel",
                   LINUX, "--initrd",
                   INITRAMFS, "--append", append, "--mem", "256M", "--cpus", "1", "--icount"],
                  timeout=1000)
    else:
        out = run(["qemu-system-aarch64"] + BARE_MACHINE + ICOUNT +
                  ["-smp", "1", "-m", "256M", "-kernel", LINUX, "-initrd", INITRAMFS,
                   "-append", append, "-no-reboot"], timeout=1000)
    return macro_results(out)


def macro_results(out):
    """What the initramfs's triad.bench=linux run reports (tests/guests/initramfs/init)."""
    w = dict(((k, a), int(ns)) for k, a, ns in
             re.findall(r"work: (\w+) ([\w-]+) ns (\d+)", out))
    try:
        return {"linux_boot": w[("stamp", "init")],
                "linux_compute": w[("compute", "20")],
                "linux_fork_exec": (w[("stamp", "fork-end")] - w[("stamp", "fork-start")]) // 100,
                "linux_touch": w[("touch", "64")]}
    except KeyError as e:
        sys.exit(f"bench: the Linux guest did not report {e}:\n{out[-3000:]}")


IO_MB = 64    # disk: written, then read, with O_DIRECT
NET_MB = 8    # TCP: sent to the host, then received from it
IO = [("blk_write", "disk write, 1 MB direct writes (MB/s)"),
      ("blk_read", "disk read, 1 MB direct reads (MB/s)"),
      ("net_tx", "TCP guest to host (MB/s)"),
      ("net_rx", "TCP host to guest (MB/s)")]


def tcp_ends(nbytes):
    """A sink (reads nbytes, then closes) and a source (sends nbytes) on two adjacent
    localhost ports, for one connection each. Returns the first port."""
    import socket
    import threading
    while True:
        a, b = socket.socket(), socket.socket()
        a.bind(("127.0.0.1", 0))
        try:
            b.bind(("127.0.0.1", a.getsockname()[1] + 1))
            break
        except OSError:
            a.close()
            b.close()

    def sink():
        c, _ = a.accept()
        left = nbytes
        while left > 0:
            got = c.recv(1 << 16)
            if not got:
                break
            left -= len(got)
        c.close()

    def source():
        c, _ = b.accept()
        chunk = bytes(1 << 16)
        for _ in range(nbytes >> 16):
            c.sendall(chunk)
        c.close()

    for s, fn in ((a, sink), (b, source)):
        s.listen(1)
        threading.Thread(target=fn, daemon=True).start()
    return a.getsockname()[1]


def linux_io(under_triad, tmp):
    """Disk and TCP throughput seen by the guest, in MB/s (wall clock, no -icount): Triad's
    devices and drivers, or QEMU's own virtio devices given to the guest directly."""
    disk = os.path.join(tmp, "scratch.img")
    with open(disk, "wb") as f:
        f.truncate((IO_MB + 16) << 20)
    port = tcp_ends(NET_MB << 20)
    append = f"console=ttyAMA0 triad.bench=io triad.bench.port={port}"
    if under_triad:
        out = run([TRIAD_RUN, "--unattended", "--timeout", "600", "--no-secure", "--kernel",
                   LINUX, "--initrd",
                   INITRAMFS, "--append", append, "--mem", "256M", "--disk", disk,
                   "--net", "user"], timeout=700)
    else:
        out = run(["qemu-system-aarch64"] + BARE_MACHINE +
                  ["-smp", "1", "-m", "256M", "-kernel", LINUX, "-initrd", INITRAMFS,
                   "-append", append, "-no-reboot", "-global", "virtio-mmio.force-legacy=false",
                   "-drive", f"file={disk},if=none,id=d0,format=raw,cache=writeback",
                   "-device", "virtio-blk-device,drive=d0",
                   "-netdev", "user,id=n0", "-device", "virtio-net-device,netdev=n0"],
                  timeout=700)
    return io_rates(out)


def io_rates(out):
    """What the initramfs's triad.bench=io run reports, in MB/s."""
    t = dict((a, int(ns)) for a, ns in re.findall(r"work: stamp ([\w-]+) ns (\d+)", out))
    try:
        def rate(what, mb):
            return round(mb * 1e9 / max(t[what + "-end"] - t[what + "-start"], 1))
        return {"blk_write": rate("blk-write", IO_MB), "blk_read": rate("blk-read", IO_MB),
                "net_tx": rate("net-tx", NET_MB), "net_rx": rate("net-rx", NET_MB)}
    except KeyError as e:
        sys.exit(f"bench: the I/O guest did not report {e}:\n{out[-3000:]}")


LINUX_7_3 = os.path.join(ROOT, ".cache", "guest", "linux-7.3", "Image")
INITRAMFS_REALM = os.path.join(ROOT, "build", "initramfs-realm.cpio.gz")


def linux_7_3(realm, tmp, io):
    """Debian's Linux 7.3 as a realm or as a normal VM on the same machine (Triad's monitor,
    RMM and OP-TEE), with the same command line (the realm's swiotlb for both): the
    triad.bench=linux run under -icount, or the I/O run by the wall clock."""
    args = [TRIAD_RUN, "--unattended", "--timeout", "900", "--kernel", LINUX_7_3, "--initrd",
            INITRAMFS_REALM, "--mem", "256M", "--cpus", "1"] + (["--realm"] if realm else [])
    if io:
        disk = os.path.join(tmp, "scratch.img")
        with open(disk, "wb") as f:
            f.truncate((IO_MB + 16) << 20)
        port = tcp_ends(NET_MB << 20)
        append = f"triad.bench=io triad.bench.port={port}"
        args += ["--disk", disk, "--net", "user"]
    else:
        append = "triad.bench=linux"
        args += ["--icount"]
    out = run(args + ["--append", "console=ttyAMA0 swiotlb=16384 " + append], timeout=1000)
    return io_rates(out) if io else macro_results(out)


# A realm's virtual counter is the machine's (the RMM gives it no offset): its boot is
# counted from the machine's start, the firmware's and Triad's boot and its build included.
REALM_ROWS = [("linux_boot", "Linux 7.3 boot to init (instructions; the realm's from the "
               "machine's start)")] + MACRO[1:] + IO


def realm_vs_normal():
    """Rows (name, description, realm, normal VM) of Linux 7.3 both ways."""
    with tempfile.TemporaryDirectory() as tmp:
        realm = {**linux_7_3(True, tmp, False), **linux_7_3(True, tmp, True)}
        normal = {**linux_7_3(False, tmp, False), **linux_7_3(False, tmp, True)}
    return [(name, desc, realm[name], normal[name]) for name, desc in REALM_ROWS]


def median_runs(fn, n):
    runs = [fn() for _ in range(n)]
    return {k: (None if any(r.get(k) is None for r in runs) else
                int(statistics.median(r[k] for r in runs))) for k in runs[0]}


def fmt(v):
    return "n/a" if v is None else f"{v:,}"


def qemu_version():
    out = subprocess.run(["qemu-system-aarch64", "--version"], capture_output=True).stdout
    return out.decode().splitlines()[0]


def write_results(rows, macro_rows, io_rows, recovery_rows, realm_rows, distro_rows, meta):
    os.makedirs(RESULTS, exist_ok=True)
    md = ["# Triad benchmarks", "",
          f"{meta}", "",
          "Instructions per operation under `-icount shift=0,sleep=off` (hypervisor and guest "
          "together), median of many iterations; wall-clock nanoseconds without `-icount`, "
          "median of the runs. Bare QEMU: the same guest at EL1 with no hypervisor. "
          "See [docs/benchmarks.md](../../docs/benchmarks.md).", "",
          "| path | Triad (instr.) | bare QEMU (instr.) | target | Triad (ns, wall) | "
          "bare QEMU (ns, wall) |",
          "|---|---:|---:|---:|---:|---:|"]
    csv = ["path,description,triad_instructions,bare_instructions,target,triad_wall_ns,"
           "bare_wall_ns"]
    for name, desc, target, tri, bare, tri_wall, bare_wall in rows:
        md.append(f"| {desc} | {fmt(tri)} | {fmt(bare)} | {fmt(target)} | {fmt(tri_wall)} | "
                  f"{fmt(bare_wall)} |")
        csv.append(",".join([name, f'"{desc}"'] + ["" if v is None else str(v) for v in
                                                  (tri, bare, target, tri_wall, bare_wall)]))
    md += ["", "| Linux guest | Triad (instr.) | bare QEMU (instr.) | Triad / bare |",
           "|---|---:|---:|---:|"]
    for name, desc, tri, bare in macro_rows:
        md.append(f"| {desc} | {fmt(tri)} | {fmt(bare)} | {tri / bare:.2f} |")
        csv.append(",".join([name, f'"{desc}"', str(tri), str(bare), "", "", ""]))
    md += ["", "| Linux guest I/O (wall clock) | Triad | bare QEMU | Triad / bare |",
           "|---|---:|---:|---:|"]
    for name, desc, tri, bare in io_rows:
        md.append(f"| {desc} | {fmt(tri)} | {fmt(bare)} | {tri / max(bare, 1):.2f} |")
    md += ["", "| Linux 7.3, realm vs normal VM (instr.; I/O MB/s, wall clock) | realm | normal "
           "VM | realm's cost (target 1.15) |", "|---|---:|---:|---:|"]
    for name, desc, realm, normal in realm_rows:
        # For throughput the overhead is normal / realm: report both ways as a cost ratio.
        ratio = normal / max(realm, 1) if name in dict(IO) else realm / max(normal, 1)
        md.append(f"| {desc} | {fmt(realm)} | {fmt(normal)} | {ratio:.2f} |")
        csv.append(",".join([f"realm_{name}", f'"{desc}"', str(realm), str(normal), "", "",
                             ""]))
    if distro_rows:
        md += ["", "| distribution (wall clock) | Triad | bare QEMU | Triad / bare |",
               "|---|---:|---:|---:|"]
    for name, desc, tri, bare, target in distro_rows:
        md.append(f"| {desc} | {fmt(tri)} | {fmt(bare)} | {tri / bare:.2f} |")
        csv.append(",".join([name, f'"{desc}"', "", "", str(target or ""), str(tri),
                             str(bare)]))
    md += ["", "| recovery and management (wall clock) | Triad | target |", "|---|---:|---:|"]
    for name, desc, value, target in recovery_rows:
        md.append(f"| {desc} | {fmt(value)} | {fmt(target)} |")
        csv.append(",".join([name, f'"{desc}"', "", "", str(target), str(value), ""]))
    io_csv = ["path,description,triad_mb_s,bare_mb_s"] + [
        f'{name},"{desc}",{tri},{bare}' for name, desc, tri, bare in io_rows]
    with open(os.path.join(RESULTS, "latest-io.csv"), "w") as f:
        f.write("\n".join(io_csv) + "\n")
    with open(os.path.join(RESULTS, "latest.md"), "w") as f:
        f.write("\n".join(md) + "\n\n![chart](latest.png)\n")
    with open(os.path.join(RESULTS, "latest.csv"), "w") as f:
        f.write("\n".join(csv) + "\n")
    return "\n".join(md)


def update_readme(table):
    """The README shows the latest table, between its <!-- bench --> markers."""
    path = os.path.join(ROOT, "README.md")
    with open(path) as f:
        text = f.read()
    begin, end = "<!-- bench -->\n", "<!-- /bench -->"
    if begin not in text or end not in text:
        return
    body = table.split("\n", 2)[2].replace("../../docs/", "docs/")  # drop the title
    head, rest = text.split(begin, 1)
    with open(path, "w") as f:
        f.write(head + begin + body + "\n\n![chart](bench/results/latest.png)\n" + end +
                rest.split(end, 1)[1])


def draw_chart(rows):
    """Horizontal bars: Triad's instructions per micro-operation against its target."""
    data = os.path.join(RESULTS, "latest.dat")
    with open(data, "w") as f:
        for i, (name, _, target, tri, _, _, _) in enumerate(r for r in rows
                                                           if r[3] is not None and r[2]):
            f.write(f"{i} {name} {tri} {target}\n")
    script = f"""
set terminal pngcairo size 1000,560 font "sans,11"
set output "{os.path.join(RESULTS, 'latest.png')}"
set title "Triad hot paths: instructions per operation (QEMU -icount), lower is better"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel "instructions"
set xtics rotate by -25 noenhanced
set grid ytics
set key top left
plot "{data}" using 3:xtic(2) title "Triad" lc rgb "#1f77b4", \\
     "" using 4 title "target" lc rgb "#cccccc"
"""
    subprocess.run(["gnuplot"], input=script.encode(), check=True)
    os.unlink(data)


DEBIAN = os.path.join(ROOT, ".cache", "debian", "debian.img")  # make debian-image
UBOOT = os.path.join(ROOT, ".cache", "guest", "u-boot", "u-boot.bin")
# (name, description, target of Triad / bare or None). The VM's part starts at U-Boot's
# banner, its first output on both: before it, Triad's run boots the monitor, OP-TEE at
# S-EL2, the RMM and Triad itself; bare QEMU only starts.
DISTRO = [("debian_login", "Debian bookworm from its own disk (U-Boot, systemd) to the login "
           "prompt (s, wall; target Triad / bare 1.05)", 1.05),
          ("debian_vm_start", "  of which: the process's start to U-Boot's banner (s, wall: "
           "Triad's machine boot; bare QEMU's start)", None),
          ("debian_vm_login", "  of which: U-Boot's banner to the login prompt (s, wall: the "
           "VM's own boot; target 1.05)", 1.05)]
UBOOT_BANNER = rb"U-Boot 20\d\d\.\d\d"


def time_to(cmd, patterns, tmp, timeout=1200):
    """Seconds from starting cmd to each of patterns (in order) on its output; the process
    is killed after the last."""
    import time
    log = os.path.join(tmp, "console.log")
    times = []
    with open(log, "wb") as out:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                             stderr=subprocess.STDOUT, start_new_session=True)
        try:
            while time.monotonic() - t0 < timeout:
                with open(log, "rb") as f:
                    text = f.read()
                while len(times) < len(patterns) and re.search(patterns[len(times)], text):
                    times.append(time.monotonic() - t0)
                if len(times) == len(patterns):
                    return times
                if p.poll() is not None:
                    break
                time.sleep(0.1)
        finally:
            stop_run(p)
    with open(log, "rb") as f:
        sys.exit(f"bench: no {patterns[len(times)]!r} from {cmd[0]}:\n"
                 f"{f.read()[-3000:].decode(errors='replace')}")


def debian_login(tmp):
    """The same Debian image (a fresh copy each time) booted through the same U-Boot to its
    login prompt: under Triad (triad-run --boot disk, the default machine) and on bare QEMU
    (-bios). None when there is no image (make debian-image builds it)."""
    if not os.path.isfile(DEBIAN):
        print("bench: no Debian image (make debian-image): its row is left out", flush=True)
        return None
    image = os.path.join(tmp, "debian.img")
    login = rb"(?m)^triad-debian login: "

    def fresh():
        subprocess.run(["cp", "--sparse=always", DEBIAN, image], check=True)
        return image
    marks = [UBOOT_BANNER, login]
    tri = time_to([TRIAD_RUN, "--unattended", "--timeout", "1200", "--boot", "disk", "--disk",
                   fresh(), "--mem", "1G"], marks, tmp)
    bare = time_to(["qemu-system-aarch64", "-M", "virt,gic-version=3", "-cpu", "max",
                    "-nodefaults", "-display", "none", "-serial", "stdio", "-m", "1G",
                    "-bios", UBOOT, "-drive", f"file={fresh()},format=raw,if=none,id=d",
                    "-device", "virtio-blk-device,drive=d"], marks, tmp)
    parts = {"debian_login": (tri[1], bare[1]), "debian_vm_start": (tri[0], bare[0]),
             "debian_vm_login": (tri[1] - tri[0], bare[1] - bare[0])}
    return [(name, desc, round(parts[name][0], 1), round(parts[name][1], 1), target)
            for name, desc, target in DISTRO]


RECOVERY = [
    ("optee_restart", "OP-TEE failure to the next served call of another VM (ms, wall: the "
     "monitor restarts OP-TEE from its kept image)", 1000),
]
# Management API requests seen from the host (ms, wall): docs/management.md.
MANAGEMENT = [
    ("mgmt_pause", "PAUSE of a running VM, request to reply seen from the host (ms, wall: "
     "its vCPUs off the CPUs)", 10),
    ("mgmt_resume", "RESUME of a paused VM, request to reply seen from the host (ms, wall)",
     10),
]
SNAPSHOT = [
    ("snapshot_save", "save of a 256 MiB Linux VM that touched 64 MiB, file on the host (ms, "
     "wall: triad-ctl's SAVE and DOWNLOAD)", 3000),
    ("snapshot_restore", "restore of that VM from its file (ms, wall: UPLOAD and RESTORE)", 3000),
]


def snapshot_times(tmp):
    """A Linux VM (and a bare-metal one that keeps the run going) touches 64 MiB, then is
    saved to a file, destroyed and restored, timed from the host (docs/snapshot.md)."""
    import struct
    import time
    sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    from triad import PROMPT, Run, write_config
    from triad_mgmt import Client
    from pathlib import Path
    sock = os.path.join(tmp, "ctl.sock")
    cfg = write_config(Path(tmp) / "snap.dts", {
        "linux": {"kernel": LINUX, "initrd": INITRAMFS, "memory": "256M", "cpus": 1},
        "keeper": {"kernel": os.path.join(ROOT, "build", "guests", "hog-spin.bin"),
                   "memory": "16M", "cpus": 1}})
    r = Run("--config", cfg, "--pcpus", "2", "--machine-mem", "1G", "--control", sock)
    try:
        r.expect_vm("linux", PROMPT)
        r.shell("triad-work touch 64")
        with Client(sock, timeout=600) as c:
            t0 = time.monotonic()
            data = c.save("linux")
            save_ms = (time.monotonic() - t0) * 1e3
            c.call("DESTROY", struct.pack("<I", c.vm_id("linux")))
            t0 = time.monotonic()
            c.restore(data)
            restore_ms = (time.monotonic() - t0) * 1e3
        return {"snapshot_save": round(save_ms), "snapshot_restore": round(restore_ms)}
    finally:
        r.kill()


def optee_restart(tmp):
    """Two VMs: one makes OP-TEE fail under its 4th message call (the test hook, its client
    only); the other, calling all along, reports its longest wait between two served calls
    (tests/guests/teeguest, tee-role=bystander)."""
    cfg = os.path.join(tmp, "restart.dts")
    vm = f'kernel = "{TEEGUEST}"; memory = "64M"; cpus = <1>;'
    with open(cfg, "w") as f:
        f.write(f'/dts-v1/;\n/ {{ compatible = "triad,config-v1"; vms {{ '
                f'bystander {{ {vm} bootargs = "tee-role=bystander"; }}; '
                f'crasher {{ {vm} bootargs = "tee-role=crash"; }}; }}; }};\n')
    out = run([TRIAD_RUN, "--unattended", "--timeout", "300", "--config", cfg, "--pcpus", "2",
               "--optee-fail-after", "4@2"])
    m = re.search(r"bystander made \d+ calls, [1-9]\d* not served; longest wait (\d+) ms", out)
    if not m:
        sys.exit(f"bench: optee_restart: no restart seen by the bystander:\n{out[-3000:]}")
    return int(m.group(1))


def pause_resume(tmp, cycles=20):
    """Two counting VMs (tests/guests/counter) on two physical CPUs: one is paused and
    resumed `cycles` times through the management socket; the medians, in ms."""
    import time
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    from triad_mgmt import Client
    cfg = os.path.join(tmp, "pause.dts")
    vm = f'kernel = "{COUNTER}"; memory = "16M"; cpus = <1>;'
    with open(cfg, "w") as f:
        f.write(f'/dts-v1/;\n/ {{ compatible = "triad,config-v1"; vms {{ '
                f'alpha {{ {vm} }}; beta {{ {vm} }}; }}; }};\n')
    sock = os.path.join(tmp, "ctl.sock")
    proc = subprocess.Popen([TRIAD_RUN, "--unattended", "--timeout", "300", "--config", cfg,
                             "--pcpus", "2", "--control", sock], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with Client(sock, connect_wait=60) as c:
            c.info("alpha")
            pauses, resumes = [], []
            for _ in range(cycles):
                t0 = time.monotonic()
                c.pause("alpha")
                t1 = time.monotonic()
                c.resume("alpha")
                t2 = time.monotonic()
                pauses.append((t1 - t0) * 1e3)
                resumes.append((t2 - t1) * 1e3)
                time.sleep(0.05)
        return {"mgmt_pause": round(statistics.median(pauses), 1),
                "mgmt_resume": round(statistics.median(resumes), 1)}
    finally:
        stop_run(proc)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wall-runs", type=int, default=5,
                    help="runs without -icount for the wall-clock medians (default 5)")
    ap.add_argument("--snapshot-only", action="store_true",
                    help="only the snapshot rows (median of 3), printed; nothing written")
    ap.add_argument("--switch-only", action="store_true",
                    help="only the VM switch rows (and the plain switch on a machine with "
                         "tags), printed; nothing written")
    ap.add_argument("--debian-only", action="store_true",
                    help="only the Debian rows (one run each), printed; nothing written")
    args = ap.parse_args()
    if args.switch_only:
        with tempfile.TemporaryDirectory(prefix="triad-switch-") as tmp:
            for name, kw in (("vm_switch", {}), ("vm_switch_lazy_fp", {"security": "performance"}),
                             ("vm_switch_sve", {"sve": True}), ("vm_switch_mte", {"mte": True}),
                             ("vm_switch on the machine with tags, VMs without MTE",
                              {"mte_machine": True})):
                print(f"{name}: {vm_switch(tmp, **kw)} instructions", flush=True)
        return
    if args.debian_only:
        with tempfile.TemporaryDirectory(prefix="triad-debian-") as tmp:
            for name, desc, tri, bare, target in debian_login(tmp) or []:
                print(f"{name}: Triad {tri} s, bare QEMU {bare} s ({tri / bare:.2f}x"
                      f"{f', target {target}' if target else ''}): {desc.strip()}")
        return
    if args.snapshot_only:
        for path in (LINUX, INITRAMFS, HOG):
            if not os.path.exists(path):
                sys.exit(f"bench: {path} missing: run 'make setup' and 'make'")
        with tempfile.TemporaryDirectory(prefix="triad-snap-") as tmp:
            rows = median_runs(lambda: snapshot_times(tmp), 3)
        for name, desc, target in SNAPSHOT:
            print(f"{name}: {rows[name]} ms (target {target} ms): {desc}")
        return
    for path in (BENCH, LINUX, INITRAMFS, LINUX_7_3, INITRAMFS_REALM):
        if not os.path.exists(path):
            sys.exit(f"bench: {path} missing: run 'make setup' and 'make'")

    print("bench: micro-benchmarks (instructions)...", flush=True)
    tri = triad_micro(2, True)
    tri["ipi_roundtrip_same_pcpu"] = triad_micro(1, True)["ipi_roundtrip"]
    # The secure-world paths, on a machine with one (Triad's monitor, OP-TEE at S-EL2).
    sec = triad_micro(2, True, secure=True)
    for name in ("optee_fast_call", "ffa_direct_req", "ffa_notif_sp_to_vm", "ffa_mem_share_cycle"):
        tri[name] = sec[name]
    fw = firmware_micro(True)
    for name in ("rmi_version", "world_switch_secure", "rec_enter_exit", "rsi_version"):
        tri[name] = fw[name]
    bare = bare_micro(True)
    with tempfile.TemporaryDirectory() as tmp:
        tri["vm_switch"] = vm_switch(tmp)
        tri["vm_switch_lazy_fp"] = vm_switch(tmp, "performance")
        tri["vm_switch_sve"] = vm_switch(tmp, sve=True)
        tri["vm_switch_mte"] = vm_switch(tmp, mte=True)
        tri.update(rt_latency(tmp, True))
    tri.update(setway_rows(True))
    print("bench: micro-benchmarks (wall clock)...", flush=True)
    tri_wall = median_runs(lambda: triad_micro(2, False), args.wall_runs)
    sec_wall = median_runs(lambda: triad_micro(2, False, secure=True), args.wall_runs)
    for name in ("optee_fast_call", "ffa_direct_req", "ffa_notif_sp_to_vm", "ffa_mem_share_cycle"):
        tri_wall[name] = sec_wall[name]
    fw_wall = median_runs(lambda: firmware_micro(False), args.wall_runs)
    for name in ("rmi_version", "world_switch_secure", "rec_enter_exit", "rsi_version"):
        tri_wall[name] = fw_wall[name]
    bare_wall = median_runs(lambda: bare_micro(False), args.wall_runs)
    tri_wall.update(median_runs(lambda: setway_rows(False), args.wall_runs))
    with tempfile.TemporaryDirectory() as tmp:
        tri_wall.update(median_runs(lambda: rt_latency(tmp, False), args.wall_runs))
    print("bench: OP-TEE's restart...", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        recovery = {"optee_restart": median_runs(lambda: {"ms": optee_restart(tmp)},
                                                 args.wall_runs)["ms"]}
    print("bench: pause and resume through the management socket...", flush=True)
    with tempfile.TemporaryDirectory(prefix="triad-bench-") as tmp:
        recovery.update(pause_resume(tmp))
    print("bench: snapshot save and restore...", flush=True)
    with tempfile.TemporaryDirectory(prefix="triad-snap-") as tmp:
        recovery.update(median_runs(lambda: snapshot_times(tmp), 3))
    print("bench: Linux guest, under Triad and on bare QEMU...", flush=True)
    lin_tri, lin_bare = linux_macro(True), linux_macro(False)
    print("bench: Linux guest disk and network throughput...", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        io_tri = median_runs(lambda: linux_io(True, tmp), 3)
        io_bare = median_runs(lambda: linux_io(False, tmp), 3)
    print("bench: Linux 7.3 as a realm and as a normal VM...", flush=True)
    realm_rows = realm_vs_normal()
    print("bench: a Debian system booted from its disk, under Triad and on bare QEMU...",
          flush=True)
    with tempfile.TemporaryDirectory(prefix="triad-debian-") as tmp:
        distro_rows = debian_login(tmp) or []

    rows = []
    for name, desc, target, comparable in MICRO:
        rows.append((name, desc, target, tri.get(name),
                     bare.get(name) if comparable else None,
                     tri_wall.get(name), bare_wall.get(name) if comparable else None))
    macro_rows = [(name, desc, lin_tri[name], lin_bare[name]) for name, desc in MACRO]
    io_rows = [(name, desc, io_tri[name], io_bare[name]) for name, desc in IO]
    meta = (f"{qemu_version()}; `-M virt,virtualization=on,gic-version=3 -cpu max` (bare: "
            f"`-M virt,gic-version=3`); micro guest: 2 vCPUs, 2 physical CPUs; host: "
            f"{os.cpu_count()} cores.")
    recovery_rows = [(name, desc, recovery[name], target)
                     for name, desc, target in RECOVERY + MANAGEMENT + SNAPSHOT]
    table = write_results(rows, macro_rows, io_rows, recovery_rows, realm_rows, distro_rows,
                          meta)
    draw_chart(rows)
    update_readme(table)
    print(table)
    print(f"\nbench: wrote {os.path.relpath(RESULTS, ROOT)}/latest.md, latest.csv, latest.png")


if __name__ == "__main__":
    main()
