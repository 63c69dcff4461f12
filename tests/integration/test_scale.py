"""Many VMs in one run (issue 24): realms by the dozen on two physical CPUs, each a
bare-metal realm (tests/guests/realmcount) that attests and then counts, all alive at
once; Triad's own memory per VM is reported. make test runs 16 realms, make test-full the
limits (64 VMs) and 100 realms."""
import re

import pytest

from triad import (FULL, GUESTS, SECURE, console_of, console_offset, linux_vm, triad_run,
                   write_config)

REALMCOUNT = f"{GUESTS}/realmcount.bin"


def realms(tmp_path, n, *extra, timeout, long=False):
    vms = {f"r{i}": {"kernel": REALMCOUNT, "memory": "16M", "cpus": 1, "realm": True,
                     "bootargs": "realmcount-long" if long else "realmcount"}
           for i in range(n)}
    path = write_config(tmp_path / "realms.dts", vms)
    audit = tmp_path / "audit.txt"
    rc, out, err = triad_run("--config", path, "--pcpus", "2", "--timeout", str(timeout - 60),
                             "--audit-file", str(audit), *extra, timeout=timeout)
    assert rc == 0, err + out[-3000:]
    assert "FAIL" not in out and "could not be undelegated" not in out, out[-3000:]
    sizes = set()
    for name in vms:
        own = console_of(out, name)
        m = re.search(r"realmcount: attested, (\d+)-byte token", own)
        assert m, (name, own)
        sizes.add(int(m.group(1)))
        assert f"realmcount: count {60 if long else 10}\n" in own, (name, own)
        assert "realmcount: done" in own, (name, own)
    # All alive at once: every realm attested before any finished counting.
    last_attested = max(console_offset(out, name, "realmcount: attested") for name in vms)
    first_done = min(console_offset(out, name, "realmcount: done") for name in vms)
    assert last_attested < first_done, out[-3000:]
    check_attested_records(audit.read_text(), n, sizes)
    m = re.search(r"after creating (\d+) VM\(s\) \(\d+ KB\); Triad's own memory for them: "
                  r"(\d+) KB per VM", out)
    assert m and int(m.group(1)) == n, out[:5000]
    print(f"{n} realms: Triad's own memory {m.group(2)} KB per VM")
    return out


def check_attested_records(audit, n, sizes):
    """The RMM saw each realm attest; Triad's audit log has it (a realm-attested record per
    realm), under the VM whose realm descriptor it is, with realmcount's challenge."""
    created, attested = {}, {}
    for line in audit.splitlines():
        f = line.split(" ", 4)
        if len(f) == 5 and f[3] == "realm-created":
            created[int(f[2])] = re.match(r"realm descriptor (0x[0-9a-f]+)", f[4]).group(1)
        elif len(f) == 5 and f[3] == "realm-attested":
            attested.setdefault(int(f[2]), []).append(f[4])
    assert len(created) == n, audit
    assert sorted(attested) == sorted(created), audit
    for vm, reasons in attested.items():
        assert len(reasons) == 1, reasons
        m = re.match(r"realm descriptor (0x[0-9a-f]+): token of (\d+) bytes for challenge "
                     r"0100006461697274", reasons[0])
        assert m and m.group(1) == created[vm] and int(m.group(2)) in sizes, (reasons, created)


@pytest.mark.skipif(not SECURE, reason="a realm needs the realm world")
def test_sixteen_realms_attest_and_count_at_once(tmp_path):
    realms(tmp_path, 16, timeout=900)


@pytest.mark.skipif(not SECURE, reason="a realm needs the realm world")
@pytest.mark.skipif(not FULL, reason="make test-full (100 realms)")
def test_hundred_realms_attest_and_count_at_once(tmp_path):
    realms(tmp_path, 100, timeout=3600, long=True)


@pytest.mark.skipif(not FULL, reason="make test-full (64 Linux VMs)")
def test_sixty_four_linux_vms_boot_to_userspace(tmp_path):
    # Small Debian Linux 6.1 guests on two physical CPUs, each off once its userspace is up
    # (the initramfs's triad.up-then-off); they share one copy of the kernel and initrd in
    # the boot bundle.
    vms = {f"l{i}": linux_vm(memory="64M", bootargs="console=ttyAMA0 triad.up-then-off")
           for i in range(64)}
    path = write_config(tmp_path / "linux.dts", vms)
    rc, out, err = triad_run("--config", path, "--pcpus", "2", "--timeout", "5400",
                             timeout=5600)
    assert rc == 0, err + out[-3000:]
    for name in vms:
        assert "triad-guest: userspace up" in console_of(out, name), name
    m = re.search(r"after creating 64 VM\(s\) \(\d+ KB\); Triad's own memory for them: (\d+) KB per VM",
                  out)
    assert m, out[:5000]
    print(f"64 Linux VMs: Triad's own memory {m.group(1)} KB per VM")


@pytest.mark.skipif(not SECURE, reason="a realm needs the realm world")
def test_realm_private_memory_is_out_of_the_devices_reach():
    # A realm's private pages are the VM's own granules, delegated in place: a virtio queue
    # the realm puts there is refused (NEEDS_RESET, one warning), never read by Triad (a
    # granule protection fault at EL2), and the realm carries on.
    rc, out, err = triad_run("--realm", "--kernel", REALMCOUNT, "--mem", "16M", "--append",
                             "realmcount-private-dma", "--timeout", "200", timeout=260)
    assert rc == 0, err + out[-3000:]
    assert "realmcount: queue in private memory refused" in out, out[-3000:]
    assert "realmcount: done" in out and "FAIL" not in out, out[-3000:]
