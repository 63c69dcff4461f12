"""Reading what Triad observes through the management API (docs/debugging.md): a VM's
statistics, the trace buffer and the audit log. Each function takes a triad_mgmt.Client."""
import struct

from triad_mgmt import _cstr

TRACE_CLASSES = ["exit", "inject", "sched", "world", "rmi", "ffa", "device"]
TRACE_RECORD = struct.Struct("<QHHHHQQ")  # time, class, vm, vcpu, cpu, a, b
AUDIT_RECORD = struct.Struct("<QQI20s88s")  # number, time, vm, event, reason


def stats(client, vm):
    """A VM's exits by reason, interrupts injected, time in the guest and in Triad, I/O."""
    body = client.call("STATS", struct.pack("<I", client.vm_id(vm)))
    freq, n, _ = struct.unpack_from("<QII", body)
    off, exits = 16, {}
    for _ in range(n):
        name, count = struct.unpack_from("<8sQ", body, off)
        exits[_cstr(name)] = count
        off += 16
    injected, guest, run, io_req, io_bytes = struct.unpack_from("<5Q", body, off)
    return {"exits": exits, "injected": injected, "guest_ns": guest * 10**9 // freq,
            "triad_ns": max(run - guest, 0) * 10**9 // freq, "io_requests": io_req,
            "io_bytes": io_bytes}


def trace_set(client, classes):
    """Turns trace classes on (names; [] turns tracing off); returns those on before."""
    mask = 0
    for name in classes:
        mask |= (1 << len(TRACE_CLASSES)) - 1 if name == "all" else 1 << TRACE_CLASSES.index(name)
    (before,) = struct.unpack("<I", client.call("TRACE_SET", struct.pack("<I", mask)))
    return [name for i, name in enumerate(TRACE_CLASSES) if before >> i & 1]


TRACE_READ_BATCH = 1024  # records a request asks for (Triad gives at most 1,024 at once)
AUDIT_READ_BATCH = 256   # 32 KiB of records


def trace_read(client, positions=None):
    """Every CPU's records since positions ({cpu: next record number}, updated in place);
    returns (counter frequency, records as dicts, records lost)."""
    positions = {} if positions is None else positions
    records, lost, freq, cpu, ncpus = [], 0, 1, 0, 1
    while cpu < ncpus:
        # Up to 1,024 records (32 KiB) a reply. A CPU is read until a reply comes back short:
        # each request itself adds records (its interrupt makes the guest exit), so reading
        # until an empty reply would chase a writer it never catches.
        body = client.call("TRACE_READ",
                           struct.pack("<IIQ", cpu, TRACE_READ_BATCH, positions.get(cpu, 0)))
        nxt, gone, freq, ncpus, n = struct.unpack_from("<QQQII", body)
        lost += gone
        for i in range(n):
            t, cls, vm, vcpu, pcpu, a, b = TRACE_RECORD.unpack_from(body, 32 + i * 32)
            records.append({"time": t, "class": TRACE_CLASSES[cls] if cls < len(TRACE_CLASSES)
                            else str(cls), "vm": vm, "vcpu": vcpu, "cpu": pcpu, "a": a, "b": b})
        positions[cpu] = nxt
        if n < TRACE_READ_BATCH:
            cpu += 1
    return freq, records, lost


def audit_read(client, start=0):
    """The audit records from number `start` on: (frequency, records, lost, next number)."""
    out, lost, freq = [], 0, 1
    while True:
        body = client.call("AUDIT_READ", struct.pack("<IIQ", AUDIT_READ_BATCH, 0, start))
        start, gone, freq, n, _ = struct.unpack_from("<QQQII", body)
        lost += gone
        for i in range(n):
            num, t, vm, ev, reason = AUDIT_RECORD.unpack_from(body, 32 + i * AUDIT_RECORD.size)
            out.append({"number": num, "time": t, "vm": None if vm == 0xFFFFFFFF else vm,
                        "event": _cstr(ev), "reason": _cstr(reason)})
        if n < AUDIT_READ_BATCH and not gone:  # caught up (as for trace_read)
            return freq, out, lost, start
