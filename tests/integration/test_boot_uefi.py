"""A VM booted through UEFI (triad-run --boot disk --firmware uefi, firmware = "uefi"):
Debian's EDK2 for QEMU's virt (qemu-efi-aarch64) runs from a read-only flash bank at IPA 0
with its variable store in a second, emulated CFI flash bank (devices/vcfi.c), finds the
EFI System Partition of the VM's disk and runs its startup.nsh, which boots Linux through
its EFI stub (docs/distributions.md)."""
import os
import re
import shutil
import subprocess

from triad import INITRAMFS, LINUX_6_1, PROMPT, ROOT, triad_run, write_config

EDK2 = os.path.join(ROOT, ".cache", "guest", "edk2", "QEMU_EFI.fd")
VARSTORE = 0x04000000  # the second flash bank (guest physical)
VARSTORE_END = VARSTORE + 0x100000
# A variable of our own: attributes NON_VOLATILE | BOOTSERVICE_ACCESS | RUNTIME_ACCESS.
VAR = "/sys/firmware/efi/efivars/TriadTest-6c1b5e2a-3d4f-4b8e-9a70-2f1c9e4d8b31"


def esp(path, marker):
    """A FAT EFI System Partition image: the kernel (an EFI application thanks to its
    stub), its initramfs, and a startup.nsh the UEFI shell runs."""
    with open(path, "wb") as f:
        f.truncate(64 << 20)
    subprocess.run([shutil.which("mkfs.vfat") or "/sbin/mkfs.vfat", "-F", "32", str(path)],
                   check=True, stdout=subprocess.DEVNULL)
    nsh = path.parent / "startup.nsh"
    nsh.write_text(f"fs0:\r\n\\Image initrd=\\initrd.gz console=ttyAMA0 triad.marker={marker}\r\n")
    for src, name in ((LINUX_6_1, "Image"), (INITRAMFS, "initrd.gz"), (nsh, "startup.nsh")):
        subprocess.run(["mcopy", "-i", str(path), str(src), f"::/{name}"], check=True)
    return str(path)


def devmem(r, addr, value=None):
    cmd = f"devmem {addr:#x} 32" + ("" if value is None else f" {value:#x}")
    return r.shell(cmd + "; echo status=$?")


def test_uefi_boots_linux_and_keeps_a_variable_across_a_reboot(run, tmp_path):
    image = esp(tmp_path / "esp.img", "uefi")
    r = run("--boot", "disk", "--firmware", "uefi", "--disk", image, "--mem", "512M")
    r.expect(r"UEFI firmware \(version")
    r.expect(r"EFI stub: Booting Linux Kernel")
    r.expect(re.escape(PROMPT))
    assert "triad.marker=uefi" in r.shell("cat /proc/cmdline")
    # Linux sees UEFI and its runtime services: the variables EDK2 wrote into its store
    # (its boot options) are there.
    listing = r.shell("ls /sys/firmware/efi/efivars")
    assert "Boot0000-8be4df61-93ca-11d2-aa0d-00e098032b8c" in listing, listing
    # A variable written now (SetVariable: the firmware programs the CFI flash) ...
    r.shell(f"printf '\\007\\000\\000\\000triad-42' > {VAR}; echo written=$?")
    assert "triad-42" in r.shell(f"cat {VAR}")
    r.send("reboot -f\n")
    # ... is there after the VM's reboot: the store lives as long as the VM.
    r.expect(r"UEFI firmware \(version")
    r.expect(r"EFI stub: Booting Linux Kernel")
    r.expect("triad-guest: userspace up")
    r.expect(re.escape(PROMPT))
    assert "triad-42" in r.shell(f"cat {VAR}")
    r.send("poweroff -f\n")
    assert r.wait() == 0
    assert "abort injected" not in r.out and "flash offset" not in r.out


def test_flash_misuse_gets_the_flash_errors_and_the_vm_goes_on(run, tmp_path):
    image = esp(tmp_path / "esp.img", "misuse")
    r = run("--boot", "disk", "--firmware", "uefi", "--disk", image, "--mem", "512M")
    r.expect(re.escape(PROMPT))
    # A command the flash does not know: a command sequence error in its status register
    # (program and erase error bits, both chips), which Clear Status clears.
    devmem(r, VARSTORE, 0x00AA00AA)
    assert "0x00B000B0" in devmem(r, VARSTORE)
    devmem(r, VARSTORE, 0x00500050)
    devmem(r, VARSTORE, 0x00700070)
    assert "0x00800080" in devmem(r, VARSTORE)
    # A buffered program running past the end of the bank: a program error, nothing written.
    last = VARSTORE_END - 4
    devmem(r, last, 0x00FF00FF)
    before = devmem(r, last)
    devmem(r, last, 0x00E800E8)
    devmem(r, last, 0x00010001)  # two words from the bank's last one
    assert "0x00900090" in devmem(r, last)
    devmem(r, last, 0x00500050)
    devmem(r, last, 0x00FF00FF)
    assert devmem(r, last) == before
    # A write to the firmware's code flash: read-only, an abort for the writer (a bus
    # error in user space), and the VM goes on.
    out = devmem(r, 0x0, 0x00FF00FF)
    assert "status=0" not in out, out
    assert "alive" in r.shell("echo alive")
    # And the firmware's own variable writes still work afterwards.
    r.shell(f"printf '\\007\\000\\000\\000after' > {VAR}; echo written=$?")
    assert "after" in r.shell(f"cat {VAR}")
    r.send("poweroff -f\n")
    assert r.wait() == 0
    # Triad says what each was (its warnings are on the console).
    assert "flash offset 0x0: unknown command (status 0xb0)" in r.out, r.out
    assert "past the end of its block or of the bank" in r.out, r.out
    assert re.search(r"at IPA 0x0 \(not allowed, fault status 0x\w+\).*abort injected", r.out)


def test_config_firmware_uefi_and_its_mistakes(run, tmp_path):
    esp(tmp_path / "esp.img", "config")
    cfg = write_config(tmp_path / "vms.dts", {
        "u": {"boot": "disk", "firmware": "uefi", "disks": ["esp.img"], "memory": "512M"}})
    r = run("--config", cfg)
    r.expect(r"UEFI firmware \(version")
    r.expect(re.escape(PROMPT))
    r.send("poweroff -f\n")
    assert r.wait() == 0
    for args, message in [
            (["--kernel", LINUX_6_1, "--firmware", "uefi"], "--firmware goes with --boot disk"),
    ]:
        status, _, err = triad_run(*args)
        assert status == 1 and message in err, (args, err)
    for props, message in [
            ({"boot": "disk", "firmware": "bios", "disks": ["esp.img"], "memory": "64M"},
             "'firmware' must be \"uboot\" or \"uefi\""),
            ({"kernel": LINUX_6_1, "firmware": "uefi", "memory": "64M"},
             "'firmware' goes with boot = \"disk\""),
    ]:
        cfg = write_config(tmp_path / "bad.dts", {"v": props})
        status, _, err = triad_run("--config", cfg)
        assert status == 1 and message in err, (props, err)
    assert os.path.isfile(EDK2)


def test_uefi_vm_saved_and_restored_keeps_its_variables(tmp_path):
    """A UEFI VM's variable store is in its snapshot (vm_flash's save and restore hooks):
    saved, destroyed and restored, the VM writes one more variable through the firmware,
    reboots, and EDK2, which reads its store again from the flash at boot, has both the
    variable written before the save and the one written after."""
    import struct
    import sys
    import tempfile
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    from triad import GUESTS, Run
    from triad_mgmt import Client
    esp(tmp_path / "esp.img", "snap")
    cfg = write_config(tmp_path / "vms.dts", {
        "u": {"boot": "disk", "firmware": "uefi", "disks": ["esp.img"], "memory": "512M"},
        "keeper": {"kernel": os.path.join(GUESTS, "hog-spin.bin"), "memory": "16M", "cpus": 1}})
    d = tempfile.mkdtemp(prefix="triad-uefi-")
    sock = os.path.join(d, "ctl.sock")
    after = VAR.replace("TriadTest", "TriadAfter")
    r = Run("--config", cfg, "--pcpus", "2", "--machine-mem", "1G", "--control", sock)
    try:
        r.expect_vm("u", re.escape(PROMPT))
        r.shell(f"printf '\\007\\000\\000\\000before-save' > {VAR}; echo written=$?")
        assert "before-save" in r.shell(f"cat {VAR}")
        with Client(sock, timeout=600) as c:
            data = c.save("u")
            c.call("DESTROY", struct.pack("<I", c.vm_id("u")))
            c.restore(data)
        r.expect("restored from a snapshot")
        assert "before-save" in r.shell(f"cat {VAR}")
        r.shell(f"printf '\\007\\000\\000\\000after-restore' > {after}; echo written=$?")
        r.send("reboot -f\n")
        r.expect_vm("u", r"EFI stub: Booting Linux Kernel")
        r.expect_vm("u", re.escape(PROMPT))
        listing = r.shell("cat " + VAR + "; echo; cat " + after)
        assert "before-save" in listing and "after-restore" in listing, listing
    finally:
        r.kill()
        if os.path.exists(sock):
            os.unlink(sock)
        os.rmdir(d)
