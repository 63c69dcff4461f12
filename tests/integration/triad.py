"""Test harness: runs guests under Triad through tools/triad-run, the user's interface.

A Run is one triad-run process; the test reads the guest console as it arrives
(expect), types into it (send) and collects the exit status (wait).
"""
import os
import re
import subprocess
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TRIAD_RUN = os.path.join(ROOT, "tools", "triad-run")
LINUX_6_1 = os.path.join(ROOT, ".cache", "guest", "linux-6.1", "Image")
INITRAMFS = os.path.join(ROOT, "build", "initramfs.cpio.gz")
GUESTS = os.path.join(ROOT, "build", "guests")
BADGUEST = os.path.join(GUESTS, "badguest.bin")
TIMERGUEST = os.path.join(GUESTS, "timerguest.bin")
ITSGUEST = os.path.join(GUESTS, "itsguest.bin")
TEEGUEST = os.path.join(GUESTS, "teeguest.bin")
# Stand in for OP-TEE: they boot, then a yielding call never returns (stuck) or writes into
# Triad at Secure EL2 (rogue).
STUCK_OPTEE = os.path.join(GUESTS, "stuckoptee.bin")
ROGUE_OPTEE = os.path.join(GUESTS, "rogueoptee.bin")
FIQ_HANG_OPTEE = os.path.join(GUESTS, "fiqhangoptee.bin")

# Generous: QEMU under TCG on a loaded 2-core CI machine is slow. These are hang
# detectors, not performance targets (those live in `make bench`).
BOOT_TIMEOUT = 240

PROMPT = "/ # "

# triad-run's default machine has the secure and realm worlds (Triad's EL3 monitor boots
# it); TRIAD_NO_SECURE=1 runs every test on a machine without them, Triad booted by QEMU
# (`make integration-test-no-secure`).
SECURE = os.environ.get("TRIAD_NO_SECURE") != "1"
# `make test-full` (TRIAD_TEST_FULL=1) adds the tests too long for the default run.
FULL = os.environ.get("TRIAD_TEST_FULL") == "1"


# TRIAD_BIN: another Triad binary, e.g. the DEBUG=1 build (`make integration-test-debug`).
TRIAD_BIN = os.environ.get("TRIAD_BIN")


def with_mode(args):
    args = list(args)
    if TRIAD_BIN and "--triad" not in args:
        args = ["--triad", TRIAD_BIN] + args
    if not SECURE and "--secure" not in args and "--no-secure" not in args:
        return ["--no-secure"] + args
    return args


class Run:
    def __init__(self, *args, timeout=BOOT_TIMEOUT * 2):
        self.args = [TRIAD_RUN, "--unattended", "--timeout", str(timeout)] + with_mode(args)
        self.proc = subprocess.Popen(self.args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.out = ""
        self.err = ""
        self.pos = 0  # how far expect() has consumed self.out
        self.vm_pos = {}  # the same for expect_vm(), per VM
        self.cond = threading.Condition()
        self.done = False
        self.threads = [threading.Thread(target=self._pump, args=(self.proc.stdout, "out")),
                        threading.Thread(target=self._pump, args=(self.proc.stderr, "err"))]
        for t in self.threads:
            t.daemon = True
            t.start()

    def _pump(self, stream, attr):
        while True:
            data = os.read(stream.fileno(), 4096)
            with self.cond:
                if not data:
                    if attr == "out":
                        self.done = True
                    self.cond.notify_all()
                    return
                setattr(self, attr, getattr(self, attr) + data.decode(errors="replace"))
                self.cond.notify_all()

    def expect(self, pattern, timeout=BOOT_TIMEOUT):
        """Waits for a regex in the console output after the last match; returns the match."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                m = rx.search(self.out, self.pos)
                if m:
                    self.pos = m.end()
                    return m
                left = deadline - time.monotonic()
                if self.done or left <= 0:
                    why = "run ended" if self.done else f"{timeout} s passed"
                    raise AssertionError(
                        f"{why} without {pattern!r} in the console. Last output:\n"
                        f"{self.out[-3000:]}\nstderr:\n{self.err}")
                self.cond.wait(left)

    def expect_all(self, *patterns, timeout=BOOT_TIMEOUT):
        """Waits until every pattern has appeared after the last match, in any order."""
        start, end = self.pos, self.pos
        for p in patterns:
            self.pos = start
            end = max(end, self.expect(p, timeout).end())
        self.pos = end

    def console(self, vm):
        """VM vm's own console output, from a multi-VM run's tagged lines."""
        return console_of(self.out, vm)

    def expect_vm(self, vm, pattern, timeout=BOOT_TIMEOUT):
        """As expect(), in VM vm's own console output (lines cut by other VMs rejoined)."""
        rx = re.compile(pattern)
        pos = self.vm_pos.get(vm, 0)
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                m = rx.search(console_of(self.out, vm), pos)
                if m:
                    self.vm_pos[vm] = m.end()
                    return m
                left = deadline - time.monotonic()
                if self.done or left <= 0:
                    raise AssertionError(f"no {pattern!r} from VM {vm}. Its console:\n"
                                         f"{console_of(self.out, vm)[-3000:]}\n"
                                         f"stderr:\n{self.err}")
                self.cond.wait(left)

    def expect_vm_all(self, vm, *patterns, timeout=BOOT_TIMEOUT):
        """As expect_all(), in VM vm's own console output."""
        start = end = self.vm_pos.get(vm, 0)
        for p in patterns:
            self.vm_pos[vm] = start
            end = max(end, self.expect_vm(vm, p, timeout).end())
        self.vm_pos[vm] = end

    def send(self, text):
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def shell(self, command, timeout=60):
        """Runs a shell command in the guest; returns what it printed."""
        tag = time.monotonic_ns()
        begin, end = f"@@{tag}-begin@@", f"@@{tag}-end@@"
        # Each marker is typed split in two quoted halves, so the terminal's echo of the
        # typed line (possibly repeated by line editing) never matches it; only the
        # output of echo does.
        def quoted(m):
            return f"'{m[:5]}''{m[5:]}'"
        self.send(f"echo {quoted(begin)}; {command}; echo {quoted(end)}\n")
        # A kernel message may land between the begin marker and its newline: the rest
        # of that line is not the command's.
        m = self.expect(rf"(?s){re.escape(begin)}[^\n]*\n(.*?){re.escape(end)}", timeout)
        return m.group(1).replace("\r\n", "\n")

    def wait(self, timeout=BOOT_TIMEOUT):
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        rc = self.proc.wait(timeout)
        for t in self.threads:
            t.join()
        return rc

    def kill(self):
        stop_now(self.proc)


def stop_now(proc, timeout=10):
    """Ends a triad-run at once: a first SIGTERM asks its guests to power off (the graceful
    stop), a second one stops the run. Signals of one kind sent back to back merge into
    one, so they are sent a moment apart until it has gone (then SIGKILL)."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        proc.terminate()
        try:
            proc.wait(0.3)
        except subprocess.TimeoutExpired:
            pass
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def console_of(out, vm):
    """Demultiplexes the shared console: "vm| text" starts a line of that VM, "vm+ text"
    continues one that another VM's output cut short."""
    return "".join(text for text, _ in _console_parts(out, vm))


def console_offset(out, vm, text):
    """Where in the shared console `text` (one line or less of VM vm's own output) begins,
    so that two VMs' messages can be ordered even when one cut the other's line."""
    parts = _console_parts(out, vm)
    own = "".join(t for t, _ in parts)
    at = own.index(text)
    start = 0
    for part, raw in parts:
        if at < start + len(part):
            return raw + (at - start)
        start += len(part)
    raise ValueError(text)


def _console_parts(out, vm):
    """VM vm's pieces of the shared console, each with its offset in `out`."""
    parts = []
    raw = 0
    for line in out.split("\n"):
        text = line.rstrip("\r")
        if text.startswith(vm + "| "):
            # The piece's leading newline stands for the end of the line before it.
            parts.append(("\n" + text[len(vm) + 2:], raw + len(vm) + 1))
        elif text.startswith(vm + "+ "):
            parts.append((text[len(vm) + 2:], raw + len(vm) + 2))
        raw += len(line) + 1
    return parts


def triad_run(*args, stdin=b"", timeout=BOOT_TIMEOUT):
    """Runs triad-run to the end; returns (status, stdout, stderr)."""
    r = subprocess.run([TRIAD_RUN, "--unattended", *with_mode(args)], input=stdin,
                       capture_output=True, timeout=timeout)
    return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")


def image_header(code=b"", text_offset=0, image_size=0x10000, flags=0xA):
    """A minimal arm64 Linux Image: the 64-byte header, then `code`."""
    branch_over_header = (0x14000000 | (64 // 4)).to_bytes(4, "little")  # b +64
    hdr = (branch_over_header + b"\0" * 4 + text_offset.to_bytes(8, "little") +
           image_size.to_bytes(8, "little") + flags.to_bytes(8, "little") + b"\0" * 24 +
           b"ARM\x64" + b"\0" * 4)
    assert len(hdr) == 64
    return hdr + code


def write_config(path, vms):
    """Writes a --config file: vms maps a VM name to its properties (Python values; True:
    a property with no value, such as realm)."""
    def value(v):
        if isinstance(v, str):
            return '"' + v + '"'
        if isinstance(v, int):
            return f"<{v}>"
        if v and all(isinstance(x, str) for x in v):
            return ", ".join(f'"{x}"' for x in v)
        return "<" + " ".join(f"{x:#x}" for x in v) + ">"
    nodes = "".join(
        f"\t\t{name} {{\n" + "".join(f"\t\t\t{k};\n" if v is True else
                                    f"\t\t\t{k} = {value(v)};\n" for k, v in props.items()) +
        "\t\t};\n" for name, props in vms.items())
    path.write_text('/dts-v1/;\n/ {\n\tcompatible = "triad,config-v1";\n\tvms {\n' + nodes +
                    "\t};\n};\n")
    return str(path)


def linux_vm(**props):
    vm = {"kernel": LINUX_6_1, "initrd": INITRAMFS, "memory": "256M", "cpus": 1}
    vm.update(props)
    return vm


def two_vms_sharing_cpu1(run, tmp_path, **props):
    """Boots two Linux VMs, alpha and beta, both pinned to physical CPU 1 of 2 (and props);
    returns the Run once both have a shell prompt (the keyboard is alpha's)."""
    cfg = write_config(tmp_path / "vms.dts", {
        "alpha": linux_vm(affinity=[0x2], **props),
        "beta": linux_vm(affinity=[0x2], **props),
    })
    r = run("--config", cfg, "--pcpus", "2")
    r.expect_vm("alpha", PROMPT)
    r.expect_vm("beta", PROMPT)
    return r


FOCUS = "\x14"  # Ctrl-T: the console's command key; Ctrl-T N gives the input to VM N


def ext4_image(path, size_mb=64, files=None):
    """A raw disk image holding an ext4 filesystem (built on the host, as a user would)."""
    import shutil
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        for name, text in (files or {}).items():
            with open(os.path.join(d, name), "w") as f:
                f.write(text)
        with open(path, "wb") as f:
            f.truncate(size_mb << 20)
        mkfs = shutil.which("mkfs.ext4") or "/sbin/mkfs.ext4"
        subprocess.run([mkfs, "-q", "-F", "-d", d, str(path)], check=True)
    return str(path)


def ext4_cat(image, name):
    """A file's contents in an ext4 image, read on the host (debugfs, from e2fsprogs)."""
    import shutil
    debugfs = shutil.which("debugfs") or "/sbin/debugfs"
    r = subprocess.run([debugfs, "-R", f"cat /{name}", str(image)], capture_output=True,
                       check=True)
    return r.stdout.decode()
