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
BADGUEST = os.path.join(ROOT, "build", "guests", "badguest.bin")

# Generous: QEMU under TCG on a loaded 2-core CI machine is slow. These are hang
# detectors, not performance targets (those live in `make bench`).
BOOT_TIMEOUT = 240

PROMPT = "/ # "


class Run:
    def __init__(self, *args, timeout=BOOT_TIMEOUT * 2):
        self.args = [TRIAD_RUN, "--unattended", "--timeout", str(timeout)] + list(args)
        self.proc = subprocess.Popen(self.args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.out = ""
        self.err = ""
        self.pos = 0  # how far expect() has consumed self.out
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
        m = self.expect(rf"(?s){re.escape(begin)}\r?\n(.*?){re.escape(end)}", timeout)
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
        if self.proc.poll() is None:
            self.proc.terminate()  # triad-run takes QEMU down with it
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def triad_run(*args, stdin=b"", timeout=BOOT_TIMEOUT):
    """Runs triad-run to the end; returns (status, stdout, stderr)."""
    r = subprocess.run([TRIAD_RUN, "--unattended", *args], input=stdin, capture_output=True,
                       timeout=timeout)
    return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")


def image_header(code=b"", text_offset=0, image_size=0x10000, flags=0xA):
    """A minimal arm64 Linux Image: the 64-byte header, then `code`."""
    branch_over_header = (0x14000000 | (64 // 4)).to_bytes(4, "little")  # b +64
    hdr = (branch_over_header + b"\0" * 4 + text_offset.to_bytes(8, "little") +
           image_size.to_bytes(8, "little") + flags.to_bytes(8, "little") + b"\0" * 24 +
           b"ARM\x64" + b"\0" * 4)
    assert len(hdr) == 64
    return hdr + code
