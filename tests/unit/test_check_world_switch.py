"""tools/check-world-switch: the tree as it is passes; a register dropped from
docs/world-switch.md's table, or one the monitor switches that the pattern test does not
check, fails by name."""
import os
import shutil
import subprocess

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOOL = os.path.join(ROOT, "tools", "check-world-switch")
FILES = ["docs/world-switch.md", "monitor/monitor.h", "tests/guests/fwtest/wswitch.h"]


def tree(tmp_path):
    for name in FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(os.path.join(ROOT, name), tmp_path / name)
    return tmp_path


def check(root):
    env = dict(os.environ, CHECK_WS_ROOT=str(root))
    r = subprocess.run([TOOL], env=env, capture_output=True, text=True)
    return r.returncode, r.stdout


def edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_the_tree_passes(tmp_path):
    assert check(tree(tmp_path)) == (0, "")


def test_a_register_missing_from_the_table_fails(tmp_path):
    root = tree(tmp_path)
    edit(root / "docs/world-switch.md", "`tpidr_el1`, ", "")
    rc, out = check(root)
    assert rc == 1 and "MON_EL1_REGS lacks `tpidr_el1`" in out, out


def test_a_register_the_pattern_test_leaves_out_fails(tmp_path):
    root = tree(tmp_path)
    edit(root / "monitor/monitor.h", "X(sp_el1, sp_el1)", "X(sp_el1, sp_el1) X(accdata_el1, s3_0_c13_c0_5)")
    edit(root / "docs/world-switch.md", "`sp_el1`, ", "`sp_el1`, `accdata_el1`, ")
    rc, out = check(root)
    assert rc == 1 and "does not check s3_0_c13_c0_5" in out, out
