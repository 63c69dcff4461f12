"""Config files (triad-run --config): every mistake is rejected before anything boots,
naming the file, the node and the reason."""
import subprocess

import pytest
from triad import INITRAMFS, LINUX_6_1, SECURE, linux_vm, triad_run, write_config

EXIT_CONFIG = 1

VM = f'kernel = "{LINUX_6_1}"; memory = "64M"; cpus = <1>;'


def config(tmp_path, body, header='compatible = "triad,config-v1";'):
    p = tmp_path / "vms.dts"
    p.write_text(f"/dts-v1/;\n/ {{\n{header}\nvms {{\n{body}\n}};\n}};\n")
    return str(p)


@pytest.mark.parametrize("body,header,message", [
    (f"a {{ {VM} colour = \"red\"; }};", None, "/vms/a: unknown property 'colour'"),
    (f"a {{ {VM} }}; a {{ {VM} }};", None, "a"),  # dtc: duplicate node name
    (f"a {{ {VM} }};", 'compatible = "xen,dom0less";', 'compatible must be "triad,config-v1"'),
    (f"a {{ {VM} }};", 'compatible = "triad,config-v1"; speed = <1>;', "unknown property 'speed'"),
    ("", None, "no VM described"),
    (f'a {{ kernel = "{LINUX_6_1}"; cpus = <1>; }};', None, "/vms/a: 'memory' is missing"),
    ('a { memory = "64M"; cpus = <1>; };', None, "/vms/a: 'kernel' is missing"),
    ('a { kernel = "/nonexistent"; memory = "64M"; };', None, "/vms/a: kernel '/nonexistent': No such file"),
    (f'a {{ kernel = "{LINUX_6_1}"; memory = "lots"; }};', None, "/vms/a: memory 'lots'"),
    (f'a {{ kernel = "{LINUX_6_1}"; memory = "64M"; cpus = <2>; affinity = <1>; }};', None,
     "'affinity' has 1 masks for 2"),
    (f'a {{ kernel = "{LINUX_6_1}"; memory = "64M"; affinity = <0x10>; }};', None,
     "pinning to a CPU that does not exist"),
    (f'a {{ kernel = "{LINUX_6_1}"; memory = "64M"; affinity = <0>; }};', None,
     "empty affinity mask"),
    (f'a {{ kernel = "{LINUX_6_1}"; memory = "64M"; weight = <0>; }};', None,
     "'weight' must be one value in 1..65535"),
    (f'a {{ kernel = "{LINUX_6_1}"; memory = "64M"; cpus = <17>; }};', None,
     "cpus 17: must be 1..16 (Triad's vCPUs per VM: MAX_VCPUS in include/triad/config.h)"),
    ("".join(f"v{i} {{ {VM} }}; " for i in range(129)), None,
     "129 VMs, at most 128 (Triad's limit: MAX_VMS in include/triad/config.h)"),
    ("a { kernel = ", None, "not valid device-tree source"),
    (f'a {{ kernel = "{LINUX_6_1}"; memory = "64M"; console = "vga"; }};', None,
     "'console' must be"),
])
def test_bad_config_is_rejected(tmp_path, body, header, message):
    path = config(tmp_path, body, header) if header else config(tmp_path, body)
    rc, out, err = triad_run("--config", path, "--pcpus", "4", timeout=30)
    assert rc == EXIT_CONFIG, err
    assert path in err  # the file
    assert message in err
    assert "Traceback" not in err and out == ""


def test_more_memory_than_the_machine_has(tmp_path):
    path = write_config(tmp_path / "vms.dts", {"a": linux_vm(memory="512M"),
                                              "b": linux_vm(memory="512M")})
    rc, _, err = triad_run("--config", path, "--machine-mem", "1G", timeout=30)
    assert rc == EXIT_CONFIG
    assert "more memory than the machine has" in err


def test_config_paths_are_relative_to_the_config_file(tmp_path):
    # A good file: paths resolve from its directory; --dry-run shows what would run.
    (tmp_path / "Image").symlink_to(LINUX_6_1)
    (tmp_path / "initrd").symlink_to(INITRAMFS)
    p = tmp_path / "vms.dts"
    p.write_text('/dts-v1/;\n/ { compatible = "triad,config-v1"; vms {\n'
                 '  web { kernel = "Image"; initrd = "initrd"; memory = "128M"; cpus = <2>;\n'
                 '        weight = <512>; affinity = <0x1 0x2>; bootargs = "quiet"; };\n'
                 '  db { kernel = "Image"; memory = "64M"; console = "virtio"; };\n}; };\n')
    rc, out, err = triad_run("--config", str(p), "--dry-run", timeout=30)
    assert rc == 0, err
    assert "-smp 3" in out  # one physical CPU per vCPU by default


@pytest.mark.skipif(not SECURE, reason="a realm needs the realm world")
def test_a_realm_without_bootargs_gets_its_bounce_buffers(tmp_path):
    # A realm's devices reach only memory it shares, so its Linux needs a larger swiotlb
    # than it sizes by itself; a real-time VM is an ordinary one and gets nothing extra.
    p = tmp_path / "vms.dts"
    p.write_text('/dts-v1/;\n/ { compatible = "triad,config-v1"; vms {\n'
                 f'  r {{ kernel = "{LINUX_6_1}"; memory = "64M"; realm; }};\n'
                 f'  t {{ kernel = "{LINUX_6_1}"; memory = "64M"; realtime; affinity = <1>; }};\n'
                 '}; };\n')
    bundle = tmp_path / "bundle"
    rc, _, err = triad_run("--config", str(p), "--pcpus", "2", "--dry-run", "--keep-bundle",
                           str(bundle), timeout=30)
    assert rc == 0, err
    dtb = bundle.read_bytes()
    def bootargs(vm):
        return subprocess.run(["fdtget", "-", f"/vms/{vm}", "bootargs"], input=dtb,
                              capture_output=True, check=True).stdout.decode()
    assert "swiotlb=16384" in bootargs("r")
    assert "swiotlb" not in bootargs("t")


def test_pinning_checked_against_the_default_cpu_count(tmp_path):
    # Without --pcpus the machine gets one physical CPU per vCPU: here one, so CPU 1
    # does not exist.
    path = write_config(tmp_path / "vms.dts", {"a": linux_vm(affinity=[0x2])})
    rc, _, err = triad_run("--config", path, timeout=30)
    assert rc == EXIT_CONFIG
    assert "/vms/a: vCPU 0: pinning to a CPU that does not exist: pCPU 1, the machine has 1" \
        in err


def test_readme_example_is_valid():
    import os
    from triad import ROOT
    rc, out, err = triad_run("--config", os.path.join(ROOT, "examples", "two-vms.dts"),
                             "--pcpus", "2", "--dry-run", timeout=30)
    assert rc == 0, err
    assert "-smp 2" in out
