"""The virtual ITS: a bare-metal guest (tests/guests/itsguest) maps devices and events, raises
LPIs with INT and GITS_TRANSLATER, moves them between its vCPUs (MOVI, MOVALL), checks CLEAR,
DISCARD and INV, then feeds the ITS out-of-range IDs and broken queues; Linux probes the ITS
its device tree describes."""
import re

from triad import INITRAMFS, ITSGUEST, LINUX_6_1, PROMPT, triad_run


def test_its_commands_and_hostile_queues():
    rc, out, err = triad_run("--its", "--kernel", ITSGUEST, "--cpus", "2", "--pcpus", "2", "--mem", "16M",
                             "--timeout", "180")
    fails = [l for l in out.splitlines() if "itsguest: FAIL" in l]
    assert not fails, "\n".join(fails) + "\n" + out[-3000:]
    m = re.search(r"itsguest: (\d+) passed, (\d+) failed", out)
    assert m, out[-3000:] + err
    assert int(m.group(1)) >= 30 and m.group(2) == "0", m.group(0)
    # The command errors were logged (bounded), and named.
    warnings = [l for l in out.splitlines() if "ITS:" in l and "command error" in l]
    assert warnings, out[-3000:]
    assert any("0x010801" in w or "0x010a" in w for w in out.splitlines()), out[-3000:]
    assert rc == 0, err


def test_linux_probes_the_its(run):
    r = run("--its", "--kernel", LINUX_6_1, "--initrd", INITRAMFS, "--cpus", "2", "--pcpus", "2",
            "--mem", "256M", "--append", "console=ttyAMA0")
    r.expect("triad-guest: userspace up")
    r.expect(re.escape(PROMPT))
    log = r.shell("dmesg | grep -E 'ITS|LPI|its@'")
    assert re.search(r"ITS \[mem 0x08080000-0x0809ffff\]", log), log
    assert "ITS@0x0000000008080000: allocated" in log, log
    assert "Using hypervisor restricted LPI range [1024]" in log, log
    assert re.search(r"CPU1: using allocated LPI pending table", log), log
    assert "its@8080000 domain created" in log, log
    assert "msi-controller" in r.shell("ls /sys/firmware/devicetree/base/intc@8000000/its@8080000")
    r.send("poweroff -f\n")
    assert r.wait() == 0
