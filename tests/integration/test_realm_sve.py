"""SVE in a realm (docs/realm.md): a Linux realm created with --sve-vl 64 finds SVE at that
length, runs a program that keeps its sums in SVE registers correctly while its REC exits
to the host and comes back, and attests with the RIM tools/realm_measure.py predicts with
the vector length (REALM_CREATE's sve_vl is measured). A realm's vector length is refused
above what the RMM offers, and "max" (it would make the measurement depend on the CPU)."""
import os
import re
import sys

import pytest

from triad import PROMPT, ROOT, SECURE, triad_run, write_config

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


@pytest.mark.parametrize("vl", ["max", 128])
def test_realm_vector_length_beyond_the_rmm_is_refused(tmp_path, vl):
    cfg = write_config(tmp_path / "vms.dts", {
        "r": {"kernel": LINUX_7_3, "memory": "64M", "cpus": 1, "realm": True, "sve-vl": vl}})
    rc, out, err = triad_run("--config", cfg, timeout=30)
    assert rc == 1 and "part of its measurement" in err, (rc, err)
