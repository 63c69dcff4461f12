"""SVE for guests: a VM's vector length is its config's (the CPU's longest by default, none
when off), and its Z, P and FFR registers stay its own while another VM uses SVE on the
same physical CPU (tests/guests/sveguest; the table is docs/isolation.md)."""
import os
import re

import pytest

from triad import FOCUS, GUESTS, console_of, triad_run, two_vms_sharing_cpu1, write_config

SVEGUEST = os.path.join(GUESTS, "sveguest.bin")


def summary(out, name):
    con = console_of(out, name)
    m = re.search(r"sveguest: (\d+) passed, (\d+) failed", con)
    assert m, f"VM {name}: no summary\n{con[-3000:]}"
    return con, int(m.group(1)), int(m.group(2))


def test_sve_registers_stay_with_their_vm_on_a_shared_cpu(tmp_path):
    vm = {"kernel": SVEGUEST, "memory": "16M", "cpus": 1, "affinity": [0x1]}
    cfg = write_config(tmp_path / "vms.dts", {
        "a": dict(vm, bootargs="sve-a", **{"sve-vl": 64}),
        "b": dict(vm, bootargs="sve-b", **{"sve-vl": "max"}),  # the CPU's longest
        "c": dict(vm, bootargs="no-sve", **{"sve-vl": 0}),
    })
    rc, out, err = triad_run("--config", cfg, "--pcpus", "1", "--timeout", "300")
    assert "PANIC" not in out
    fails = [f"VM {n}: {l}" for n in "abc" for l in console_of(out, n).splitlines()
             if "FAIL" in l]
    assert not fails, "\n".join(fails)
    longest = int(re.search(r"SVE: guest vectors up to (\d+) bytes", out).group(1))
    for name, vl in (("a", 64), ("b", longest)):
        con, passed, failed = summary(out, name)
        assert f"sveguest: vector length {vl} " in con, con[-2000:]
        assert (passed, failed) == (24, 0), con[-2000:]
    con, passed, failed = summary(out, "c")
    assert "sveguest: SVE hidden" in con and (passed, failed) == (25, 0), con[-2000:]
    # The SVE VMs took their registers lazily: a trap per time slice that used them.
    assert re.search(r"VM 'a' vCPU 0: ran \d+ ms on CPUs mask 0x1 ", out), out[-2000:]
    assert rc == 0, err


@pytest.mark.parametrize("vl", ["48x", "272", "8"])
def test_bad_vector_length_is_refused(tmp_path, vl):
    rc, out, err = triad_run("--kernel", SVEGUEST, "--sve-vl", vl, timeout=30)
    assert rc == 1 and "--sve-vl" in err, (rc, err)


def test_linux_sve_program_in_two_vms_sharing_a_cpu(run, tmp_path):
    # Debian's Linux finds SVE at the VM's vector length; a program keeping its sums in
    # SVE registers gets them right in both VMs while they take turns on CPU 1.
    r = two_vms_sharing_cpu1(run, tmp_path, **{"sve-vl": "max"})
    vl = int(re.search(r"SVE: guest vectors up to (\d+) bytes", r.out).group(1))
    out = r.shell("grep -c -w sve /proc/cpuinfo; cat /proc/sys/abi/sve_default_vector_length")
    count, default_vl = re.findall(r"(?m)^(?:alpha\| )?(\d+)\s*$", out)[:2]
    assert count == "1" and int(default_vl) == min(vl, 64), out
    rounds = 20000
    r.send(FOCUS + "2")
    r.expect(r"console input: VM 'beta'")
    r.send(f"triad-sve 2 {rounds}\n")
    r.send(FOCUS + "1")
    r.expect(r"console input: VM 'alpha'")
    r.send(f"triad-sve 1 {rounds}\n")
    for vm, seed in (("alpha", 1), ("beta", 2)):
        m = r.expect_vm(vm, rf"sve: vl (\d+) seed {seed} sum \d+ expected \d+ (ok|WRONG)",
                        timeout=600)
        assert m.group(2) == "ok" and int(m.group(1)) == min(vl, 64), m.group(0)
    r.send("poweroff -f\n")
    r.send(FOCUS + "2")
    r.send("poweroff -f\n")
    assert r.wait() == 0
