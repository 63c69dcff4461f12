"""The management API (docs/management.md) over `triad-run --control`: its session, its
checks of malformed, oversized and out-of-order requests, LIST and INFO, and pausing a VM
while another runs."""
import os
import struct
import sys
import tempfile

import pytest

from triad import GUESTS, ROOT, SECURE, Run, write_config

sys.path.insert(0, os.path.join(ROOT, "tools"))
import triad_mgmt  # noqa: E402
from triad_mgmt import Client, MgmtError, frame, OPS  # noqa: E402

HOG = os.path.join(GUESTS, "hog-spin.bin")


@pytest.fixture
def sock():
    # A Unix socket path must be short: not under pytest's deep tmp_path.
    d = tempfile.mkdtemp(prefix="triad-mgmt-")
    yield os.path.join(d, "ctl.sock")
    if os.path.exists(os.path.join(d, "ctl.sock")):
        os.unlink(os.path.join(d, "ctl.sock"))
    os.rmdir(d)


def start_hogs(tmp_path, sock, names=("alpha", "beta"), pcpus=1):
    cfg = write_config(tmp_path / "vms.dts", {
        n: {"kernel": HOG, "memory": "16M", "cpus": 1} for n in names})
    r = Run("--config", cfg, "--pcpus", str(pcpus), "--control", sock)
    r.expect(r"management: channel on virtio console")
    return r


def test_list_and_info(tmp_path, sock):
    r = start_hogs(tmp_path, sock)
    try:
        with Client(sock) as c:
            assert c.server_version == triad_mgmt.VERSION
            vms = c.list()
            assert [(v["id"], v["name"], v["state"], v["kind"], v["vcpus"], v["memory"])
                    for v in vms] == [(0, "alpha", "running", "normal", 1, 16 << 20),
                                      (1, "beta", "running", "normal", 1, 16 << 20)]
            i = c.info("beta")
            assert i["name"] == "beta" and i["id"] == 1 and len(i["vcpu"]) == 1
            with pytest.raises(MgmtError) as e:
                c.info(7)
            assert e.value.status == -3 and "no VM 7" in e.value.reason
        assert "control socket" in r.err
        import json
        import subprocess
        ctl = [os.path.join(ROOT, "tools", "triad-ctl"), "--socket", sock]
        out = subprocess.run(ctl + ["--json", "list"], capture_output=True, check=True).stdout
        listed = json.loads(out)
        assert [v["name"] for v in listed["vms"]] == ["alpha", "beta"]
        assert listed["free_memory"] > 0
        out = subprocess.run(ctl + ["list"], capture_output=True, check=True).stdout.decode()
        assert out.splitlines()[0].split() == ["ID", "NAME", "STATE", "KIND", "VCPUS",
                                               "MEMORY", "CPU", "TIME"]
        assert out.splitlines()[1].split()[:6] == ["0", "alpha", "running", "normal", "1", "16M"]
        info = json.loads(subprocess.run(ctl + ["--json", "info", "beta"], capture_output=True,
                                         check=True).stdout)
        assert info["name"] == "beta" and info["vcpu"][0]["id"] == 0
        bad = subprocess.run(ctl + ["info", "nosuchvm"], capture_output=True)
        assert bad.returncode == 2 and b"no VM named 'nosuchvm'" in bad.stderr
    finally:
        r.kill()


COUNTER = os.path.join(GUESTS, "counter.bin")
COUNTER_REALM = os.path.join(GUESTS, "counter-realm.bin")
COUNT_LINE = r"counter: n=(\d+) ticks=(\d+) t=(\d+)\r?\n"  # whole lines only


def counts(r, vm):
    """VM vm's counter lines so far: [(n, ticks, t_ms)]."""
    import re
    return [tuple(map(int, m)) for m in re.findall(COUNT_LINE, r.console(vm))]


def wait_lines(r, vm, more, timeout=120):
    """Waits until VM vm printed `more` further counter lines; returns its lines."""
    import time
    start = len(counts(r, vm))
    deadline = time.monotonic() + timeout
    while len(counts(r, vm)) < start + more:
        assert time.monotonic() < deadline, f"VM {vm} stopped counting:\n{r.console(vm)[-2000:]}"
        time.sleep(0.2)
    return counts(r, vm)


@pytest.mark.parametrize("kind", ["normal", "realm"])
def test_pause_stops_a_vm_and_resume_continues_it(tmp_path, sock, kind):
    """A paused VM's count stops and uses no CPU while another VM runs on; resumed, it counts
    on from where it was and takes the timer interrupt that came due meanwhile. A realm
    too: pausing needs nothing of its state."""
    import time
    if kind == "realm" and not SECURE:
        pytest.skip("a realm needs the realm world")
    alpha = {"kernel": COUNTER, "memory": "16M", "cpus": 1}
    if kind == "realm":
        alpha = {"kernel": COUNTER_REALM, "memory": "64M", "cpus": 1, "realm": True}
    cfg = write_config(tmp_path / "vms.dts", {
        "alpha": alpha,
        "beta": {"kernel": COUNTER, "memory": "16M", "cpus": 1}})
    r = Run("--config", cfg, "--pcpus", "1", "--control", sock)
    try:
        r.expect_vm("alpha", "counter: start")
        r.expect_vm("beta", "counter: start")
        wait_lines(r, "alpha", 3)
        with Client(sock) as c:
            t0 = time.monotonic()
            c.pause("alpha")
            pause_ms = (time.monotonic() - t0) * 1e3
            before = counts(r, "alpha")
            info = c.info("alpha")
            assert info["state"] == "paused" and info["pauses"] == 1
            assert info["kind"] == kind
            assert info["vcpu"][0]["state"] == "blocked"
            beta_before = c.info("beta")["cpu_time_ns"]
            # Two seconds of beta's lines: time enough for alpha to print had it run.
            wait_lines(r, "beta", 20)
            after = c.info("alpha")
            assert counts(r, "alpha") == before, "a paused VM printed"
            assert after["cpu_time_ns"] == info["cpu_time_ns"], "a paused VM used CPU time"
            assert after["paused_ns"] > info["paused_ns"] > 0
            assert c.info("beta")["cpu_time_ns"] > beta_before
            # The scheduler's statistics on the console (Ctrl-T s) say so too.
            r.send("\x14s")
            r.expect(r"sched: VM 'alpha' vCPU 0: ran \d+ ms .* blocked on CPU \d \(VM paused\)")
            r.expect(r"sched: VM 'beta' vCPU 0: ran \d+ ms .* on CPU \d\r?\n")
            # Pausing twice, or resuming a running VM, is refused.
            with pytest.raises(MgmtError) as e:
                c.pause("alpha")
            assert e.value.status == -4 and "paused" in e.value.reason
            with pytest.raises(MgmtError) as e:
                c.resume("beta")
            assert e.value.status == -4 and "not paused" in e.value.reason
            t1 = time.monotonic()
            paused_for = t1 - (t0 + pause_ms / 1e3)  # at least this long
            c.resume("alpha")
            resume_ms = (time.monotonic() - t1) * 1e3
            print(f"pause {pause_ms:.1f} ms, resume {resume_ms:.1f} ms (seen from the host)")
            lines = wait_lines(r, "alpha", 3)
            assert c.info("alpha")["state"] == "running"
        assert "counter: start" not in r.console("alpha")[r.console("alpha").index(
            "counter: n="):], "the guest restarted"
        # The count went on from where it was, the timer interrupts too (none lost: the
        # lines go on; none made up: at most one per 100 ms of the time it ran, plus the
        # one that came due while paused).
        assert all(b[0] > a[0] and b[1] > a[1] for a, b in zip(lines, lines[1:])), lines
        first, last = lines[0], lines[-1]
        assert last[1] - first[1] <= (last[2] - first[2] - paused_for * 1000) / 100 + 2, lines
        # Its virtual counter ran on while it was paused (docs/management.md): two lines
        # are at least the pause's length apart in its own time. (The line being printed
        # when it was paused is finished after it resumed: it has its earlier time.)
        gap = max(b[2] - a[2] for a, b in zip(lines, lines[1:]))
        assert gap >= paused_for * 1000 - 100, (gap, paused_for, lines)
    finally:
        r.kill()


def reply(c, seq=None):
    """The next reply frame: (op, seq, status, reason or data)."""
    op, rseq, payload = c.read_frame()
    (status,) = struct.unpack_from("<i", payload)
    body = payload[4:]
    return op, rseq, status, body.split(b"\0")[0].decode() if status else body


def test_malformed_requests_get_errors(tmp_path, sock):
    """Requests are checked like guest input: out of order, unknown, malformed, oversized or
    with bytes that are no frame at all, each gets its error and the session goes on."""
    r = start_hogs(tmp_path, sock)
    try:
        c = Client(sock, hello=False)
        LIST = OPS["LIST"]
        c.send_raw(frame(LIST, 1))
        assert reply(c) == (LIST | 0x8000, 1, -1, "HELLO must come first")
        c.send_raw(frame(OPS["HELLO"], 2, struct.pack("<HH", 2, 0)))
        op, seq, status, why = reply(c)
        assert (seq, status) == (2, -7) and "Triad speaks 1.1" in why
        c.send_raw(frame(LIST, 3))  # a refused HELLO starts no session
        assert reply(c)[2:] == (-1, "HELLO must come first")
        c.hello()
        c.send_raw(frame(0x0999, 4))
        assert reply(c)[1:] == (4, -1, "unknown op 0x999")
        c.send_raw(frame(LIST | 0x8000, 5))
        assert reply(c)[1:3] == (5, -1)
        c.send_raw(frame(LIST, 6, flags=1))
        assert reply(c)[1:] == (6, -1, "flags 0x1: must be 0")
        c.send_raw(frame(LIST, 7, b"abc"))
        assert reply(c)[1:] == (7, -1, "LIST: payload of 3 bytes, expected 0..0")
        c.send_raw(frame(OPS["INFO"], 8, b"\x01\x00"))
        assert reply(c)[1:3] == (8, -1)
        # Bytes that are no frame: one error (seq 0), then the next frame is found.
        c.send_raw(b"\x00garbage, no magic here at all" + frame(LIST, 9))
        assert reply(c)[1:] == (0, -1, "bad magic: bytes dropped up to the next frame")
        assert reply(c)[1:3] == (9, 0)
        # A header announcing more than the largest payload: refused with its seq, and the
        # bytes after it are searched for the next frame.
        c.send_raw(struct.pack("<IHHII", triad_mgmt.MAGIC, LIST, 0, 10, (1 << 20) + 1) +
                   b"x" * 100 + frame(LIST, 11))
        assert reply(c)[1:] == (10, -1, "payload of 1048577 bytes: at most 1048576")
        assert reply(c)[1:3] == (11, 0)
        # Many requests at once are answered in order.
        c.send_raw(b"".join(frame(LIST, 100 + i) for i in range(40)))
        assert [reply(c)[1:3] for _ in range(40)] == [(100 + i, 0) for i in range(40)]
        assert [v["state"] for v in c.list()] == ["running", "running"]
        c.close()
    finally:
        r.kill()


def test_upload_staging(tmp_path, sock):
    """UPLOAD_BEGIN/UPLOAD fill the staging buffer in order, in frames as large as the
    protocol allows (far more than the transport's buffers hold at once); mistakes are
    refused."""
    r = start_hogs(tmp_path, sock, names=("alpha",))
    try:
        with Client(sock) as c:
            def error(op, payload):
                with pytest.raises(MgmtError) as e:
                    c.call(op, payload)
                return e.value.status, e.value.reason
            assert error("UPLOAD", struct.pack("<Q", 0) + b"x") == (
                -1, "UPLOAD without UPLOAD_BEGIN")
            assert error("UPLOAD_BEGIN", struct.pack("<Q", 0))[0] == -2
            assert error("UPLOAD_BEGIN", struct.pack("<Q", 1 << 40))[0] == -2
            assert error("UPLOAD_BEGIN", struct.pack("<Q", 1 << 35))[0] == -5  # > free RAM
            assert error("DOWNLOAD", struct.pack("<QI", 0, 16)) == (-3, "nothing to download")
            free = c.free_memory()
            data = os.urandom(3 << 20)
            c.upload(data)  # 1 MiB frames
            assert c.free_memory() <= free - len(data)
            c.hello()  # a new session: the staging buffer goes
            assert c.free_memory() == free
            c.call("UPLOAD_BEGIN", struct.pack("<Q", 100))
            c.call("UPLOAD", struct.pack("<Q", 0) + b"a" * 60)
            assert error("UPLOAD", struct.pack("<Q", 0) + b"b") == (-2, "offset 0: expected 60")
            assert error("UPLOAD", struct.pack("<Q", 60) + b"c" * 41) == (
                -2, "41 bytes at 60: past the 100 announced")
            c.call("UPLOAD", struct.pack("<Q", 60) + b"c" * 40)
            assert [v["name"] for v in c.list()] == ["alpha"]
    finally:
        r.kill()


def test_console_attach(tmp_path, sock):
    """CONSOLE sends a VM's console output (that VM's only) as events, CONSOLE_INPUT types
    into it; triad-ctl console does both."""
    import subprocess
    import time
    cfg = write_config(tmp_path / "vms.dts", {
        "alpha": {"kernel": COUNTER, "memory": "16M", "cpus": 1},
        "beta": {"kernel": COUNTER, "memory": "16M", "cpus": 1}})
    r = Run("--config", cfg, "--pcpus", "1", "--control", sock)
    try:
        r.expect_vm("beta", "counter: start")
        got = {}

        def on_event(op, payload):
            vid = struct.unpack_from("<I", payload)[0]
            got[vid] = got.get(vid, b"") + payload[4:]
        with Client(sock, on_event=on_event) as c:
            c.console("beta")
            deadline = time.monotonic() + 60
            while b"counter: n=" not in got.get(1, b"") and time.monotonic() < deadline:
                c.poll_events(0.5)
            c.list()
            dropped = c.events_dropped
            c.console_input("beta", b"Q")
            while b"counter: key Q" not in got.get(1, b"") and time.monotonic() < deadline:
                c.poll_events(0.5)
            assert b"counter: key Q" in got.get(1, b""), got
            # Nothing lost or mixed up in between (the first line may be cut by the attach),
            # unless Triad says it dropped events (the transport had no room: QEMU late).
            import re
            lines = got[1].split(b"\r\n")[1:-1]
            c.list()
            if c.events_dropped == dropped and not c.skipped:
                assert len(lines) >= 2 and all(
                    re.fullmatch(rb"counter: (n=\d+ ticks=\d+ t=\d+|key Q)", ln)
                    for ln in lines), lines
            assert 0 not in got, "alpha's output came without attaching to it"
            c.console("beta", False)
            c.poll_events(0.5)
            got.clear()
            c.poll_events(1)
            assert not got, "output came after detaching"
            with pytest.raises(MgmtError) as e:
                c.call("CONSOLE", struct.pack("<II", 1, 2))
            assert e.value.status == -2
            c.pause("alpha")
            with pytest.raises(MgmtError) as e:
                c.console_input("alpha", b"x")
            assert e.value.status == -4
            c.resume("alpha")
        p = subprocess.Popen([os.path.join(ROOT, "tools", "triad-ctl"), "--socket", sock,
                              "console", "alpha"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        p.stdin.write(b"Z")
        p.stdin.close()
        out = b""
        deadline = time.monotonic() + 60
        import select
        while b"counter: key Z" not in out and time.monotonic() < deadline:
            if select.select([p.stdout], [], [], 1)[0]:
                out += os.read(p.stdout.fileno(), 4096)
        p.terminate()
        p.wait(10)
        assert b"counter: key Z" in out, (out[-2000:], p.stderr.read(), r.out[-2000:])
        assert b"counter: n=" in out
    finally:
        r.kill()


def test_client_gone_mid_frame(tmp_path, sock):
    """A client that goes away in the middle of a frame does not take the next client's
    requests with it: after 5 s without its bytes, the cut frame is dropped."""
    import time
    r = start_hogs(tmp_path, sock, names=("alpha",))
    try:
        c = Client(sock)
        c.send_raw(frame(OPS["UPLOAD_BEGIN"], 1, struct.pack("<Q", 8))[:20])
        c.close()
        time.sleep(6)
        with Client(sock) as c:
            assert [v["name"] for v in c.list()] == ["alpha"]
        r.expect(r"management: a frame cut short \d+ ms ago dropped \(4 bytes of its payload\)")
    finally:
        r.kill()


def test_control_option_mistakes(tmp_path, sock):
    """--control's mistakes are named before QEMU starts; a socket a finished run left
    behind is replaced."""
    import socket
    from triad import triad_run
    rc, _, err = triad_run("--kernel", HOG, "--mem", "16M", "--control", "/nonexistent/x.sock")
    assert rc == 1 and "no such directory" in err, err
    (tmp_path / "file").write_text("")
    rc, _, err = triad_run("--kernel", HOG, "--mem", "16M", "--control", str(tmp_path / "file"))
    assert rc == 1 and "exists and is not a socket" in err, err
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(sock)
    stale.close()  # the path stays, nobody listens
    r = Run("--kernel", HOG, "--mem", "16M", "--control", sock)
    try:
        with Client(sock) as c:
            assert [v["name"] for v in c.list()] == ["guest"]
    finally:
        r.kill()
    assert not os.path.exists(sock), "triad-run left its control socket behind"


def test_pause_a_linux_vm(tmp_path, sock):
    """A Linux VM counting in a shell loop, each count a direct write to its disk and a
    sleep (its timers), is paused while a second VM runs: its count stops and its disk is
    not written; then both go on from where they were, with no complaint from the kernel."""
    import re
    import time
    from triad import PROMPT, linux_vm
    disk = tmp_path / "disk.img"
    disk.write_bytes(bytes(16 << 20))
    cfg = write_config(tmp_path / "vms.dts", {
        "alpha": linux_vm(disks=["disk.img"]),
        "beta": {"kernel": COUNTER, "memory": "16M", "cpus": 1}})
    r = Run("--config", cfg, "--pcpus", "1", "--control", sock)
    try:
        r.expect_vm("alpha", re.escape(PROMPT))
        # A 4 MB direct write is more requests at once than Triad takes from the queue
        # (32): a pause during one leaves some in the queue, for RESUME to take.
        r.send("i=0; while true; do i=$((i+1)); dd if=/dev/zero of=/dev/vda bs=4M count=1 "
               "seek=$((i%4)) oflag=direct 2>/dev/null; echo cnt=$i; sleep 0.05; done\n")

        def cnts():
            return [int(n) for n in re.findall(r"cnt=(\d+)\r?\n", r.console("alpha"))]

        def wait_cnts(more, timeout=120):
            start, deadline = len(cnts()), time.monotonic() + timeout
            while len(cnts()) < start + more:
                assert time.monotonic() < deadline, r.console("alpha")[-2000:]
                time.sleep(0.2)
            return cnts()
        wait_cnts(5)
        with Client(sock) as c:
            c.pause("alpha")
            before = cnts()
            cpu = c.info("alpha")["cpu_time_ns"]
            wait_lines(r, "beta", 10)  # writes in flight at the pause land meanwhile
            written = os.stat(disk).st_mtime_ns
            wait_lines(r, "beta", 20)  # 2 s of the other VM's time
            assert os.stat(disk).st_mtime_ns == written, "a paused VM's disk was written"
            assert cnts() == before, "a paused Linux VM counted on"
            assert c.info("alpha")["cpu_time_ns"] == cpu
            c.resume("alpha")
            after = wait_cnts(5)
        assert os.stat(disk).st_mtime_ns > written
        assert after == list(range(1, len(after) + 1)), after  # no count lost or repeated
        assert not re.search(r"BUG|Oops|Call trace|watchdog|blocked for more", r.console("alpha")), \
            r.console("alpha")[-3000:]
    finally:
        r.kill()


def test_a_paused_vm_keeps_the_run_going(tmp_path, sock):
    """When every other VM has powered off, a paused VM is still there to resume: the run
    does not end."""
    import time
    cfg = write_config(tmp_path / "vms.dts", {
        "alpha": {"kernel": COUNTER, "memory": "16M", "cpus": 1},
        "beta": {"kernel": os.path.join(GUESTS, "timerguest.bin"), "memory": "16M",
                 "cpus": 1}})
    r = Run("--config", cfg, "--pcpus", "1", "--control", sock)
    try:
        r.expect_vm("alpha", "counter: start")
        with Client(sock) as c:
            c.pause("alpha")
            r.expect(r"VM 'beta' powered off")
            time.sleep(1)
            assert r.proc.poll() is None, f"the run ended:\n{r.out[-2000:]}\n{r.err}"
            assert [v["state"] for v in c.list()] == ["paused", "stopped"]
            c.resume("alpha")
            wait_lines(r, "alpha", 3)
    finally:
        r.kill()


def test_console_on_a_terminal(sock, tmp_path):
    """triad-ctl console on a terminal: keys go to the VM as typed (raw mode), Ctrl-]
    detaches and ends it with status 0."""
    import pty
    import select
    import time
    r = Run("--kernel", COUNTER, "--mem", "16M", "--control", sock)
    try:
        r.expect("counter: start")
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(os.path.join(ROOT, "tools", "triad-ctl"),
                     ["triad-ctl", "--socket", sock, "console", "guest"])
        out, typed = b"", False
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and b"counter: key K" not in out:
            if select.select([fd], [], [], 0.5)[0]:
                out += os.read(fd, 4096)
            if not typed and b"counter: n=" in out:
                os.write(fd, b"K")  # no newline: raw mode passes it at once
                typed = True
        os.write(fd, b"\x1d")
        _, status = os.waitpid(pid, 0)
        os.close(fd)
        assert b"counter: key K" in out, out[-2000:]
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
    finally:
        r.kill()
