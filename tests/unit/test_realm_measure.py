"""tools/realm_measure.py (the verifier's side of realm measurements) computes the values
tests/unit/test_rmm_measurement.c expects of Triad's RMM: both are checked against the same
constants, taken from that C file."""
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import realm_measure as m  # noqa: E402


def expected_from_c():
    src = open(os.path.join(ROOT, "tests", "unit", "test_rmm_measurement.c")).read()
    body = src[src.index("expected[2][6]"):src.index("};")]
    groups = body.split("},")
    out = []
    for g in groups[:2]:
        # Adjacent string literals are one value.
        vals = re.findall(r'((?:"[0-9a-f]+"\s*)+),?', g)
        out.append(["".join(re.findall(r"[0-9a-f]{2,}", v)) for v in vals])
    return out


def test_python_and_rmm_agree():
    want = expected_from_c()
    page = bytes((i * 7 + 3) & 0xff for i in range(4096))
    for algo in (m.SHA256, m.SHA512):
        n = 32 if algo == m.SHA256 else 64
        rim = m.rim_init(s2sz=40, hash_algo=algo)
        got = [rim]
        rim = m.rim_extend_ripas(rim, algo, 0x80000000, 0x80200000)
        got.append(rim)
        rim = m.rim_extend_data(rim, algo, 0x80000000, m.DATA_MEASURE_CONTENT, page)
        got.append(rim)
        rim = m.rim_extend_data(rim, algo, 0x80001000, 0, page)
        got.append(rim)
        rim = m.rim_extend_rec(rim, algo, 1, 0x80080000, [0x88000000] + [0] * 7)
        got.append(rim)
        got.append(m.rem_extend(bytes(64), algo, b"triad"))
        assert [g[:n].hex() for g in got] == want[algo]
        assert all(g[n:] == bytes(64 - n) for g in got)
