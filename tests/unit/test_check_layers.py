"""tools/check-layers: an include that points up a layer fails the check, one that points
down passes, and a header the table does not know is reported."""
import os
import subprocess

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOOL = os.path.join(ROOT, "tools", "check-layers")


def check(tmp_path, files, *layers):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    env = dict(os.environ, CHECK_LAYERS_ROOT=str(tmp_path))
    r = subprocess.run([TOOL, *layers], env=env, capture_output=True, text=True)
    return r.returncode, r.stdout


def test_downward_includes_pass(tmp_path):
    rc, out = check(tmp_path, {
        "core/vm.c": "#include <stdint.h>\n#include <triad/vm.h>\n#include <string.h>\n",
        "devices/uart.c": "#include <triad/vm.h>\n#include <triad/vpl011.h>\n",
        "security/tee/m.c": "#include <triad/vswitch.h>\n#include \"../../core/el2.h\"\n",
        "arch/arm64/x.c": "#include <arch/sysreg.h>\n",
    })
    assert (rc, out) == (0, "")


def test_core_including_a_feature_fails(tmp_path):
    rc, out = check(tmp_path, {
        "core/vm.c": "#include <triad/vm.h>\n #include <triad/tee.h>\n",
        "include/triad/vm.h": "#include <triad/vpl011.h>\n",
        "core/log.c": "#include \"../devices/pl011.h\"\n",
    })
    assert rc == 1
    assert "core/vm.c:2: core includes triad/tee.h (security): points up" in out
    assert "include/triad/vm.h:1: core includes triad/vpl011.h (devices): points up" in out
    assert "core/log.c:1: core includes ../devices/pl011.h (devices): points up" in out


def test_arch_including_core_fails_and_layers_filter(tmp_path):
    files = {"arch/arm64/mmu.c": "#include <triad/panic.h>\n",
             "core/vm.c": "#include <triad/realm.h>\n"}
    rc, out = check(tmp_path, files)
    assert rc == 1 and "arch includes triad/panic.h (core)" in out and "realm.h" in out
    rc, out = check(tmp_path, files, "security")
    assert rc == 1 and "panic.h" not in out and "realm.h" in out
    assert check(tmp_path, files, "devices") == (0, "")


def test_unknown_header_is_reported(tmp_path):
    rc, out = check(tmp_path, {"core/x.c": "#include <triad/brand_new.h>\n"})
    assert rc == 1 and "no layer for it" in out
