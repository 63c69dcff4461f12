"""`make run`, the main job: the whole stack to a Linux shell on a terminal, with a disk
and a network."""
import os
import pty
import re
import select
import subprocess
import time

from triad import ROOT
from test_network import fetch, free_port


class Terminal:
    def __init__(self, cmd):
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, cwd=ROOT,
                                     start_new_session=True)
        os.close(slave)
        self.out = ""

    def expect(self, pattern, timeout=240):
        deadline = time.monotonic() + timeout
        while not re.search(pattern, self.out):
            left = deadline - time.monotonic()
            assert left > 0, f"no {pattern!r} on the terminal:\n{self.out[-3000:]}"
            if select.select([self.master], [], [], min(left, 1))[0]:
                try:
                    self.out += os.read(self.master, 4096).decode(errors="replace")
                except OSError:
                    pass
        start = re.search(pattern, self.out).end()
        self.out = self.out[start:]

    def send(self, text):
        os.write(self.master, text.encode())


def test_make_run_gives_the_guest_a_shell_a_disk_and_the_network(tmp_path):
    port = free_port()
    disk = tmp_path / "disk.img"
    t = Terminal(["make", "-s", "run", f"RUN_DISK={disk}", f"RUN_HTTP_PORT={port}"])
    try:
        t.expect(r"eth0 has 10\.0\.2\.15 \(DHCP\)")
        t.expect(r"/ # ")
        t.send("mkdir -p /mnt /www; mount /dev/vda /mnt && echo mounted-$((6*7)); "
               "echo up > /www/index.html; httpd -h /www -p 80\n")
        t.expect("mounted-42")
        assert fetch(f"http://127.0.0.1:{port}/") == "up\n"
        t.send("\x01x")  # Ctrl-A X: quit
        assert t.proc.wait(60) == 0
    finally:
        if t.proc.poll() is None:
            os.killpg(t.proc.pid, 9)
    assert disk.stat().st_size == 256 << 20
