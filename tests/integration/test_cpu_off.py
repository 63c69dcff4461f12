"""PSCI CPU_OFF of a VM's last vCPU stops that VM as a power off would: Triad says so, the
other VMs go on, and the run ends with a power off's status instead of hanging."""
import re

from triad import TIMERGUEST, image_header, triad_run, write_config

# A guest whose only vCPU turns itself off. Were CPU_OFF to return, it powers off instead
# (and the test sees no CPU_OFF line).
CPU_OFF_GUEST = image_header(b"".join(w.to_bytes(4, "little") for w in (
    0xd2800040,  # mov  x0, #2
    0xf2b08000,  # movk x0, #0x8400, lsl #16: PSCI CPU_OFF
    0xd4000002,  # hvc  #0
    0xd2800100,  # mov  x0, #8
    0xf2b08000,  # movk x0, #0x8400, lsl #16: PSCI SYSTEM_OFF
    0xd4000002,  # hvc  #0
    0x14000000,  # b    .
)))

LAST_OFF = r"\[triad\] VM '{}' turned its last vCPU off \(PSCI CPU_OFF\): stopped"


def test_cpu_off_of_the_only_vcpu_ends_the_run(tmp_path):
    kernel = tmp_path / "off.bin"
    kernel.write_bytes(CPU_OFF_GUEST)
    rc, out, err = triad_run("--kernel", str(kernel), "--mem", "16M", "--timeout", "120")
    assert re.search(LAST_OFF.format("guest"), out), out[-2000:] + err
    assert "powered off\n" not in out  # it did not come back from CPU_OFF
    assert rc == 0, f"status {rc} (4: hung until --timeout)\n{err}"


def test_cpu_off_stops_one_vm_and_the_other_goes_on(tmp_path):
    kernel = tmp_path / "off.bin"
    kernel.write_bytes(CPU_OFF_GUEST)
    cfg = write_config(tmp_path / "vms.dts", {
        "off": {"kernel": str(kernel), "memory": "16M", "cpus": 2},
        "timer": {"kernel": TIMERGUEST, "memory": "16M", "cpus": 2},
    })
    rc, out, err = triad_run("--config", cfg, "--pcpus", "2", "--timeout", "120")
    assert re.search(LAST_OFF.format("off"), out), out[-2000:] + err
    # The other VM ran its checks to the end and powered itself off: status 0.
    assert re.search(r"timerguest: \d+ passed, 0 failed", out), out[-2000:]
    assert "VM 'timer' powered off" in out
    assert rc == 0, f"status {rc} (4: hung until --timeout)\n{err}"
