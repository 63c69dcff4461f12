"""Many VMs in one run (issue 24): realms by the dozen on two physical CPUs, each a
bare-metal realm (tests/guests/realmcount) that attests and then counts, all alive at
once; Triad's own memory per VM is reported. make test runs 16 realms, make test-full the
limits (64 VMs) and 100 realms."""
import re

import pytest

from triad import FULL, GUESTS, SECURE, console_of, console_offset, triad_run, write_config

REALMCOUNT = f"{GUESTS}/realmcount.bin"


def realms(tmp_path, n, *extra, timeout, long=False):
    vms = {f"r{i}": {"kernel": REALMCOUNT, "memory": "16M", "cpus": 1, "realm": True,
                     "bootargs": "realmcount-long" if long else "realmcount"}
           for i in range(n)}
    path = write_config(tmp_path / "realms.dts", vms)
    rc, out, err = triad_run("--config", path, "--pcpus", "2", "--timeout", str(timeout - 60),
                             *extra, timeout=timeout)
    assert rc == 0, err + out[-3000:]
    assert "FAIL" not in out and "could not be undelegated" not in out, out[-3000:]
    for name in vms:
        own = console_of(out, name)
        assert re.search(r"realmcount: attested, \d+-byte token", own), (name, own)
        assert f"realmcount: count {60 if long else 10}\n" in own, (name, own)
        assert "realmcount: done" in own, (name, own)
    # All alive at once: every realm attested before any finished counting.
    last_attested = max(console_offset(out, name, "realmcount: attested") for name in vms)
    first_done = min(console_offset(out, name, "realmcount: done") for name in vms)
    assert last_attested < first_done, out[-3000:]
    m = re.search(r"after creating (\d+) VM\(s\); Triad's own memory for them: (\d+) KB per VM",
                  out)
    assert m and int(m.group(1)) == n, out[:5000]
    print(f"{n} realms: Triad's own memory {m.group(2)} KB per VM")
    return out


@pytest.mark.skipif(not SECURE, reason="a realm needs the realm world")
def test_sixteen_realms_attest_and_count_at_once(tmp_path):
    realms(tmp_path, 16, timeout=900)


@pytest.mark.skipif(not SECURE, reason="a realm needs the realm world")
@pytest.mark.skipif(not FULL, reason="make test-full (100 realms)")
def test_hundred_realms_attest_and_count_at_once(tmp_path):
    realms(tmp_path, 100, timeout=3600, long=True)
