"""The management API's client (docs/management.md): frames, requests and replies over the
socket `triad-run --control PATH` names. Stdlib only; tools/triad-ctl and the tests use it.

    with Client(path) as c:
        for vm in c.list():
            print(vm["name"], vm["state"])
        c.pause(c.vm_id("alpha"))
"""
import collections
import socket
import struct
import time

MAGIC = 0x544D4754
VERSION = (1, 1)
HEADER = struct.Struct("<IHHII")  # magic, op, flags, seq, len
MAX_PAYLOAD = 1 << 20
REPLY, EVENT = 0x8000, 0x4000

OPS = {
    "HELLO": 0x0001, "UPLOAD_BEGIN": 0x0002, "UPLOAD": 0x0003, "DOWNLOAD": 0x0004,
    "LIST": 0x0010, "INFO": 0x0011, "PAUSE": 0x0012, "RESUME": 0x0013,
    "CONSOLE": 0x0014, "CONSOLE_INPUT": 0x0015,
    "CREATE": 0x0020, "START": 0x0021, "SHUTDOWN": 0x0022, "REBOOT": 0x0023, "DESTROY": 0x0024,
    "QUIT": 0x0025,
    "SAVE": 0x0030, "RESTORE": 0x0031,
    "STATS": 0x0040, "TRACE_SET": 0x0041, "TRACE_READ": 0x0042, "AUDIT_READ": 0x0043,
}

STATUS = {0: "OK", -1: "EPROTO", -2: "EINVAL", -3: "ENOENT", -4: "EBUSY", -5: "ENOMEM",
          -6: "ENOTSUP", -7: "EVERSION"}

VM_RECORD = struct.Struct("<IIQQ32s16s16s")  # id, vcpus, memory, cpu_time_ns, name, state, kind
VCPU_RECORD = struct.Struct("<II12sIQ")  # id, cpu, state, migrations, cpu_time_ns


class MgmtError(Exception):
    """Triad answered a request with an error status."""

    def __init__(self, op, status, reason):
        self.op, self.status, self.reason = op, status, reason
        super().__init__(f"{op}: {STATUS.get(status, status)}: {reason}")


def frame(op, seq, payload=b"", flags=0, magic=MAGIC):
    return HEADER.pack(magic, op, flags, seq, len(payload)) + payload


def _cstr(b):
    return b.split(b"\0", 1)[0].decode(errors="replace")


def _vm(rec):
    vid, vcpus, mem, cpu_ns, name, state, kind = VM_RECORD.unpack(rec)
    return {"id": vid, "name": _cstr(name), "state": _cstr(state), "kind": _cstr(kind),
            "vcpus": vcpus, "memory": mem, "cpu_time_ns": cpu_ns}


class Client:
    """One session on the management socket. Requests are answered in order; events
    (console output) that arrive meanwhile go to on_event(op, payload)."""

    def __init__(self, path, timeout=60.0, connect_wait=30.0, hello=True, on_event=None):
        self.timeout = timeout
        self.seq = 0
        self.buf = bytearray()  # received, not read yet
        self.skipped = 0
        self.on_event = on_event or (lambda op, payload: None)
        deadline = time.monotonic() + connect_wait
        while True:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                self.sock.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        self.server_version = None
        if hello:
            self.hello()

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- frames ----

    def send_raw(self, data):
        self.sock.sendall(data)

    def _send_parts(self, parts):
        """Sends the buffers back to back, as one sendall of their concatenation would."""
        parts = [memoryview(p).cast("B") for p in parts]
        self.sock.settimeout(self.timeout)
        while parts:
            n = self.sock.sendmsg(parts)
            while parts and n >= len(parts[0]):
                n -= len(parts[0])
                parts.pop(0)
            if parts:
                parts[0] = parts[0][n:]

    def _fill(self, deadline):
        """Appends what the socket has (at least a byte) to self.buf."""
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no reply from Triad")
        self.sock.settimeout(left)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            raise TimeoutError("no reply from Triad") from None
        if not data:
            raise ConnectionError("the control socket closed")
        self.buf += data

    def _read(self, n, deadline):
        if n >= 65536:
            out = bytearray(n)
            self._read_into(memoryview(out), deadline)
            return out
        while len(self.buf) < n:
            self._fill(deadline)
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def _read_into(self, view, deadline):
        """Fills view: what self.buf holds, then straight from the socket (a snapshot's
        DOWNLOAD replies are a megabyte each: growing self.buf with them copied them over
        and over)."""
        got = min(len(self.buf), len(view))
        view[:got] = self.buf[:got]
        del self.buf[:got]
        while got < len(view):
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no reply from Triad")
            self.sock.settimeout(left)
            try:
                k = self.sock.recv_into(view[got:])
            except socket.timeout:
                raise TimeoutError("no reply from Triad") from None
            if not k:
                raise ConnectionError("the control socket closed")
            got += k

    def read_frame(self, timeout=None):
        """The next frame from Triad: (op, seq, payload). Bytes that are no frame header
        (the rest of a reply Triad abandoned when nobody read it, docs/management.md) are
        skipped up to the next magic, and counted in self.skipped."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        magic_bytes = struct.pack("<I", MAGIC)
        while True:
            head = self._read(HEADER.size, deadline)
            magic, op, flags, seq, length = HEADER.unpack(head)
            if magic == MAGIC and length <= MAX_PAYLOAD:
                return op, seq, self._read(length, deadline)
            at = head.find(magic_bytes, 1)
            drop = at if at > 0 else HEADER.size - 3
            self.skipped += drop
            self.buf[:0] = head[drop:]

    def reply_to(self, seq, timeout=None):
        """Waits for the reply with this seq: (op, status, data or reason)."""
        while True:
            op, rseq, payload = self.read_frame(timeout)
            if op & EVENT:
                self.on_event(op & ~EVENT, payload)
                continue
            if rseq != seq:
                continue  # a reply to a request given up on, or to bytes that were no frame
            (status,) = struct.unpack_from("<i", payload)
            body = payload[4:]
            if status:
                return op & ~REPLY, status, _cstr(body)
            return op & ~REPLY, status, body

    def call(self, op, payload=b"", timeout=None):
        """Sends a request, returns its reply's data, raises MgmtError on an error."""
        name = op if isinstance(op, str) else f"op {op:#x}"
        code = OPS[op] if isinstance(op, str) else op
        self.seq = (self.seq + 1) & 0xFFFFFFFF or 1
        self.send_raw(frame(code, self.seq, payload))
        _, status, body = self.reply_to(self.seq, timeout)
        if status:
            raise MgmtError(name, status, body)
        return body

    # ---- requests ----

    def hello(self, version=VERSION):
        body = self.call("HELLO", struct.pack("<HH", *version))
        major, minor, maxp = struct.unpack_from("<HHI", body)
        self.server_version = (major, minor)
        self.max_payload = maxp
        return self.server_version

    def list(self):
        return self.list_all()[0]

    def list_all(self):
        """The VMs, and the machine's free memory in bytes."""
        body = self.call("LIST")
        n, size = struct.unpack_from("<II", body)
        vms = [_vm(body[8 + i * size:8 + i * size + VM_RECORD.size]) for i in range(n)]
        free, self.events_dropped = struct.unpack_from("<QQ", body, 8 + n * size)
        return vms, free

    def free_memory(self):
        return self.list_all()[1]

    def vm_id(self, vm):
        """A VM's id from its name (or its id as text)."""
        if isinstance(vm, int):
            return vm
        for v in self.list():
            if v["name"] == vm:
                return v["id"]
        if vm.isdigit():
            return int(vm)
        raise MgmtError("lookup", -3, f"no VM named {vm!r}")

    def info(self, vm):
        body = self.call("INFO", struct.pack("<I", self.vm_id(vm)))
        info = _vm(body[:VM_RECORD.size])
        off = VM_RECORD.size
        size, n = struct.unpack_from("<II", body, off)
        off += 8
        info["vcpu"] = []
        for i in range(n):
            vid, cpu, state, migr, ns = VCPU_RECORD.unpack_from(body, off + i * size)
            info["vcpu"].append({"id": vid, "cpu": cpu, "state": _cstr(state),
                                 "migrations": migr, "cpu_time_ns": ns})
        extra = body[off + n * size:]
        if len(extra) >= 16:
            info["paused_ns"], info["pauses"] = struct.unpack_from("<QQ", extra)
        if len(extra) >= 32:
            info["security"] = _cstr(extra[16:32])
        return info

    def pause(self, vm):
        return self.call("PAUSE", struct.pack("<I", self.vm_id(vm)))

    def resume(self, vm):
        return self.call("RESUME", struct.pack("<I", self.vm_id(vm)))

    def console(self, vm, on=True):
        """Attaches to (or detaches from) a VM's console: its output then comes as
        on_event(OPS["CONSOLE"], u32 vm + bytes)."""
        return self.call("CONSOLE", struct.pack("<II", self.vm_id(vm), 1 if on else 0))

    def console_input(self, vm, data):
        vid = self.vm_id(vm)
        for off in range(0, len(data), 4096):
            self.call("CONSOLE_INPUT", struct.pack("<I", vid) + data[off:off + 4096])

    def poll_events(self, timeout):
        """Reads what Triad sends for up to `timeout` seconds, handing events to on_event."""
        import select
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            if not self.buf:
                ready, _, _ = select.select([self.sock], [], [], left)
                if not ready:
                    return
            op, _, payload = self.read_frame()
            if op & EVENT:
                self.on_event(op & ~EVENT, payload)

    def upload(self, data, chunk=None, window=4):
        """Fills the session's input buffer with data (for CREATE, RESTORE). Up to `window`
        UPLOADs are in flight: Triad serves them in order, one at a time, and the next is
        already in its queue when one is done (docs/management.md)."""
        chunk = chunk or self.max_payload - 8
        self.call("UPLOAD_BEGIN", struct.pack("<Q", len(data)))
        in_flight = collections.deque()
        view = memoryview(data)
        for off in range(0, len(data), chunk):
            self.seq = (self.seq + 1) & 0xFFFFFFFF or 1
            piece = view[off:off + chunk]
            # Header and bytes gathered by the kernel: no megabyte copied per frame.
            self._send_parts([HEADER.pack(MAGIC, OPS["UPLOAD"], 0, self.seq, 8 + len(piece)) +
                              struct.pack("<Q", off), piece])
            in_flight.append(self.seq)
            if len(in_flight) == window:
                self._expect_ok("UPLOAD", in_flight.popleft())
        while in_flight:
            self._expect_ok("UPLOAD", in_flight.popleft())

    def _expect_ok(self, name, seq):
        _, status, body = self.reply_to(seq)
        if status:
            raise MgmtError(name, status, body)

    def _reply_into(self, seq, dest, timeout=None):
        """Waits for the reply with this seq to a request whose data is a u64 then bytes
        (DOWNLOAD): returns the u64, the bytes read straight into dest(u64, count), a
        memoryview. Events and other frames on the way are handled as reply_to does."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            head = self._read(HEADER.size, deadline)
            magic, op, _, rseq, length = HEADER.unpack(head)
            if magic == MAGIC and op & REPLY and rseq == seq and 12 <= length <= MAX_PAYLOAD:
                status, value = struct.unpack("<iQ", self._read(12, deadline))
                if status == 0:
                    self._read_into(dest(value, length - 12), deadline)
                    return value
                reason = struct.pack("<Q", value) + self._read(length - 12, deadline)
                raise MgmtError("DOWNLOAD", status, _cstr(reason))
            self.buf[:0] = head
            op, rseq, payload = self.read_frame(timeout)
            if op & EVENT:
                self.on_event(op & ~EVENT, payload)
                continue
            if rseq != seq:
                continue
            (status,) = struct.unpack_from("<i", payload)
            if status:
                raise MgmtError("DOWNLOAD", status, _cstr(payload[4:]))
            (value,) = struct.unpack_from("<Q", payload, 4)
            dest(value, len(payload) - 12)[:] = payload[12:]
            return value

    def download(self, chunk=None, window=4):
        """The session's output buffer (what SAVE left), whole, as a bytearray. Up to `window` DOWNLOADs
        are in flight, as UPLOADs are, and each reply's bytes go straight into place."""
        # The largest a reply can be: the channel is flow-controlled (docs/management.md).
        chunk = min(chunk or self.max_payload, self.max_payload - 64)
        out, size, got, asked, last = None, None, 0, 0, 0
        in_flight = collections.deque()

        def dest(total, n):
            nonlocal out, last
            last = n
            if out is None:
                out = bytearray(total)
            if total != len(out) or off != got or n > total - off:
                raise ConnectionError(f"DOWNLOAD of {n} bytes at {off} does not fit "
                                      f"{len(out)} bytes, {got} received")
            if n == 0 and got < total:
                raise ConnectionError("DOWNLOAD returned no bytes")
            return memoryview(out)[off:off + n]

        while size is None or got < size:
            while len(in_flight) < (window if size is not None else 1) and \
                    (size is None or asked < size):
                self.seq = (self.seq + 1) & 0xFFFFFFFF or 1
                self.send_raw(frame(OPS["DOWNLOAD"], self.seq,
                                    struct.pack("<QI", asked, chunk)))
                in_flight.append((self.seq, asked))
                asked += chunk
            seq, off = in_flight.popleft()
            size = self._reply_into(seq, dest)
            got = off + last
        # Not copied into a bytes: on a host where a fresh page costs a fault, copying a
        # 70 MB snapshot once more took half a second.
        return out if out is not None else bytearray()

    # ---- creating and ending VMs (core/vm_lifecycle_ops.c) ----

    def create(self, bundle, name=None):
        """Uploads a one-VM bundle and makes a (stopped) VM of it: its id."""
        self.upload(bundle)
        body = self.call("CREATE", (name or "").encode())
        return struct.unpack_from("<I", body)[0]

    def start(self, vm):
        return self.call("START", struct.pack("<I", self.vm_id(vm)))

    def shutdown(self, vm, deadline_ms=30000):
        """Presses the VM's power key: "powered off", or "destroyed" at the deadline."""
        body = self.call("SHUTDOWN", struct.pack("<II", self.vm_id(vm), deadline_ms),
                         timeout=self.timeout + deadline_ms / 1000)
        return ("powered off", "destroyed")[struct.unpack_from("<I", body)[0]]

    def reboot(self, vm):
        return self.call("REBOOT", struct.pack("<I", self.vm_id(vm)))

    def destroy(self, vm):
        return self.call("DESTROY", struct.pack("<I", self.vm_id(vm)))

    def quit(self):
        return self.call("QUIT")

    def save(self, vm, timeout=None):
        """A snapshot of the VM (docs/snapshot.md): its file's bytes, a bytearray."""
        body = self.call("SAVE", struct.pack("<I", self.vm_id(vm)), timeout)
        (size,) = struct.unpack_from("<Q", body)
        data = self.download()
        if len(data) != size:
            raise ConnectionError(f"snapshot of {size} bytes came as {len(data)}")
        return data

    def restore(self, data, name=None, timeout=None):
        """A VM built from a snapshot file's bytes, running; returns its id."""
        self.upload(data)
        body = self.call("RESTORE", (name or "").encode(), timeout)
        return struct.unpack_from("<I", body)[0]
