#!/usr/bin/python3
"""Realm measurements as Arm RMM 1.0 defines them (A7.1): the Realm Initial Measurement
that REALM_CREATE starts and DATA_CREATE, REC_CREATE and RTT_INIT_RIPAS extend, and the
Realm Extensible Measurements. A verifier uses this to predict the RIM of a realm built
from known images and parameters; tests/unit/test_rmm_measurement.c checks Triad's RMM
(security/rmm/measurement.c) computes the same values."""
import hashlib
import struct

SHA256, SHA512 = 0, 1
MEASURE_MAX = 64
DATA_MEASURE_CONTENT = 1


def _h(algo, data):
    d = (hashlib.sha512 if algo == SHA512 else hashlib.sha256)(data).digest()
    return d.ljust(MEASURE_MAX, b"\0")


def _desc(rim, algo, dtype, fields):
    desc = bytearray(0x100)
    desc[0] = dtype
    desc[0x08:0x10] = struct.pack("<Q", 0x100)
    desc[0x10:0x50] = rim
    desc[0x50:0x50 + len(fields)] = fields
    return _h(algo, bytes(desc))


def rim_init(flags=0, s2sz=0, sve_vl=0, num_bps=0, num_wps=0, pmu_num_ctrs=0, hash_algo=SHA256):
    """RIM after REALM_CREATE: H(a zero 4 KiB RmiRealmParams with only the measured fields)."""
    p = bytearray(0x1000)
    p[0:8] = struct.pack("<Q", flags)
    for off, v in ((0x08, s2sz), (0x10, sve_vl), (0x18, num_bps), (0x20, num_wps),
                   (0x28, pmu_num_ctrs), (0x30, hash_algo)):
        p[off] = v
    return _h(hash_algo, bytes(p))


def rim_extend_data(rim, algo, ipa, flags, page=None):
    content = _h(algo, page) if flags == DATA_MEASURE_CONTENT and page is not None \
        else bytes(MEASURE_MAX)
    return _desc(rim, algo, 0, struct.pack("<QQ", ipa, flags) + content)


def rim_extend_rec(rim, algo, flags, pc, gprs):
    p = bytearray(0x1000)
    p[0:8] = struct.pack("<Q", flags)
    p[0x200:0x208] = struct.pack("<Q", pc)
    p[0x300:0x340] = struct.pack("<8Q", *gprs)
    return _desc(rim, algo, 1, _h(algo, bytes(p)))


def rim_extend_ripas(rim, algo, base, top):
    return _desc(rim, algo, 2, struct.pack("<QQ", base, top))


def rem_extend(rem, algo, value):
    n = 64 if algo == SHA512 else 32
    return _h(algo, rem[:n] + value[:MEASURE_MAX])
