"""Network: each VM's virtio-net NIC is a port on Triad's switch, whose uplink is the
machine's virtio-net NIC on QEMU user networking."""
import re
import socket
import time
import urllib.request

from triad import PROMPT, linux_vm, write_config
from test_storage import untag


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                return r.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def test_vms_ping_each_other_and_the_host_reaches_a_vm_server(run, tmp_path):
    port = free_port()
    cfg = write_config(tmp_path / "vms.dts", {
        # web takes its address by DHCP from QEMU's user network, through the switch;
        # it is the first client, so it gets 10.0.2.15.
        "web": linux_vm(net="virtio"),
        "peer": linux_vm(net="virtio", bootargs="console=ttyAMA0 triad.ip=10.0.2.20/24"),
    })
    r = run("--config", cfg, "--pcpus", "2", "--net",
            f"user,hostfwd=tcp:127.0.0.1:{port}-10.0.2.15:80")
    r.expect_vm("web", "eth0 has 10.0.2.15")
    r.expect_vm("web", PROMPT)
    r.expect_vm("peer", PROMPT)
    out = untag(r.shell("ip -o addr show eth0 | grep -o 'inet [0-9.]*'; "
                        "cat /sys/class/net/eth0/address; ping -c 3 -W 5 10.0.2.20; "
                        "ping -c 1 -W 5 10.0.2.2"))
    assert "inet 10.0.2.15" in out and "02:54:52:41:44:01" in out, out
    assert out.count("3 packets transmitted, 3 packets received") == 1, out
    assert "1 packets transmitted, 1 packets received" in out, out
    r.shell("mkdir -p /www; echo served-by-triad-vm > /www/index.html; httpd -h /www -p 80")
    assert fetch(f"http://127.0.0.1:{port}/") == "served-by-triad-vm\n"
    # The peer answers too; then it changes its address to pose as another machine: the
    # switch drops what it sends from an address that is not its own.
    r.send("\x14" + "2")
    r.expect("peer")
    out = untag(r.shell("ping -c 2 -W 5 10.0.2.15; ip link set eth0 down; "
                        "ip link set eth0 address 02:54:52:41:44:01; ip link set eth0 up; "
                        "sleep 1; ping -c 2 -W 2 10.0.2.15"))
    assert "2 packets transmitted, 2 packets received" in out, out
    assert "2 packets transmitted, 0 packets received" in out, out
    r.send("poweroff -f\n")
    r.send("\x14" + "1")
    r.send("poweroff -f\n")
    assert r.wait() == 0
    assert re.search(r"switch port peer: \d+ frames in, \d+ out \(spoofed frames dropped\)",
                     r.out), r.out[-2000:]
