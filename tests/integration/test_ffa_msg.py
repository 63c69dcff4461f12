"""FF-A indirect messages (FFA_MSG_SEND2): two VMs message each other through Normal EL2
(header checked, copied once from the sender's TX buffer into the receiver's RX buffer,
which is the receiver's until FFA_RX_RELEASE; the receiver told by Triad's "RX buffer full"
framework notification and its NPI); forged and malformed messages are refused."""
import os
import re

from triad import GUESTS, console_of, triad_run, write_config

FFAGUEST = os.path.join(GUESTS, "ffaguest.bin")


def summary(out):
    fails = [l for l in out.splitlines() if l.startswith("ffaguest: FAIL")]
    assert not fails, "\n".join(fails)
    m = re.search(r"ffaguest: (\d+) passed, (\d+) failed", out)
    assert m, out[-3000:]
    return int(m.group(1)), int(m.group(2))


def test_two_vms_message_each_other(tmp_path):
    # Both modes: VM-to-VM messages are Normal EL2's alone (with TRIAD_NO_SECURE=1 there is
    # no secure world at all).
    cfg = write_config(tmp_path / "vms.dts", {
        "one": {"kernel": FFAGUEST, "memory": "32M", "cpus": 1, "bootargs": "ffa=msg-vm"},
        "two": {"kernel": FFAGUEST, "memory": "32M", "cpus": 1, "bootargs": "ffa=msg-vm"}})
    rc, out, err = triad_run("--config", cfg, "--pcpus", "2", timeout=240)
    assert rc == 0, err
    expected = {"one": 3 + 1 + 9 + 8, "two": 3 + 6}
    for name in ("one", "two"):
        own = console_of(out, name)
        passed, failed = summary(own)
        assert failed == 0 and passed == expected[name], own[-3000:]
    # The forged and malformed messages are refused with an audit line each.
    assert re.search(r"FF-A MSG_SEND2 to 0x2 refused \(error -2\)", out), out[-3000:]
