"""The realm world's first part: on a machine with FEAT_RME (--secure gives QEMU
`-cpu max,x-rme=on`), Triad's EL3 monitor sets up the Granule Protection Table and boots
Triad's RMM at Realm EL2 on every CPU; Triad at Normal EL2 finds it through RMI. The host's
side of RMI is checked by a bare-metal program that takes Triad's place
(tests/guests/fwtest): RMI_VERSION/FEATURES, granule delegation with its error cases,
granule protection faults on a delegated granule, the realm lifecycle (REALM_CREATE with
each of its failure conditions, ACTIVATE, DESTROY), a realm's tables and memory (RTT
create/destroy/read, RIPAS, DATA create/destroy, unprotected mappings, block mappings),
its RECs, a realm running code (RSI, emulated MMIO both ways, WFI exits, PSCI, RIPAS
changes, host calls, interrupts and its timer), its attestation token (verified here with
tools/ccatoken.py) and parameters in memory the normal world cannot read."""
import os
import re
import sys

from triad import BADGUEST, GUESTS, INITRAMFS, LINUX_6_1, PROMPT, triad_run

FWTEST = os.path.join(GUESTS, "fwtest.bin")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
import ccatoken  # noqa: E402
import realm_measure as measure  # noqa: E402

CPAK = os.path.join(os.path.dirname(GUESTS), "attest", "cpak_pub.bin")


def test_monitor_boots_the_rmm_and_triad_finds_it(run):
    r = run("--secure", "--kernel", LINUX_6_1, "--initrd", INITRAMFS, "--mem", "128M",
            "--cpus", "2", "--pcpus", "2")
    r.expect(r"\[monitor\] GPT on: realm world at 0x[0-9a-f]+")
    r.expect(r"\[rmm\] Triad RMM up \(RMI 1\.0\)")
    r.expect(r"\[monitor\] realm world up: Triad's RMM at Realm EL2")
    # QEMU's max CPU has SVE: realms are offered the monitor's 64-byte vectors.
    r.expect(r"realm world: RMM with RMI 1\.0 \(realm IPA up to 48 bits, \d+ list registers, "
             r"SVE vectors up to 64 bytes\)")
    r.expect(re.escape(PROMPT))
    # CPU 1 goes off and on: the RMM is warm-booted on it again each time, and Linux
    # keeps running (its memory is all Non-secure in the GPT).
    out = r.shell("for i in 1 2 3; do echo 0 > /sys/devices/system/cpu/cpu1/online; "
                  "echo 1 > /sys/devices/system/cpu/cpu1/online; done; "
                  "cat /sys/devices/system/cpu/online")
    assert out.strip().endswith("0-1"), out
    r.send("poweroff -f\n")
    assert r.wait() == 0
    assert "error" not in r.out.lower(), r.out


def test_rmi_and_ffa_seen_from_the_host():
    status, out, err = triad_run("--secure", "--triad", FWTEST, "--kernel", BADGUEST,
                                 "--mem", "64M", "--timeout", "120")
    # fwtest is not Triad: it ends without Triad's exit line (status 6).
    assert status == 6, (status, out, err)
    assert "fwtest: FAIL" not in out, out
    m = re.search(r"fwtest: PASS (\d+) checks", out)
    # RMI and granule protection, the realm lifecycle, a realm's tables and memory, its
    # RECs, unreadable parameters, FF-A, PSCI power-down suspend.
    assert m and int(m.group(1)) >= 210, out
    # What a world switch keeps (docs/world-switch.md): fwtest's every register, filled with
    # patterns at Normal EL2, after FFA_VERSION, RMI_VERSION, OP-TEE's UID call and a REC_ENTER
    # that ran realm code; the realm's after its host call (each change is a FAIL by name).
    assert re.search(r"fwtest: world switch: \d+ system registers, V0-V31, FPSR, FPCR and "
                     r"x0-x30 kept across (FF-A, OP-TEE, )?RMI and REC_ENTER; the realm's kept "
                     r"across its host call", out), out
    # The CPU suspended to a power-down state (through OP-TEE's suspend and resume entries)
    # and woke on its timer's interrupt.
    assert re.search(r"fwtest: woke from a power-down suspend after \d+ ms", out), out
    # A realm ran: it asked the RMM RSI_VERSION and wrote the answer where the host saw it.
    assert "bench: rec_enter_exit" in out, out
    # The RIM the realm read through RSI is the one a verifier predicts from what the
    # host gave it: its parameters (40-bit IPA, SHA-256), RIPAS RAM over [0, 4 KiB), its
    # code page at IPA 0 (measured), one REC (runnable, pc 0, x0 = 0x80100000).
    code = bytes.fromhex(re.search(r"fwtest: realm code ([0-9a-f]+)", out).group(1))
    rim = measure.rim_init(s2sz=40, num_bps=1, num_wps=1, hash_algo=measure.SHA256)
    rim = measure.rim_extend_ripas(rim, measure.SHA256, 0, 0x1000)
    rim = measure.rim_extend_data(rim, measure.SHA256, 0, measure.DATA_MEASURE_CONTENT,
                                  code.ljust(4096, b"\0"))
    rim = measure.rim_extend_rec(rim, measure.SHA256, 1, 0, [0x80100000] + [0] * 7)
    assert re.search(r"fwtest: realm rim ([0-9a-f]+)", out).group(1) == rim[:32].hex(), out
    # REM 0 after the realm's RSI_MEASUREMENT_EXTEND with "triad".
    rem = measure.rem_extend(bytes(64), measure.SHA256, b"triad")
    assert re.search(r"fwtest: realm rem0 ([0-9a-f]+)", out).group(1) == rem[:32].hex(), out
    # Its attestation token: the realm part signed by the RAK, with the realm's challenge
    # (1..8 as eight 64-bit words), that RIM and REM; the platform part signed by the
    # platform key and binding that RAK.
    token = bytes.fromhex(re.search(r"fwtest: realm token ([0-9a-f]+)", out).group(1))
    challenge = b"".join(i.to_bytes(8, "little") for i in range(1, 9))
    with open(CPAK, "rb") as f:
        cpak = ccatoken.decode_point(f.read())
    claims, platform = ccatoken.verify_cca(token, cpak, challenge=challenge, rim=rim)
    assert claims[ccatoken.REM][0] == rem[:32]
    assert [c[1] for c in platform[2399]] == ["RMM", "S-EL2"]


def test_machine_without_an_rmm():
    status, out, err = triad_run("--secure", "--rmm", "none", "--kernel", BADGUEST, "--mem",
                                 "64M", "--timeout", "120")
    assert "realm world: none (no RMM)" in out, out
    assert "realm world up" not in out, out
    status, _, err = triad_run("--secure", "--rmm", "/nonexistent.bin", "--kernel", BADGUEST)
    assert status == 1 and "no RMM image" in err, err
