"""The management API (docs/management.md) over `triad-run --control`: its session, its
checks of malformed, oversized and out-of-order requests, LIST and INFO, and pausing a VM
while another runs."""
import os
import struct
import sys
import tempfile

import pytest

from triad import GUESTS, ROOT, Run, write_config

sys.path.insert(0, os.path.join(ROOT, "tools"))
import triad_mgmt  # noqa: E402
from triad_mgmt import Client, MgmtError, frame, OPS  # noqa: E402

HOG = os.path.join(GUESTS, "hog-spin.bin")


@pytest.fixture
def sock():
    # A Unix socket path must be short: not under pytest's deep tmp_path.
    d = tempfile.mkdtemp(prefix="triad-mgmt-")
    yield os.path.join(d, "ctl.sock")
    if os.path.exists(os.path.join(d, "ctl.sock")):
        os.unlink(os.path.join(d, "ctl.sock"))
    os.rmdir(d)


def start_hogs(tmp_path, sock, names=("alpha", "beta"), pcpus=1):
    cfg = write_config(tmp_path / "vms.dts", {
        n: {"kernel": HOG, "memory": "16M", "cpus": 1} for n in names})
    r = Run("--config", cfg, "--pcpus", str(pcpus), "--control", sock)
    r.expect(r"management: channel on virtio console")
    return r


def test_list_and_info(tmp_path, sock):
    r = start_hogs(tmp_path, sock)
    try:
        with Client(sock) as c:
            assert c.server_version == triad_mgmt.VERSION
            vms = c.list()
            assert [(v["id"], v["name"], v["state"], v["kind"], v["vcpus"], v["memory"])
                    for v in vms] == [(0, "alpha", "running", "normal", 1, 16 << 20),
                                      (1, "beta", "running", "normal", 1, 16 << 20)]
            i = c.info("beta")
            assert i["name"] == "beta" and i["id"] == 1 and len(i["vcpu"]) == 1
            with pytest.raises(MgmtError) as e:
                c.info(7)
            assert e.value.status == -3 and "no VM 7" in e.value.reason
        assert "control socket" in r.err
    finally:
        r.kill()
