"""Disks: image files on the host become the machine's virtio-blk disks, which Triad drives;
each VM gets virtio-blk devices on ranges of them."""
import os
import re
import secrets
import struct
import subprocess

from triad import INITRAMFS, LINUX_6_1, PROMPT, ext4_cat, ext4_image, linux_vm, triad_run, \
    write_config


def test_ext4_writes_survive_guest_reboot_and_a_restart_of_the_whole_stack(run, tmp_path):
    image = ext4_image(tmp_path / "disk.img", files={"hello": "from the host\n"})
    token1, token2 = secrets.token_hex(8), secrets.token_hex(8)
    r = run("--kernel", LINUX_6_1, "--initrd", INITRAMFS, "--mem", "256M", "--disk", image)
    r.expect(re.escape(PROMPT))
    # The guest sees the disk's size and the host's files.
    assert r.shell("cat /sys/block/vda/size").strip() == str(64 << 11)
    assert "from the host" in r.shell("mkdir -p /mnt; mount /dev/vda /mnt; cat /mnt/hello")
    r.shell(f"echo {token1} > /mnt/one; sync")
    # A guest reboot: Triad restarts the VM (waiting for its disk requests), and what was
    # synced is there.
    r.send("reboot -f\n")
    r.expect("triad-guest: userspace up")
    r.expect(re.escape(PROMPT))
    assert token1 in r.shell("mkdir -p /mnt; mount /dev/vda /mnt; cat /mnt/one")
    r.shell(f"echo {token2} > /mnt/two; umount /mnt")
    r.send("poweroff -f\n")
    assert r.wait() == 0
    # A new QEMU, a new Triad: the data is on the image file.
    assert ext4_cat(image, "one").strip() == token1
    assert ext4_cat(image, "two").strip() == token2
    r = run("--kernel", LINUX_6_1, "--initrd", INITRAMFS, "--mem", "256M", "--disk", image)
    r.expect(re.escape(PROMPT))
    out = r.shell("mkdir -p /mnt; mount /dev/vda /mnt; cat /mnt/one /mnt/two; "
                  "dd if=/dev/urandom of=/mnt/big bs=64k count=64 2>/dev/null; "
                  "md5sum /mnt/big; umount /mnt; mount /dev/vda /mnt; md5sum /mnt/big")
    assert token1 in out and token2 in out
    sums = re.findall(r"^([0-9a-f]{32})\s", out, re.M)
    assert len(sums) == 2 and sums[0] == sums[1], out
    r.send("poweroff -f\n")
    assert r.wait() == 0


def mbr_image(path, parts):
    """A disk image with an MBR partition table: parts are (start, sectors)."""
    total = max(s + n for s, n in parts)
    mbr = bytearray(512)
    for i, (start, count) in enumerate(parts):
        mbr[446 + 16 * i + 4] = 0x83
        struct.pack_into("<II", mbr, 446 + 16 * i + 8, start, count)
    mbr[510:512] = b"\x55\xaa"
    with open(path, "wb") as f:
        f.write(mbr)
        f.truncate(total * 512)
    return str(path)


def untag(out):
    """Shell output of a multi-VM run without the console's VM tags."""
    return re.sub(r"^[\w-]+[|+] ", "", out, flags=re.M)


def test_two_vms_share_a_disk_by_partition_one_of_them_read_only(run, tmp_path):
    image = mbr_image(tmp_path / "shared.img", [(2048, 8192), (10240, 4096)])
    # Each VM's partition starts with its own marker.
    with open(image, "r+b") as f:
        f.seek(2048 * 512)
        f.write(b"PARTITION-ONE")
        f.seek(10240 * 512)
        f.write(b"PARTITION-TWO")
    cfg = write_config(tmp_path / "vms.dts", {
        "writer": linux_vm(disks=["shared.img,part=1"]),
        "reader": linux_vm(disks=["shared.img,part=2,ro"]),
    })
    r = run("--config", cfg, "--pcpus", "2")
    r.expect_vm("writer", PROMPT)
    r.expect_vm("reader", PROMPT)
    out = r.shell("cat /sys/block/vda/size /sys/block/vda/ro; head -c 13 /dev/vda; echo; "
                  "echo WRITTEN-BY-VM | dd of=/dev/vda bs=512 seek=1 conv=sync,fsync "
                  "2>/dev/null; echo dd=$?")
    out = untag(out)
    assert out.split()[:4] == ["8192", "0", "PARTITION-ONE", "dd=0"], out
    r.send("\x14" + "2")  # the keyboard to the reader
    r.expect("reader")
    out = r.shell("cat /sys/block/vda/size /sys/block/vda/ro; head -c 13 /dev/vda; echo; "
                  "echo X | dd of=/dev/vda oflag=direct bs=512 conv=sync 2>&1; echo dd=$?")
    out = untag(out)
    assert out.split()[:3] == ["4096", "1", "PARTITION-TWO"], out
    assert "dd=1" in out, out
    r.send("poweroff -f\n")
    r.send("\x14" + "1")
    r.send("poweroff -f\n")
    assert r.wait() == 0
    with open(image, "rb") as f:
        f.seek(2049 * 512)
        assert f.read(14) == b"WRITTEN-BY-VM\n"
        f.seek(10240 * 512)
        assert f.read(13) == b"PARTITION-TWO"


def test_qcow2_image_through_qemus_block_layer(run, tmp_path):
    """A qcow2 image is found to be one and given to QEMU as such: the guest sees its
    virtual size and its file system, and what it writes lands in the qcow2 file."""
    raw = ext4_image(tmp_path / "disk.img", files={"hello": "from a qcow2\n"})
    image = str(tmp_path / "disk.qcow2")
    subprocess.run(["qemu-img", "convert", "-O", "qcow2", raw, image], check=True)
    os.unlink(raw)
    token = secrets.token_hex(8)
    r = run("--kernel", LINUX_6_1, "--initrd", INITRAMFS, "--mem", "256M", "--disk", image)
    r.expect(re.escape(PROMPT))
    assert r.shell("cat /sys/block/vda/size").strip() == str(64 << 11)
    assert "from a qcow2" in r.shell("mkdir -p /mnt; mount /dev/vda /mnt; cat /mnt/hello")
    r.shell(f"echo {token} > /mnt/token; umount /mnt")
    r.send("poweroff -f\n")
    assert r.wait() == 0
    back = str(tmp_path / "back.img")
    subprocess.run(["qemu-img", "convert", "-O", "raw", image, back], check=True)
    assert ext4_cat(back, "token").strip() == token


def test_disk_mistakes_are_reported_before_boot(tmp_path):
    image = ext4_image(tmp_path / "d.img", size_mb=8)
    odd = tmp_path / "odd.img"
    odd.write_bytes(b"x" * 1000)
    qcow2 = str(tmp_path / "d.qcow2")
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", qcow2, "8M"], check=True)
    cases = [
        (["--disk", str(tmp_path / "missing.img")], "no such image file"),
        (["--disk", image + ",rw"], "unknown option 'rw'"),
        (["--disk", str(odd)], "not a non-zero multiple of 512"),
        (["--disk", image + ",part=1"], "no partition table"),
        (["--disk", image + ",offset=4M,size=8M"], "outside the image"),
        (["--disk", image, "--disk", image], "share sectors"),
        (["--disk", image + ",offset=1M,size=2M", "--disk", image + ",offset=2M,size=1M"],
         "share sectors"),
        (["--disk", qcow2 + ",part=1"], "for a qcow2 image give the partition's offset="),
        (["--disk", image + ",format=qcow2"], "has no qcow2 header"),
        (["--disk", image + ",format=vmdk"], "unknown option 'format=vmdk'"),
        (["--net", "tap"], "only 'user'"),
        (["--net", "user,hostfwd=80"], "is not hostfwd="),
    ]
    for args, message in cases:
        status, _, err = triad_run("--kernel", LINUX_6_1, *args)
        assert status == 1 and message in err, (args, err)
    # Reading the same sectors from two places is fine.
    status, _, err = triad_run("--kernel", LINUX_6_1, "--disk", image + ",ro", "--disk",
                               image + ",ro", "--dry-run")
    assert status == 0, err


def test_config_disks_name_the_vm_node(tmp_path):
    ext4_image(tmp_path / "d.img", size_mb=8)
    cfg = write_config(tmp_path / "vms.dts", {
        "a": linux_vm(disks=["d.img"]),
        "b": linux_vm(disks=["d.img,offset=1M"]),
    })
    status, _, err = triad_run("--config", cfg)
    assert status == 1
    assert "VMs 'a' and 'b'" in err and "share sectors" in err, err
    cfg = write_config(tmp_path / "vms.dts", {"a": linux_vm(disks=["nothere.img"])})
    status, _, err = triad_run("--config", cfg)
    assert status == 1 and "/vms/a: disks" in err and "no such image file" in err, err
    assert os.path.exists(tmp_path / "d.img")
