"""OP-TEE for the guests (the secure world's trusted OS, through Triad's mediator).

- A bare-metal guest (tests/guests/teeguest) speaks OP-TEE's SMC ABI itself, good and bad:
  refused calls, messages and memory references outside its RAM, page lists that leave it
  or loop; a session with OP-TEE's device pseudo-TA; registered shared memory.
- Two such VMs: the second cannot use the shared memory the first registered (each VM is
  its own OP-TEE client, VM_CREATED by Triad).
- Linux (Debian's 6.1 with its optee driver and Debian's tee-supplicant) runs OP-TEE's own
  regression suite, xtest: a subset here (see XTEST_SUBSET), all of it in make test-full;
  two Linux VMs run it at the same time.
"""
import os
import re

import pytest

from triad import (FOCUS, FULL, GUESTS, LINUX_6_1, PROMPT, ROOT, SECURE, TEEGUEST,
                   console_of, console_offset, write_config)

INITRAMFS_TEE = os.path.join(ROOT, "build", "initramfs-tee.cpio.gz")

pytestmark = pytest.mark.skipif(not SECURE, reason="OP-TEE lives in the secure world")

# The regression tests that exercise the mediator's paths in a few minutes of TCG: sessions
# and TA loading through tee-supplicant (RPCs, RPC buffers, shared-memory allocation by
# page list), TA-to-TA calls, memory references of every kind and size, registered and
# temporary shared memory, cancellation, concurrency over OP-TEE's threads, and secure
# storage (REE FS: many RPCs carrying data). The 4000-series crypto vectors and the
# 6000-series storage cases after 6001 take too long for CI; make test-full runs them
# (test_xtest_full_in_linux).
XTEST_SUBSET = "1001 1002 1003 1004 1005 1006 1007 1008 1010 1011 1012 1013 1016 1017 1018 6001"


def xtest_summary(out):
    m = re.search(r"(\d+) subtests of which (\d+) failed\s+(\d+) test cases of which (\d+) failed",
                  out)
    assert m, out[-3000:]
    return [int(g) for g in m.groups()]


def test_teeguest_checks_the_mediator():
    from triad import triad_run
    rc, out, err = triad_run("--kernel", TEEGUEST, "--mem", "64M", "--timeout", "200")
    fails = [line for line in out.splitlines() if "teeguest: FAIL" in line]
    assert not fails, "\n".join(fails)
    m = re.search(r"teeguest: (\d+) passed, 0 failed", out)
    assert m and int(m.group(1)) >= 32, out[-3000:]
    assert rc == 0, err
    # The VM was announced to OP-TEE and retired when it powered off.
    assert "PANIC" not in out


def test_two_vms_are_separate_optee_clients(run, tmp_path):
    vm = {"kernel": TEEGUEST, "memory": "64M", "cpus": 1}
    cfg = write_config(tmp_path / "tee.dts", {
        "first": dict(vm),
        "second": dict(vm, bootargs="tee-role=b"),
    })
    r = run("--config", cfg, "--pcpus", "2")
    r.expect_vm("first", r"teeguest: registered shared memory")
    r.expect_vm("second", r"teeguest: tried the other VM's shared memory")
    r.expect_vm("first", r"teeguest: \d+ passed, 0 failed")
    r.expect_vm("second", r"teeguest: \d+ passed, 0 failed")
    assert r.wait() == 0
    assert "teeguest: FAIL" not in r.out, r.out[-3000:]
    # The second VM's attempt came after the first VM's registration.
    # (Each VM's own line, even where the other VM's output cut it.)
    assert (console_offset(r.out, "first", "registered shared memory") <
            console_offset(r.out, "second", "tried the other VM's")), r.out


def test_a_racing_vm_cannot_take_optee_from_another(run, tmp_path):
    """Issue 29: a VM with two vCPUs uses its registered shared memory in 300 calls to a
    pseudo-TA on one vCPU while the other unregisters and re-registers it, and answers every
    RPC (OP-TEE's wait-queue sleep/wake notifications included) with an error. Until the
    mediator serialized a VM's unregistrations against its calls in flight and answered the
    notifications itself, OP-TEE panicked (mobj_get on a registration being freed) and
    every VM lost it. The victim VM calls OP-TEE all along and must be served every time."""
    log = tmp_path / "secure.log"
    cfg = write_config(tmp_path / "tee.dts", {
        "victim": {"kernel": TEEGUEST, "memory": "64M", "cpus": 1,
                   "bootargs": "tee-role=victim"},
        "attacker": {"kernel": TEEGUEST, "memory": "64M", "cpus": 2,
                     "bootargs": "tee-role=attack"},
    })
    r = run("--config", cfg, "--pcpus", "2", "--secure-log", str(log), timeout=900)
    r.expect_vm("victim", r"teeguest: victim calling")
    r.expect_vm("attacker", r"teeguest: attack starts")
    try:
        r.expect_vm("attacker", r"teeguest: attack over", timeout=600)
    except AssertionError as e:  # a call stuck in a panicked OP-TEE: show OP-TEE's end
        raise AssertionError(f"{e}\nOP-TEE's log:\n{log.read_text(errors='replace')[-2000:]}")
    r.expect_vm("attacker", r"teeguest: \d+ passed, \d+ failed")
    r.send("x")  # the victim's console has the input: its last calls, then its checks
    r.expect_vm("victim", r"teeguest: \d+ passed, \d+ failed", timeout=120)
    assert r.wait() == 0
    victim, attacker = r.console("victim"), r.console("attacker")
    print(re.findall(r"teeguest: victim made.*", victim),
          re.findall(r"teeguest: calls with.*", attacker))
    assert "teeguest: FAIL" not in victim, victim[-3000:]
    m = re.search(r"victim made (\d+) calls, 0 failed", victim)
    assert m and int(m.group(1)) > 0, victim[-3000:]
    secure = log.read_text(errors="replace")
    assert "Panic" not in secure, secure[-3000:]
    assert "teeguest: FAIL" not in attacker, attacker[-3000:]
    # The race was on: some unregistrations met a call using the memory (refused as busy),
    # and some went through between calls.
    m = re.search(r"unregistrations: (\d+) done, (\d+) busy", attacker)
    assert m and int(m.group(1)) > 0 and int(m.group(2)) > 0, attacker[-3000:]


def boot_tee_linux(run, *extra):
    r = run("--kernel", LINUX_6_1, "--initrd", INITRAMFS_TEE, "--mem", "256M", *extra,
            timeout=3600)
    r.expect(r"optee: initialized driver")
    r.expect(r"triad-guest: tee-supplicant running")
    r.expect(re.escape(PROMPT))
    return r


def test_xtest_subset_in_linux(run):
    # Two vCPUs on two physical CPUs: OP-TEE's threads run on both CPUs at once, calls
    # migrate between them and normal-world interrupts preempt OP-TEE in the middle of
    # RPCs (the concurrency cases 1013 and the secure-storage ones failed that way until
    # session 8: docs/secure.md).
    r = boot_tee_linux(run, "--cpus", "2", "--pcpus", "2")
    out = r.shell(f"xtest -t regression {XTEST_SUBSET}", timeout=1500)
    subtests, sub_failed, cases, failed = xtest_summary(out)
    assert (sub_failed, failed) == (0, 0), out[-4000:]
    assert cases == len(XTEST_SUBSET.split()) and subtests > 800, out[-4000:]
    r.send("poweroff -f\n")
    assert r.wait() == 0


@pytest.mark.skipif(not FULL, reason="all of xtest takes about 15 minutes: make test-full")
def test_xtest_full_in_linux(run):
    """All of xtest's default suites. The regression suite passes; the PKCS#11 suite cannot
    run: Debian's OP-TEE build has no PKCS#11 TA, so each pkcs11 test fails at its first
    session (TEEC_ERROR_ITEM_NOT_FOUND from the TEE) - a platform gap, listed in the README."""
    r = boot_tee_linux(run, "--cpus", "2", "--pcpus", "2")
    out = r.shell("xtest", timeout=3300)
    failed = re.findall(r"^(\w+_\d+) FAILED", out, re.M)
    assert failed, out[-4000:]  # the PKCS#11 cases: if they pass, update the README
    assert all(f.startswith("pkcs11_") for f in failed), failed
    assert "TEEC open session failed ffff0008" in out
    m = re.search(r"(\d+) test cases of which (\d+) failed", out)
    assert m and int(m.group(1)) - int(m.group(2)) >= 108, out[-4000:]
    r.send("poweroff -f\n")
    assert r.wait() == 0


def test_two_linux_vms_use_optee_at_once(run, tmp_path):
    """Two Linux VMs, each its own OP-TEE client, run xtest at the same time (sessions,
    TA loading through their own tee-supplicant, shared memory, secure storage). Their
    virtual timers preempt OP-TEE all along (foreign interrupts), also between an RPC
    answer and OP-TEE reading it: this failed every run while the mediator freed an
    answer's page lists at such a preemption (session 8)."""
    vm = {"kernel": LINUX_6_1, "initrd": INITRAMFS_TEE, "memory": "256M", "cpus": 1}
    cfg = write_config(tmp_path / "tee.dts", {"alpha": dict(vm), "beta": dict(vm)})
    r = run("--config", cfg, "--pcpus", "2", timeout=1800)
    for name in ("alpha", "beta"):
        r.expect_vm(name, r"optee: initialized driver")
        r.expect_vm(name, re.escape(PROMPT))
    cmd = "xtest -t regression 1001 1004 1006 6001 6002; echo xtest-done-$((6*7))\n"
    r.send(cmd)
    r.send(FOCUS + "2")
    r.expect(r"console input: VM 'beta'")
    r.send(cmd)
    for name in ("alpha", "beta"):
        r.expect_vm(name, r"xtest-done-42", timeout=900)
    for name in ("alpha", "beta"):
        assert re.search(r"5 test cases of which 0 failed", console_of(r.out, name)), \
            console_of(r.out, name)[-3000:]
    r.send("poweroff -f\n")
    r.send(FOCUS + "1")
    r.expect(r"console input: VM 'alpha'")
    r.send("poweroff -f\n")
    assert r.wait() == 0


# ---- OP-TEE restarted (issue 29): the test hook --optee-fail-after makes it miss its
# deadline in its N-th message call after each boot (of one client, N@CLIENT), the path a
# panic takes; the monitor restarts it from the image it kept (docs/secure.md).

def test_optee_restarted_three_times_then_given_up():
    """Each boot of OP-TEE fails its 4th message call: the call in flight ends with
    TEEC_ERROR_TARGET_DEAD in the guest's message, the dead session is not served, a new
    one is; after 3 restarts the monitor gives up and trusted-OS calls answer
    UNKNOWN_FUNCTION."""
    from triad import triad_run
    rc, out, err = triad_run("--kernel", TEEGUEST, "--append", "tee-role=restart",
                             "--mem", "64M", "--optee-fail-after", "4", "--timeout", "300")
    fails = [line for line in out.splitlines() if "teeguest: FAIL" in line]
    assert not fails, "\n".join(fails)
    for n in (1, 2, 3):
        assert re.search(r"\[monitor\] error: OP-TEE stopped answering: the test hook's "
                         rf".*: restarting OP-TEE from its image \(restart {n}\)", out), out
        assert re.search(rf"\[monitor\] OP-TEE is back \(restart {n}, \d+ ms\)", out), out
    assert re.search(r"\[monitor\] error: OP-TEE stopped answering: .*: given up after 3 "
                     r"restarts; trusted OS calls now answer NOT_SUPPORTED", out), out
    assert "OP-TEE restarted (generation 3)" in out, out
    assert re.search(r"teeguest: 20 passed, 0 failed", out), out[-3000:]
    assert rc == 0, err


def test_another_vm_is_served_again_after_optee_restarts(run, tmp_path):
    """A VM makes OP-TEE fail under one of its calls (the hook counts only its client, 2);
    the other VM, calling all along, loses its call in flight (TARGET_DEAD) and its session,
    opens a new one and is served again; the crashing VM too. A realm beside them runs its
    own test (before the failure, 3 s in) and stays alive through the restart. The
    bystander reports how long OP-TEE was away for it (make bench's optee_restart)."""
    cfg = write_config(tmp_path / "tee.dts", {
        "bystander": {"kernel": TEEGUEST, "memory": "64M", "cpus": 1,
                      "bootargs": "tee-role=bystander"},
        "crasher": {"kernel": TEEGUEST, "memory": "64M", "cpus": 1,
                    "bootargs": "tee-role=crash"},
        "realm": {"kernel": os.path.join(GUESTS, "realmwfi.bin"), "memory": "64M", "cpus": 2,
                  "realm": True},
    })
    r = run("--config", cfg, "--pcpus", "2", "--optee-fail-after", "4@2")
    r.expect_vm("crasher", r"teeguest: \d+ passed, \d+ failed")
    r.expect_vm("bystander", r"teeguest: \d+ passed, \d+ failed")
    r.expect_vm("realm", r"realmwfi: woken by the SGI")
    assert r.wait() == 0
    # The realm world is not touched by OP-TEE's restart.
    assert "FAIL" not in r.console("realm"), r.console("realm")
    bystander, crasher = r.console("bystander"), r.console("crasher")
    print(re.findall(r"teeguest: bystander made.*", bystander),
          re.findall(r"OP-TEE is back.*", r.out))
    assert "teeguest: FAIL" not in crasher, crasher[-3000:]
    assert "teeguest: FAIL" not in bystander, bystander[-3000:]
    assert re.search(r"teeguest: 6 passed, 0 failed", crasher), crasher[-3000:]
    assert re.search(r"bystander made \d+ calls, [1-9]\d* not served", bystander), bystander
    assert "restarting OP-TEE from its image (restart 1)" in r.out, r.out[-3000:]


def test_xtest_passes_after_optee_restarts(run, tmp_path):
    """Linux uses OP-TEE (tee-supplicant, a first xtest case), then the other VM makes it
    fail: Linux's next calls go to the restarted OP-TEE, announced again, and xtest's
    subset passes."""
    cfg = write_config(tmp_path / "tee.dts", {
        "linux": {"kernel": LINUX_6_1, "initrd": INITRAMFS_TEE, "memory": "256M", "cpus": 2},
        "crasher": {"kernel": TEEGUEST, "memory": "64M", "cpus": 1,
                    "bootargs": "tee-role=crash tee-wait=key"},
    })
    r = run("--config", cfg, "--pcpus", "2", "--optee-fail-after", "4@2", timeout=3600)
    r.expect_vm("linux", r"optee: initialized driver")
    r.expect_vm("linux", re.escape(PROMPT))
    r.send("xtest -t regression 1001; echo xtest-done-$((6*7))\n")
    r.expect_vm("linux", r"xtest-done-42", timeout=600)
    r.send(FOCUS + "2")
    r.expect(r"console input: VM 'crasher'")
    r.send("x")
    r.expect_vm("crasher", r"teeguest: \d+ passed, \d+ failed", timeout=300)
    assert re.search(r"teeguest: 6 passed, 0 failed", r.console("crasher")), r.out[-3000:]
    r.send(FOCUS + "1")
    r.expect(r"console input: VM 'linux'")
    r.send(f"xtest -t regression {XTEST_SUBSET}; echo xtest-done-$((6*8))\n")
    r.expect_vm("linux", r"xtest-done-48", timeout=1500)
    subtests, sub_failed, cases, failed = xtest_summary(r.console("linux").split(
        "xtest-done-42")[-1])
    assert (sub_failed, failed) == (0, 0), r.console("linux")[-4000:]
    assert cases == len(XTEST_SUBSET.split()), r.console("linux")[-4000:]
    assert "restarting OP-TEE from its image (restart 1)" in r.out, r.out[-3000:]
    r.send("poweroff -f\n")
    assert r.wait() == 0
