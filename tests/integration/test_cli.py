"""triad-run rejects bad input with a clear message and a status, never a hang."""
import gzip
import os

import pytest
from triad import INITRAMFS, LINUX_6_1, image_header, triad_run

EXIT_CONFIG, EXIT_TIMEOUT = 1, 4


def write(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data)
    return str(p)


def test_help_documents_the_interface():
    rc, out, _ = triad_run("--help", timeout=30)
    assert rc == 0
    for opt in ("--kernel", "--initrd", "--append", "--cpus", "--mem", "--pcpus", "--timeout"):
        assert opt in out
    assert "Ctrl-A X" in out


@pytest.mark.parametrize("args,message", [
    ([], "--kernel"),
    (["--kernel", LINUX_6_1, "--config", "x.dts"], "not allowed with"),
    (["--kernel", "/nonexistent/Image"], "No such file"),
    (["--kernel", LINUX_6_1, "--initrd", "/nonexistent/initrd"], "No such file"),
    (["--kernel", LINUX_6_1, "--mem", "lots"], "expected a size"),
    (["--kernel", LINUX_6_1, "--mem", "8M"], "at least 16M"),
    (["--kernel", LINUX_6_1, "--mem", "17M"], "multiple of 2M"),
    (["--kernel", LINUX_6_1, "--mem", "1.3K"], "not a whole number of bytes"),
    (["--kernel", LINUX_6_1, "--mem", "2.5M"], "multiple of 2M"),
    (["--kernel", LINUX_6_1, "--cpus", "0"], "--cpus 0"),
    (["--kernel", LINUX_6_1, "--cpus", "17"], "--cpus 17: must be 1..16 (Triad's vCPUs per VM"),
    (["--kernel", LINUX_6_1, "--pcpus", "0"], "--pcpus 0"),
    (["--kernel", LINUX_6_1, "--append", "x" * 600], "longer than"),
    (["--kernel", LINUX_6_1, "--triad", "/nonexistent/triad.bin"], "missing"),
    (["--kernel", LINUX_6_1, "--optee-fail-after", "0"], "--optee-fail-after takes"),
    (["--kernel", LINUX_6_1, "--optee-fail-after", "4@x"], "--optee-fail-after takes"),
    (["--kernel", LINUX_6_1, "--sel2-fault", "read-text"], "--sel2-fault"),
    (["--kernel", LINUX_6_1, "--optee", "none", "--sel2-fault", "write-text"],
     "--sel2-fault needs the secure world"),
])
def test_bad_options(args, message):
    rc, out, err = triad_run(*args, timeout=30)
    assert rc in (EXIT_CONFIG, 2), err  # 2: argparse's own usage errors
    assert message in err
    assert "Traceback" not in err


def test_not_an_image(tmp_path):
    rc, _, err = triad_run("--kernel", write(tmp_path, "k", b"\0" * 4096), timeout=30)
    assert rc == EXIT_CONFIG
    assert "not an arm64 Linux Image" in err


def test_compressed_image_gets_a_hint(tmp_path):
    with open(LINUX_6_1, "rb") as f:
        head = f.read(1 << 16)
    rc, _, err = triad_run("--kernel", write(tmp_path, "k.gz", gzip.compress(head)), timeout=30)
    assert rc == EXIT_CONFIG
    assert "gzip" in err


def test_empty_initrd(tmp_path):
    rc, _, err = triad_run("--kernel", LINUX_6_1, "--initrd", write(tmp_path, "i", b""),
                           timeout=30)
    assert rc == EXIT_CONFIG
    assert "empty" in err


def test_image_header_rejected_by_triad(tmp_path):
    # Passes triad-run's magic check, but its text_offset is not page aligned: Triad
    # itself must refuse it and end the run with a configuration error.
    kernel = write(tmp_path, "k", image_header(text_offset=0x123))
    rc, out, err = triad_run("--kernel", kernel, "--mem", "64M", "--timeout", "120")
    assert rc == EXIT_CONFIG, out + err
    assert "Image" in out and "offset" in out


def test_timeout_stops_a_spinning_guest(tmp_path):
    spin = (0x14000000).to_bytes(4, "little")  # b .
    kernel = write(tmp_path, "k", image_header(spin))
    rc, _, err = triad_run("--kernel", kernel, "--mem", "32M", "--timeout", "5")
    assert rc == EXIT_TIMEOUT
    assert "timeout" in err


def test_fractional_sizes(tmp_path):
    """--mem 1.5G is 1536 MiB: the VM's memory node says so in the bundle."""
    bundle = str(tmp_path / "bundle.bin")
    rc, out, err = triad_run("--kernel", LINUX_6_1, "--mem", "1.5G", "--dry-run",
                             "--keep-bundle", bundle, timeout=30)
    assert rc == 0, err
    with open(bundle, "rb") as f:
        assert (1536 << 20).to_bytes(8, "big") in f.read(64 << 10)


def test_dry_run_prints_the_qemu_command(tmp_path):
    bundle = str(tmp_path / "bundle.bin")
    rc, out, _ = triad_run("--kernel", LINUX_6_1, "--initrd", INITRAMFS, "--cpus", "2",
                           "--mem", "256M", "--dry-run", "--keep-bundle", bundle, timeout=30)
    assert rc == 0
    assert "qemu-system-aarch64" in out and "virtualization=on" in out and "-smp 2" in out
    with open(bundle, "rb") as f:
        assert f.read(4) == b"\xd0\x0d\xfe\xed"  # a device tree
    assert os.path.getsize(bundle) > os.path.getsize(LINUX_6_1)
