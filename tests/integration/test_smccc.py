"""SMCCC services Linux probes at every boot (docs/architecture.md): TRNG 1.0 from the CPU's
random number source and the vendor hypervisor queries, answered without a warning."""
from triad import GUESTS, triad_run

TRNGGUEST = GUESTS + "/trngguest.bin"


def test_trng_and_vendor_hypervisor_queries():
    rc, out, err = triad_run("--kernel", TRNGGUEST, "--mem", "16M")
    assert rc == 0, err
    assert "trngguest: 17 passed, 0 failed" in out, out
    # Standard probes are not a guest misbehaving: no warning lines for them.
    assert "unknown HVC/SMC function" not in out, out
