"""Creating and ending VMs while Triad runs (docs/management.md): create, start, destroy
(memory back to the byte, VMIDs and ids reused, 100 cycles while another VM runs), refused
creates that leave nothing behind, graceful shutdown of a Linux guest through its power key,
a guest that ignores the key destroyed at the deadline, reboot, and Triad staying up for
its management channel once no VM runs."""
import os
import re
import subprocess
import sys
import tempfile

import pytest

from triad import BOOT_TIMEOUT, GUESTS, INITRAMFS, LINUX_6_1, ROOT, SECURE, Run, write_config

sys.path.insert(0, os.path.join(ROOT, "tools"))
import triad_observe  # noqa: E402
from triad_mgmt import Client, MgmtError  # noqa: E402

COUNTER = os.path.join(GUESTS, "counter.bin")
HOG = os.path.join(GUESTS, "hog-spin.bin")
CTL = os.path.join(ROOT, "tools", "triad-ctl")


@pytest.fixture
def sock():
    # A Unix socket path must be short: not under pytest's deep tmp_path.
    d = tempfile.mkdtemp(prefix="triad-life-")
    yield os.path.join(d, "ctl.sock")
    if os.path.exists(os.path.join(d, "ctl.sock")):
        os.unlink(os.path.join(d, "ctl.sock"))
    os.rmdir(d)


def one_vm_bundle(tmp_path, name, **props):
    """The bundle triad-ctl create would upload for a config with this one VM."""
    cfg = write_config(tmp_path / f"{name}.dts", {name: props})
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    import importlib.machinery
    import importlib.util
    loader = importlib.machinery.SourceFileLoader("triad_ctl", CTL)
    spec = importlib.util.spec_from_loader("triad_ctl", loader)
    ctl = importlib.util.module_from_spec(spec)
    loader.exec_module(ctl)
    return ctl.config_bundle(cfg)[1]


def free_kb_at_boot(r):
    return int(r.expect(r"MB free after creating \d+ VM\(s\) \((\d+) KB\)").group(1))


def test_create_destroy_100_cycles_while_another_runs(tmp_path, sock):
    """A small VM is created, started and destroyed 100 times while a counting VM runs on:
    every destroy leaves free memory exactly where it was at boot, the new VM always gets
    the same id and VMID back, and the other VM never stops counting."""
    cfg = write_config(tmp_path / "vms.dts",
                       {"alpha": {"kernel": COUNTER, "memory": "16M", "cpus": 1}})
    bundle = one_vm_bundle(tmp_path, "cycler", kernel=HOG, memory="16M", cpus=1)
    r = Run("--config", cfg, "--pcpus", "2", "--control", sock)
    try:
        boot_free = free_kb_at_boot(r)
        r.expect("counter: start")
        with Client(sock, timeout=120) as c:
            for i in range(100):
                vid = c.create(bundle)
                assert vid == 1, vid
                if i % 10 == 0:  # now and then it runs before it goes
                    c.start(vid)
                    assert c.info(vid)["state"] == "running"
                c.destroy(vid)
                m = r.expect(r"VM 1 'cycler' destroyed: (\d+) KB free")
                assert int(m.group(1)) == boot_free, (i, int(m.group(1)), boot_free)
            assert [v["name"] for v in c.list()] == ["alpha"]
            assert c.info("alpha")["state"] == "running"
        vmids = set(re.findall(r"VM 1 'cycler' created: .* VMID (\d+)", r.out))
        assert len(vmids) == 1, vmids
        assert len(re.findall(r"VM 1 'cycler' created", r.out)) == 100
        # The other VM counts on after the last cycle too.
        # (Its lines rejoined where Triad's own lines cut them.)
        last = int(re.findall(r"counter: n=\d+ ticks=(\d+) ", r.console("alpha"))[-1])
        r.expect_vm("alpha", r"counter: n=\d+ ticks=%d " % (last + 1), timeout=60)
    finally:
        r.kill()


def test_vm_with_a_nic_gives_its_switch_port_back(tmp_path, sock):
    """A VM with a virtio NIC takes a port of Triad's switch (9 in all); destroying it gives
    the port back: a dozen create/destroy cycles never run out, and memory comes back."""
    cfg = write_config(tmp_path / "vms.dts",
                       {"alpha": {"kernel": HOG, "memory": "16M", "cpus": 1, "net": "virtio"}})
    bundle = one_vm_bundle(tmp_path, "nic", kernel=HOG, memory="16M", cpus=1, net="virtio")
    r = Run("--config", cfg, "--pcpus", "1", "--control", sock)
    try:
        boot_free = free_kb_at_boot(r)
        with Client(sock) as c:
            for _ in range(12):
                vid = c.create(bundle)
                c.start(vid)
                c.destroy(vid)
                m = r.expect(r"VM 1 'nic' destroyed: (\d+) KB free")
                assert int(m.group(1)) == boot_free
    finally:
        r.kill()


def test_paused_vm_destroyed(tmp_path, sock):
    """A paused VM (its vCPUs already off the CPUs, so no CPU tears it down) is destroyed
    like a running one: its memory comes back, and a new VM takes its slot and runs."""
    cfg = write_config(tmp_path / "vms.dts",
                       {"alpha": {"kernel": HOG, "memory": "16M", "cpus": 1}})
    bundle = one_vm_bundle(tmp_path, "napper", kernel=COUNTER, memory="16M", cpus=1)
    r = Run("--config", cfg, "--pcpus", "1", "--control", sock)
    try:
        boot_free = free_kb_at_boot(r)
        with Client(sock) as c:
            vid = c.create(bundle)
            c.start(vid)
            r.expect_vm("napper", r"counter: n=\d+ ticks=2 ")
            c.pause(vid)
            assert c.info(vid)["state"] == "paused"
            c.destroy(vid)
            m = r.expect(r"VM 1 'napper' destroyed: (\d+) KB free")
            assert int(m.group(1)) == boot_free
            _, audit, _, _ = triad_observe.audit_read(c)  # a security event, audited
            assert [x["vm"] for x in audit if x["event"] == "vm-destroyed"] == [vid], audit
            assert c.create(bundle) == vid
            c.start(vid)
            r.expect_vm("napper", "counter: start")
    finally:
        r.kill()


def test_refused_creates_leave_nothing_behind(tmp_path, sock):
    """A bundle that does not parse, one with two VMs, a VM too big for the free memory, a
    name in use or invalid, a create with nothing uploaded: each refused with its reason,
    and free memory stays what it was (a failed create used to keep its VMID and pages)."""
    cfg = write_config(tmp_path / "vms.dts",
                       {"alpha": {"kernel": HOG, "memory": "16M", "cpus": 1}})
    r = Run("--config", cfg, "--pcpus", "1", "--control", sock)
    try:
        boot_free = free_kb_at_boot(r)
        good = one_vm_bundle(tmp_path, "good", kernel=HOG, memory="16M", cpus=1)
        huge = one_vm_bundle(tmp_path, "huge", kernel=HOG, memory="4096M", cpus=1)
        with Client(sock) as c:
            with pytest.raises(MgmtError) as e:
                c.call("CREATE")
            assert e.value.status == -1 and "no bundle" in e.value.reason
            with pytest.raises(MgmtError) as e:
                c.create(b"\xd0\x0d\xfe\xed" + b"\0" * 4092)
            assert e.value.status == -2, e.value
            with pytest.raises(MgmtError) as e:
                c.create(huge)
            assert e.value.status == -5 and "not enough free memory" in e.value.reason
            with pytest.raises(MgmtError) as e:
                c.create(good, name="alpha")
            assert e.value.status == -4 and "exists" in e.value.reason
            with pytest.raises(MgmtError) as e:
                c.create(good, name="no spaces")
            assert e.value.status == -2 and "not a valid VM name" in e.value.reason
            # Free memory is where it was: ask for it through a create and destroy.
            vid = c.create(good)
            c.destroy(vid)
            m = r.expect(r"VM \d+ 'good' destroyed: (\d+) KB free")
            assert int(m.group(1)) == boot_free
            # An unknown VM, or one destroyed already.
            for op in ("start", "destroy", "reboot"):
                with pytest.raises(MgmtError) as e:
                    getattr(c, op)(vid)
                assert e.value.status == -3
    finally:
        r.kill()


def test_shutdown_ignored_is_destroyed_at_the_deadline(tmp_path, sock):
    """A guest that never looks at its power key is destroyed once the deadline passes;
    the other VM runs on; the run then ends through `triad-ctl quit`."""
    cfg = write_config(tmp_path / "vms.dts", {
        "deaf": {"kernel": HOG, "memory": "16M", "cpus": 1},
        "alpha": {"kernel": COUNTER, "memory": "16M", "cpus": 1}})
    r = Run("--config", cfg, "--pcpus", "1", "--control", sock)
    try:
        boot_free = free_kb_at_boot(r)
        r.expect_vm("alpha", "counter: start")
        with Client(sock) as c:
            assert c.shutdown("deaf", 1500) == "destroyed"
            assert [v["name"] for v in c.list()] == ["alpha"]
        r.expect("VM 'deaf' did not power off by its shutdown deadline: destroyed")
        freed = int(r.expect(r"VM 0 'deaf' destroyed: (\d+) KB free").group(1))
        assert freed > boot_free + 16 * 1024  # its RAM, and its tables and state
        out = subprocess.run([CTL, "--socket", sock, "quit"], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        assert r.wait() == 0
    finally:
        r.kill()


def test_reboot_restarts_from_the_images(tmp_path, sock):
    """REBOOT restarts a running VM from its images (its counter starts over), whether or
    not one of its vCPUs was on a CPU at that moment; a stopped VM cannot be rebooted."""
    cfg = write_config(tmp_path / "vms.dts", {
        "alpha": {"kernel": COUNTER, "memory": "16M", "cpus": 1},
        "beta": {"kernel": HOG, "memory": "16M", "cpus": 1}})
    r = Run("--config", cfg, "--pcpus", "1", "--control", sock)
    try:
        r.expect_vm("alpha", r"counter: n=\d+ ticks=3 ")
        with Client(sock) as c:
            for _ in range(3):
                c.reboot("alpha")
                assert c.info("alpha")["state"] == "running"
                r.expect_vm("alpha", "counter: start")
                r.expect_vm("alpha", r"counter: n=\d+ ticks=1 ")
            assert len(re.findall("VM 'alpha' restarted", r.out)) == 3
    finally:
        r.kill()


def test_linux_shutdown_through_the_power_key(tmp_path, sock):
    """A Linux guest powers itself off when its power key is pressed (its init watches the
    PL061 line): the VM stays, stopped; Triad keeps running for its management channel with
    no VM running; the VM boots again with `start` (its kernel starts), and is destroyed."""
    cfg = write_config(tmp_path / "vms.dts", {"linux": {
        "kernel": LINUX_6_1, "initrd": INITRAMFS, "memory": "256M", "cpus": 2,
        "bootargs": "console=ttyAMA0"}})
    # Linux boots up to twice in this run: a loaded host needs more than one boot's time.
    r = Run("--config", cfg, "--pcpus", "2", "--control", sock, timeout=BOOT_TIMEOUT * 4)
    try:
        r.expect_all("triad-powerkey: watching GPIO line 3", "triad-guest: userspace up")
        out = subprocess.run([CTL, "--socket", sock, "shutdown", "linux", "--deadline", "120"],
                             capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == "linux: powered off"
        r.expect("triad-guest: power key pressed, powering off")
        r.expect("Triad keeps running for its management channel")
        with Client(sock) as c:
            assert [(v["name"], v["state"]) for v in c.list()] == [("linux", "stopped")]
            # A stopped VM is not shut down or rebooted; it starts again.
            with pytest.raises(MgmtError) as e:
                c.shutdown("linux", 1000)
            assert e.value.status == -4
            c.start("linux")
            r.expect("Booting Linux on physical CPU")
            c.destroy("linux")
            assert c.list() == []
            c.quit()
        assert r.wait() == 0
    finally:
        r.kill()


def test_triad_ctl_create_start_and_destroy(tmp_path, sock):
    """`triad-ctl create CONFIG.dts --start` makes a VM from a config file while another VM
    runs; `destroy` removes it; configs it cannot take are refused before any request."""
    cfg = write_config(tmp_path / "vms.dts",
                       {"alpha": {"kernel": HOG, "memory": "16M", "cpus": 1}})
    new = write_config(tmp_path / "gamma.dts",
                       {"gamma": {"kernel": COUNTER, "memory": "16M", "cpus": 1}})
    two = write_config(tmp_path / "two.dts", {
        "a": {"kernel": HOG, "memory": "16M"}, "b": {"kernel": HOG, "memory": "16M"}})
    r = Run("--config", cfg, "--pcpus", "1", "--control", sock)
    try:
        r.expect("management: channel on virtio console")

        def ctl(*args):
            return subprocess.run([CTL, "--socket", sock, *args], capture_output=True,
                                  text=True, timeout=120)
        out = ctl("create", new, "--start")
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == "gamma: created as VM 1, started"
        r.expect_vm("gamma", r"counter: n=\d+ ticks=2 ")
        out = ctl("create", new, "--name", "delta")
        assert out.stdout.strip() == "delta: created as VM 2"
        lst = ctl("list").stdout
        assert re.search(r"2\s+delta\s+stopped", lst), lst
        out = ctl("create", two)
        assert out.returncode == 1 and "create takes one VM" in out.stderr
        out = ctl("create", new)
        assert out.returncode == 2 and "exists" in out.stderr
        for vm in ("gamma", "delta"):
            out = ctl("destroy", vm)
            assert out.returncode == 0 and out.stdout.strip() == f"{vm}: destroyed"
        assert "gamma" not in ctl("list").stdout
    finally:
        r.kill()


@pytest.mark.skipif(not SECURE, reason="a realm needs the realm world")
def test_realm_created_and_destroyed_twice(tmp_path, sock):
    """A realm made at run time runs, and its destruction gives back everything: the realm
    world's objects (its granules undelegated, or the second realm could not have them, or
    scrubbing its RAM would fault) and Triad's memory to the page."""
    cfg = write_config(tmp_path / "vms.dts",
                       {"alpha": {"kernel": HOG, "memory": "16M", "cpus": 1}})
    bundle = one_vm_bundle(tmp_path, "secret", kernel=os.path.join(GUESTS, "realmwfi.bin"),
                           memory="64M", cpus=2, realm=True)
    r = Run("--config", cfg, "--pcpus", "2", "--control", sock)
    try:
        boot_free = free_kb_at_boot(r)
        with Client(sock, timeout=120) as c:
            for _ in range(2):
                vid = c.create(bundle)
                assert c.info(vid)["kind"] == "realm"
                c.start(vid)
                r.expect_vm("secret", "realmwfi: start")
                c.destroy(vid)
                m = r.expect(r"VM 1 'secret' destroyed: (\d+) KB free")
                assert int(m.group(1)) == boot_free
            assert [v["name"] for v in c.list()] == ["alpha"]
    finally:
        r.kill()


@pytest.mark.skipif(not SECURE, reason="OP-TEE runs in the secure world")
def test_optee_client_vm_created_twice(tmp_path, sock):
    """A VM that used OP-TEE, destroyed: OP-TEE is told the client is gone and Triad frees
    its client state; a new VM in the same slot (the same OP-TEE client id) passes the
    mediator's checks again, and memory comes back to the page each time."""
    cfg = write_config(tmp_path / "vms.dts",
                       {"alpha": {"kernel": HOG, "memory": "16M", "cpus": 1}})
    bundle = one_vm_bundle(tmp_path, "tee", kernel=os.path.join(GUESTS, "teeguest.bin"),
                           memory="64M", cpus=1)
    r = Run("--config", cfg, "--pcpus", "2", "--control", sock)
    try:
        boot_free = free_kb_at_boot(r)
        with Client(sock, timeout=120) as c:
            for _ in range(2):
                vid = c.create(bundle)
                c.start(vid)
                m = r.expect_vm("tee", r"teeguest: (\d+) passed, (\d+) failed", timeout=300)
                assert m.group(2) == "0", r.console("tee")[-3000:]
                c.destroy(vid)
                m = r.expect(r"VM 1 'tee' destroyed: (\d+) KB free")
                assert int(m.group(1)) == boot_free
        assert "PANIC" not in r.out
    finally:
        r.kill()
