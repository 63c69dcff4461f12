"""gdb across Triad's images: `triad-run --gdb` and its generated script (docs/debugging.md).

gdb (batch mode) attaches to the frozen machine, sets a breakpoint in each image by name,
and every one is hit and reported with its register: Triad at Normal EL2 (a guest's trap),
the monitor (an SMC from a lower EL), Triad at Secure EL2 (its entry) and the RMM (an RMI
call; its symbols come from where the monitor placed it)."""
import os
import re
import shutil
import socket
import subprocess

from triad import SECURE, TIMERGUEST, TRIAD_RUN, with_mode

GDB = shutil.which("gdb-multiarch")

# image: (breakpoint location, what the breakpoint prints)
BREAKPOINTS = {
    "triad": ("core/trap.c:handle_guest_sync", "esr=%#lx", "$x1"),
    "monitor": ("monitor/monitor.c:lower_sync", "x0=%#lx", "$x0"),
    "sel2": ("sel2_main", "cpu=%lu", "$x0"),
    "rmm": ("rmi_handle", "x0=%#lx", "$x0"),
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gdb_breaks_in_every_image(tmp_path):
    assert GDB, "gdb-multiarch is missing: run 'make setup'"
    images = ["triad"] + (["monitor", "sel2", "rmm"] if SECURE else [])
    commands = []
    for name in images:
        where, fmt, reg = BREAKPOINTS[name]
        # Temporary: each reports its first hit only, then the run goes on to its end.
        commands += [f"tbreak {where}", "commands", "silent",
                     f'printf "HIT {name} pc=%#lx {fmt}\\n", $pc, {reg}',
                     f"echo AT {name}\\n", "info symbol $pc", "continue", "end"]
    commands.append("continue")
    (tmp_path / "test.gdb").write_text("\n".join(commands) + "\n")
    script = tmp_path / "triad.gdb"
    port = free_port()
    run = subprocess.Popen(
        [TRIAD_RUN, "--unattended", "--timeout", "400", "--gdb", str(port), "--gdb-wait",
         "--gdb-script", str(script)] + with_mode(["--kernel", TIMERGUEST, "--mem", "16M"]),
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # triad-run says where the script is once it has written it and started QEMU.
        line = run.stderr.readline()
        assert f"gdb stub on 127.0.0.1:{port}" in line and str(script) in line, line
        gdb = subprocess.run([GDB, "-nx", "-batch", "-x", str(script), "-x",
                              str(tmp_path / "test.gdb")],
                             capture_output=True, text=True, timeout=400)
        out, err = run.communicate(timeout=60)
    finally:
        run.kill()
    log = gdb.stdout + gdb.stderr
    for name in images:
        hit = re.search(rf"HIT {name} pc=(0x[0-9a-f]+) \S+=\S+\nAT {name}\n(\S+) in section",
                        log)
        assert hit, f"no breakpoint hit in {name}:\n{log}"
        # The symbol gdb names at the stop is the function the breakpoint was set on: the
        # image's symbols are where its code runs.
        assert hit.group(2) == BREAKPOINTS[name][0].split(":")[-1], log
    assert "timerguest: 10 passed, 0 failed" in out, out + err
    assert run.returncode == 0, err
    if SECURE:
        # The RMM's symbols were loaded at the monitor's choice, not at its link address 0.
        assert re.search(r"triad-rmm\.elf\" with all sections offset by 0x[1-9a-f]", log), log
