"""A realm's WFI under Triad, with a bare-metal realm guest (tests/guests/realmwfi): its
virtual timer is not in the CPU while it waits, and a due timer whose PPI the realm has
disabled at its GIC is no reason to wake it."""
import re

import pytest

from triad import GUESTS, SECURE, triad_run

pytestmark = pytest.mark.skipif(not SECURE, reason="a realm needs the realm world")


@pytest.mark.parametrize("pcpus", ["2", "1"])
def test_realm_wfi_sleeps_while_its_due_timer_cannot_be_delivered(pcpus):
    # vCPU 0 waits in WFI (interrupts masked) with its timer long due and PPI 27 disabled;
    # vCPU 1 wakes it with an SGI a second later. A host that took the due timer as a
    # reason to wake would end each WFI at once (hundreds of times in that second, the
    # realm re-entered in a loop); Triad lets the vGIC decide, and none ends early. (The
    # architecture allows spurious wake-ups: a few are tolerated, not a loop.) On one
    # physical CPU, vCPU 1 spinning there, vCPU 0 leaves the CPU while it waits: the soft
    # timer armed for its (passed) deadline then must not bring it back either.
    rc, out, err = triad_run("--realm", "--cpus", "2", "--pcpus", pcpus, "--mem", "64M",
                             "--kernel", f"{GUESTS}/realmwfi.bin", timeout=180)
    assert rc == 0, err
    assert "FAIL" not in out, out
    m = re.search(r"realmwfi: woken by the SGI after \d+ ms, (\d+) WFI\(s\) ended before it",
                  out)
    assert m, out
    assert int(m.group(1)) <= 5, out
