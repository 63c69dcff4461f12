"""A misbehaving bare-metal guest gets architectural answers, and Triad survives it."""
import re

from triad import BADGUEST, triad_run


def test_bad_guest_gets_architectural_answers():
    rc, out, err = triad_run("--kernel", BADGUEST, "--cpus", "2", "--mem", "64M", "--timeout",
                             "120")
    fails = [l for l in out.splitlines() if l.startswith("badguest: FAIL")]
    assert not fails, "\n".join(fails)
    m = re.search(r"badguest: (\d+) passed, (\d+) failed", out)
    assert m, out[-2000:]
    assert int(m.group(1)) >= 80 and m.group(2) == "0"
    # The guest powered itself off at the end: Triad was alive to handle that.
    assert rc == 0, err
    assert "PANIC" not in out
    # Each kind of misbehaviour was noticed with one log line, and the log stayed bounded.
    warnings = [l for l in out.splitlines() if l.startswith("[triad] warning: VM 'guest'")]
    for kind in ("unknown HVC/SMC function", "unmapped IPA", "UNDEF injected",
                 "has no syndrome", "instruction fetch", "device needs a reset"):
        assert any(kind in w for w in warnings), kind
    assert len(warnings) <= 64
