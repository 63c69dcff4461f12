"""SVE in a realm (docs/realm.md): a Linux realm created with --sve-vl 64 finds SVE at that
length, runs a program that keeps its sums in SVE registers correctly while its REC exits
to the host and comes back, and attests with the RIM tools/realm_measure.py predicts with
the vector length (REALM_CREATE's sve_vl is measured). A realm's vector length is refused
above what the RMM offers, and "max" (it would make the measurement depend on the CPU)."""
import os
import re
import sys

import pytest

from triad import FOCUS, PROMPT, ROOT, SECURE, linux_vm, triad_run, write_config

sys.path.insert(0, os.path.join(ROOT, "tools"))
import ccatoken  # noqa: E402
import realm_measure  # noqa: E402

LINUX_7_3 = os.path.join(ROOT, ".cache", "guest", "linux-7.3", "Image")
INITRAMFS_REALM = os.path.join(ROOT, "build", "initramfs-realm.cpio.gz")
CPAK = os.path.join(ROOT, "build", "attest", "cpak_pub.bin")
REPORT = "/sys/kernel/config/tsm/report/r0"
MEM = 256 << 20


def guest_bytes(r, path):
    """A file of the guest, through its console."""
    text = r.shell(f"od -An -v -tx1 {path}", timeout=120)
    return bytes.fromhex("".join(text.split()))


@pytest.mark.skipif(not SECURE, reason="a realm needs the realm world")
def test_linux_realm_with_sve(run):
    r = run("--realm", "--kernel", LINUX_7_3, "--initrd", INITRAMFS_REALM, "--mem", "256M",
            "--machine-mem", "1G", "--sve-vl", "64")
    r.expect(r"VM 'guest': realm built")
    r.expect(re.escape(PROMPT), timeout=600)
    out = r.shell("grep -c -w sve /proc/cpuinfo; cat /proc/sys/abi/sve_default_vector_length")
    assert re.findall(r"(?m)^(\d+)\s*$", out)[:2] == ["1", "64"], out
    # Its sums in Z registers over many REC exits (timer, console): right at the end.
    r.send("triad-sve 3 20000\n")
    m = r.expect(r"sve: vl (\d+) seed 3 sum \d+ expected \d+ (ok|WRONG)", timeout=600)
    assert m.group(2) == "ok" and m.group(1) == "64", m.group(0)
    r.expect(re.escape(PROMPT))
    challenge = bytes((i * 53 + 7) & 0xff for i in range(64))
    esc = "".join(f"\\{b:03o}" for b in challenge)
    r.shell(f"mkdir {REPORT} && printf '{esc}' > {REPORT}/inblob")
    token = guest_bytes(r, f"{REPORT}/outblob")
    dtb = guest_bytes(r, "/sys/firmware/fdt")
    with open(CPAK, "rb") as f:
        cpak = ccatoken.decode_point(f.read())
    with open(LINUX_7_3, "rb") as f:
        kernel = f.read()
    with open(INITRAMFS_REALM, "rb") as f:
        initrd = f.read()
    rim = realm_measure.linux_realm_rim(kernel, dtb, initrd, MEM, sve_vl=64)
    ccatoken.verify_cca(token, cpak, challenge=challenge, rim=rim)
    # The same realm without SVE would measure differently.
    with pytest.raises(ValueError, match="Initial Measurement"):
        ccatoken.verify_cca(token, cpak, challenge=challenge,
                            rim=realm_measure.linux_realm_rim(kernel, dtb, initrd, MEM))
    r.send("poweroff -f\n")
    assert r.wait() == 0


@pytest.mark.skipif(not SECURE, reason="a realm needs the realm world")
def test_sve_realm_and_sve_vm_share_a_cpu(run, tmp_path):
    # A normal SVE VM and an SVE realm take turns on CPU 1, each summing in its own Z
    # registers: the host side's vectors (the VM's, put aside by Triad and kept across each
    # REC_ENTER by the RMM) and the realm's (in its REC's SVE granule) stay each their own.
    cfg = write_config(tmp_path / "vms.dts", {
        "alpha": linux_vm(affinity=[0x2], **{"sve-vl": 64}),
        "beta": {"kernel": LINUX_7_3, "initrd": INITRAMFS_REALM, "memory": "256M", "cpus": 1,
                 "realm": True, "affinity": [0x2], "sve-vl": 64},
    })
    r = run("--config", cfg, "--pcpus", "2", "--machine-mem", "1G")
    r.expect_vm("alpha", PROMPT)
    r.expect_vm("beta", PROMPT, timeout=600)
    rounds = 20000
    r.send(FOCUS + "2")
    r.expect(r"console input: VM 'beta'")
    r.send(f"triad-sve 5 {rounds}\n")
    r.send(FOCUS + "1")
    r.expect(r"console input: VM 'alpha'")
    r.send(f"triad-sve 4 {rounds}\n")
    for vm, seed in (("alpha", 4), ("beta", 5)):
        m = r.expect_vm(vm, rf"sve: vl (\d+) seed {seed} sum \d+ expected \d+ (ok|WRONG)",
                        timeout=600)
        assert m.group(2) == "ok" and m.group(1) == "64", m.group(0)
    r.send("poweroff -f\n")
    r.send(FOCUS + "2")
    r.send("poweroff -f\n")
    assert r.wait() == 0


@pytest.mark.parametrize("vl", ["max", 128])
def test_realm_vector_length_beyond_the_rmm_is_refused(tmp_path, vl):
    cfg = write_config(tmp_path / "vms.dts", {
        "r": {"kernel": LINUX_7_3, "memory": "64M", "cpus": 1, "realm": True, "sve-vl": vl}})
    rc, out, err = triad_run("--config", cfg, timeout=30)
    assert rc == 1 and "part of its measurement" in err, (rc, err)
