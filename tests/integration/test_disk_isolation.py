"""A VM's virtio disk cannot reach outside that VM (issue 19): a bare-metal attacker
drives its virtio-mmio disk against the transport's rules while a canary VM, whose memory
follows the attacker's and whose disk range follows the attacker's range, watches both.
And a VM reset waits for the disk's requests before it reloads the VM's memory."""
import hashlib
import os
import re

from triad import GUESTS, write_config

MB = 1 << 20
ATTACKER = os.path.join(GUESTS, "diskattack.bin")
CANARY = os.path.join(GUESTS, "canary.bin")


def sha(path, start, size):
    with open(path, "rb") as f:
        f.seek(start)
        return hashlib.sha256(f.read(size)).hexdigest()


def test_a_stopped_queue_sends_no_completion_into_another_vm(run, tmp_path):
    image = tmp_path / "disk.img"
    image.write_bytes(os.urandom(16 * MB))
    canary_range = sha(image, 8 * MB, 8 * MB)
    cfg = write_config(tmp_path / "vms.dts", {
        "attacker": {"kernel": ATTACKER, "memory": "32M", "disks": ["disk.img,offset=0,size=8M"]},
        "canary": {"kernel": CANARY, "memory": "16M", "bootargs": "canary.low",
                   "disks": ["disk.img,offset=8M,size=8M"]},
    })
    r = run("--config", cfg, "--pcpus", "2")
    attacker_pa = int(r.expect(r"VM 0 'attacker': .* RAM at PA (0x[0-9a-f]+),").group(1), 16)
    canary_pa = int(r.expect(r"VM 1 'canary': .* RAM at PA (0x[0-9a-f]+),").group(1), 16)
    # The layout that makes the attack hit the canary: a stray write just past the
    # attacker's RAM is in the canary's first megabyte, which it watches.
    assert canary_pa == attacker_pa + 32 * MB, (hex(attacker_pa), hex(canary_pa))
    r.expect_vm("canary", r"canary: watching IPA 0x40000000 \(1024 KB\)")
    r.expect_vm("attacker", r"diskattack: disk of 16384 sectors .* a key starts the attack")
    r.send("g")  # the keyboard is the first VM's
    for n in range(1, 7):
        m = r.expect_vm("attacker", rf"diskattack: round {n}: ([^\n]*)\n")
        # Stopped at once; the write across the range's end refused (IOERR); no
        # completion written into the used ring it moved to the end of its RAM.
        assert m.group(1).strip() == ("ready after stop 0, write across the range end "
                                      "status 1, moved ring untouched"), m.group(1)
    r.expect_vm("attacker", r"diskattack: read after reset ok")
    r.expect_vm("attacker", r"diskattack: done")
    # Triad said what it refused.
    assert re.search(r"VM 'attacker': virtio-blk: QueueNum 0 or above QueueNumMax: refused",
                     r.out), r.out[-3000:]
    r.expect(r"VM 'attacker' powered off")
    r.send("\x14" + "2")
    r.expect("console input: VM 'canary'")
    r.send("q")
    r.expect_vm("canary", r"canary: intact after \d+ checks")
    assert r.wait() == 0
    # The canary's disk range is bit for bit what it was; the attacker's last write
    # landed at the end of its own range.
    assert sha(image, 8 * MB, 8 * MB) == canary_range
    with open(image, "rb") as f:
        f.seek(8 * MB - 128 * 1024)
        first = int.from_bytes(f.read(8), "little")
    assert first - 0x6b6361747461 in range(1, 7), hex(first)


def test_a_vm_reset_waits_for_its_disk_before_reloading_memory(run, tmp_path):
    image = tmp_path / "disk.img"
    image.write_bytes(os.urandom(4 * MB))
    cfg = write_config(tmp_path / "vms.dts", {
        "resetter": {"kernel": ATTACKER, "memory": "32M", "bootargs": "diskattack.reset",
                     "disks": ["disk.img"]},
    })
    # One physical CPU: the reset and the disk's completions take turns on it, so a
    # request the device took after the reload would be seen every time.
    r = run("--config", cfg, "--pcpus", "1")
    r.expect(r"diskattack: reads in flight, resetting")
    r.expect(r"VM 'resetter' restarted")
    m = r.expect(r"diskattack: memory after reset (clean|DIRTY at offset \w+)\r?\n")
    assert m.group(1) == "clean", m.group(0)
    assert r.wait() == 0
