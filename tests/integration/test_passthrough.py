"""Passthrough: a device of the machine (QEMU's second PL011) handed to one VM: its
registers mapped into that VM, its interrupt forwarded to it; other VMs cannot reach it."""
import re
import socket
import time

from triad import PROMPT, linux_vm, triad_run, write_config, LINUX_6_1
from test_storage import untag


def test_uart_passthrough_reaches_one_vm_only(run, tmp_path):
    sock = str(tmp_path / "uart1.sock")
    cfg = write_config(tmp_path / "vms.dts", {
        "owner": linux_vm(passthrough=[f"uart1,socket={sock}"]),
        "other": linux_vm(),
    })
    r = run("--config", cfg, "--pcpus", "2")
    r.expect_vm("owner", PROMPT)
    r.expect_vm("other", PROMPT)
    host = socket.socket(socket.AF_UNIX)
    host.connect(sock)
    host.settimeout(30)
    # The guest's PL011 driver takes the device (ttyAMA1); what it writes reaches the host
    # without Triad in the way.
    out = untag(r.shell("stty -F /dev/ttyAMA1 raw -echo 115200; "
                        "cat /dev/ttyAMA1 > /tmp/got & sleep 1; "
                        "echo from-the-guest > /dev/ttyAMA1; echo sent"))
    assert "sent" in out, out
    got = b""
    while b"from-the-guest\n" not in got:
        got += host.recv(100)
    # What the host sends arrives through the receive interrupt, forwarded to the guest.
    host.sendall(b"from-the-host\n")
    time.sleep(2)
    out = untag(r.shell("cat /tmp/got; grep ' 40 Level' /proc/interrupts"))
    assert "from-the-host" in out, out
    count = re.search(r"^\s*\d+:\s+(\d+)\s+GICv3\s+40 Level", out, re.M)
    assert count and int(count.group(1)) > 0, out
    # Its registers are in the owner's address space only: another VM that reads them
    # gets an external abort (the guest kernel turns it into SIGBUS).
    r.send("\x14" + "2")
    r.expect("other")
    out = untag(r.shell("devmem 0x9040018 32; echo status=$?"))
    assert "Bus error" in out or "status=135" in out, out
    r.send("poweroff -f\n")
    r.send("\x14" + "1")
    r.send("poweroff -f\n")
    assert r.wait() == 0


def test_passthrough_mistakes(tmp_path):
    cases = [
        (["--passthrough", "uart7"], "unknown device"),
        (["--passthrough", "uart1,baud=9600"], "unknown option"),
    ]
    for args, message in cases:
        status, _, err = triad_run("--kernel", LINUX_6_1, *args)
        assert status == 1 and message in err, (args, err)
    # Triad refuses what it keeps for itself, or what is not there, before any VM boots.
    for path, message in [("/pl011@9000000", "Triad's"), ("/intc@8000000", "arm,gic-v3"),
                          ("/nothing@0", "no such device"),
                          ("/virtio_mmio@a000000", "virtio,mmio")]:
        cfg = write_config(tmp_path / "vms.dts", {"a": {"kernel": LINUX_6_1, "memory": "64M",
                                                        "passthrough": [path]}})
        status, out, err = triad_run("--config", cfg, timeout=120)
        assert status == 1 and message in out, (path, out[-1500:])
    cfg = write_config(tmp_path / "vms.dts", {
        "a": {"kernel": LINUX_6_1, "memory": "64M", "passthrough": ["uart1"]},
        "b": {"kernel": LINUX_6_1, "memory": "64M", "passthrough": ["uart1"]}})
    status, _, err = triad_run("--config", cfg)
    assert status == 1 and "a device goes to one VM" in err, err
