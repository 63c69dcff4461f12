"""The virtual timer's interrupt is a level, as on hardware: a guest that turns its timer
off (or masks it) before taking the interrupt does not take it (tests/guests/timerguest)."""
import re

import pytest

from triad import TIMERGUEST, triad_run


# One physical CPU: vCPU 1 spins, so vCPU 0 is also switched out with the interrupt pending.
@pytest.mark.parametrize("pcpus", [1, 2])
def test_timer_interrupt_follows_the_timer(pcpus):
    shared = ["--append", "timerguest.shared"] if pcpus == 1 else []
    rc, out, err = triad_run("--kernel", TIMERGUEST, "--cpus", "2", "--mem", "16M",
                             "--pcpus", str(pcpus), "--timeout", "120", *shared)
    fails = [l for l in out.splitlines() if "timerguest: FAIL" in l]
    assert not fails, "\n".join(fails) + "\n" + out[-2000:]
    m = re.search(r"timerguest: (\d+) passed, (\d+) failed", out)
    assert m, out[-2000:] + err
    assert int(m.group(1)) >= (11 if shared else 10) and m.group(2) == "0"
    assert rc == 0, err
