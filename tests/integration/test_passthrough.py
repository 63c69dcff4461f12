"""Passthrough: a device of the machine (QEMU's second PL011) handed to one VM: its
registers mapped into that VM, its interrupt forwarded to it; other VMs cannot reach it."""
import re
import socket
import time

import pytest

from triad import SECURE, GUESTS, INITRAMFS, LINUX_6_1, PROMPT, linux_vm, triad_run, write_config
from test_storage import untag


@pytest.mark.skipif(SECURE, reason="with a secure world, uart1 is the secure world's UART")
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
        "a": {"kernel": LINUX_6_1, "memory": "64M", "passthrough": ["/pl061@9030000"]},
        "b": {"kernel": LINUX_6_1, "memory": "64M", "passthrough": ["/pl061@9030000"]}})
    status, _, err = triad_run("--config", cfg)
    assert status == 1 and "a device goes to one VM" in err, err


def test_pci_nic_passthrough_gets_a_lease_through_its_own_network(run):
    # A virtio-net PCIe function on its own QEMU user network: the guest's own driver
    # (virtio_pci) runs it; its DMA goes through the SMMU with the VM's stage 2, its INTx
    # arrives forwarded.
    r = run("--kernel", LINUX_6_1, "--initrd", INITRAMFS, "--mem", "256M",
            "--passthrough", "virtio-net-pci")
    r.expect("passthrough of PCI 00:02.0")
    r.expect(r"eth0 has 10\.0\.2\.15 \(DHCP\)")
    r.expect(re.escape(PROMPT))
    out = r.shell("cat /sys/bus/pci/devices/0000:00:02.0/vendor; ping -c 2 -W 5 10.0.2.2; "
                  "grep virtio1 /proc/interrupts")
    assert "0x1af4" in out, out
    assert "2 packets transmitted, 2 packets received" in out, out
    count = re.search(r"^\s*\d+:\s+(\d+)\s+GICv3\s+\d+ Level\s+virtio1", out, re.M)
    assert count and int(count.group(1)) > 0, out
    r.send("poweroff -f\n")
    assert r.wait() == 0
    assert "SMMU:" not in r.out  # no fault: all its DMA was to the VM's own memory


def test_dma_outside_the_vm_is_stopped_by_the_smmu(run, tmp_path):
    # The attacker owns QEMU's edu device (a DMA engine that may address all memory) and
    # points it at the canary VM's memory; the canary checks that memory all along.
    cfg = write_config(tmp_path / "vms.dts", {
        "attacker": linux_vm(passthrough=["edu"], memory="64M"),
        "canary": {"kernel": f"{GUESTS}/canary.bin", "memory": "128M"},
    })
    r = run("--config", cfg, "--pcpus", "2")
    canary_pa = int(r.expect(r"VM 1 'canary': .* RAM at PA (0x[0-9a-f]+), VMID").group(1), 16)
    watched = int(r.expect_vm("canary", r"canary: watching IPA (0x[0-9a-f]+) \(").group(1), 16)
    target = canary_pa + (watched - 0x40000000)  # where that memory really is
    assert target >= 0x40000000 + (64 << 20)  # not an address the attacker itself has
    r.expect_vm("attacker", PROMPT)
    out = untag(r.shell(f"triad-dma /sys/bus/pci/devices/0000:00:02.0 {target:#x}",
                        timeout=120))
    # The engine works (a round trip through the attacker's own memory)...
    assert "round trip through the device ok" in out, out
    # ...but what it reads from the canary's memory is not the canary's data...
    first = int(re.search(r"first 8 bytes \(little-endian\) (0x[0-9a-f]+)", out).group(1), 16)
    canary_bytes = bytes((i * 7 + 0x5a) & 0xff for i in range(8))
    assert first.to_bytes(8, "little") != canary_bytes, out
    # ...its write and read are blocked and logged...
    assert re.search(rf"VM 'attacker': SMMU: its device \(stream 0x10\): translation fault on "
                     rf"DMA write to IPA {target:#x}", r.out), r.out[-3000:]
    assert re.search(rf"translation fault on DMA read from IPA {target:#x}", r.out)
    # ...and the canary's memory never changed.
    r.send("\x14" + "2")
    r.expect("console input: VM 'canary'")
    r.send("q")
    r.expect_vm("canary", r"canary: intact after \d+ checks")
    r.send("\x14" + "1")
    r.send("poweroff -f\n")
    assert r.wait() == 0
