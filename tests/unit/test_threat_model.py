"""docs/threat-model.md stays true: every `file:function` it names as a mitigation is a
function defined or declared in that file, and every test it names exists (an integration
test as a `def`, a cmocka case as a function of its file, a fuzzer as a file)."""
import os
import re

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DOC = os.path.join(ROOT, "docs", "threat-model.md")

DIRS = r"(?:arch|core|devices|drivers|irq|mm|monitor|security|include|lib|plat|tools)"
CODE_REF = re.compile(r"`(%s/[\w./-]+\.(?:c|S|h)):(\w+)`" % DIRS)
PYTEST_REF = re.compile(r"`(test_\w+\.py)::(\w+)`")
CMOCKA_REF = re.compile(r"`(test_\w+\.c):(\w+)`")
FUZZ_REF = re.compile(r"`(fuzz_\w+\.c)`")
FILE_REF = re.compile(r"`(%s/[\w./-]+)`" % DIRS)


def doc():
    with open(DOC) as f:
        return f.read()


def text_of(path):
    with open(os.path.join(ROOT, path)) as f:
        return f.read()


def defines(source, name):
    """A C function's definition or declaration (name followed by its parameter list), or a
    label in assembly."""
    return re.search(r"\b%s\s*\(" % re.escape(name), source) or \
        re.search(r"^%s:" % re.escape(name), source, re.M)


def missing_refs(text):
    missing = []
    for path, fn in CODE_REF.findall(text):
        if not os.path.isfile(os.path.join(ROOT, path)):
            missing.append(path)
        elif not defines(text_of(path), fn):
            missing.append("%s:%s" % (path, fn))
    for path, fn in PYTEST_REF.findall(text):
        full = os.path.join("tests", "integration", path)
        if not os.path.isfile(os.path.join(ROOT, full)) or \
                not re.search(r"^def %s\(" % fn, text_of(full), re.M):
            missing.append("%s::%s" % (path, fn))
    for path, fn in CMOCKA_REF.findall(text):
        full = os.path.join("tests", "unit", path)
        if not os.path.isfile(os.path.join(ROOT, full)) or not defines(text_of(full), fn):
            missing.append("%s:%s" % (path, fn))
    for path in FUZZ_REF.findall(text):
        if not os.path.isfile(os.path.join(ROOT, "tests", "fuzz", path)):
            missing.append(path)
    # A row marked *planned* names files that are still being written.
    built = "\n".join(line for line in text.split("\n") if "*planned*" not in line)
    for path in FILE_REF.findall(built):
        if "*" not in path and not os.path.exists(os.path.join(ROOT, path)):
            missing.append(path)
    return missing


def test_every_named_function_and_test_exists():
    assert missing_refs(doc()) == []


def test_a_wrong_name_is_found():
    bad = "`core/trap.c:no_such_handler` `test_badguest.py::test_gone` " \
          "`test_virtq.c:no_such_case` `fuzz_nothing.c` `core/no_such_file.c:f`"
    assert sorted(missing_refs(bad)) == sorted([
        "core/trap.c:no_such_handler", "core/no_such_file.c", "test_badguest.py::test_gone",
        "test_virtq.c:no_such_case", "fuzz_nothing.c"])


def test_every_interface_of_the_brief_has_a_row():
    text = doc()
    for interface in ("Traps", "Hypercalls", "Device rings", "OP-TEE messages", "FF-A",
                      "RMI from the host", "RSI from a realm", "SMCs from the normal world",
                      "SMCs from the secure world", "SMCs from the realm world",
                      "Management API", "Config files", "Snapshot files", "DMA"):
        assert re.search(r"^\| %s" % re.escape(interface), text, re.M), interface
