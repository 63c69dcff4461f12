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
REALM_FLAG_SVE = 1 << 1  # RmiRealmFlags.sve (sve_vl: ZCR_ELx.LEN, (vl + 1) * 16 bytes)


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


# ---- Triad's Linux realms (security/rmi/realm_vm.c, core/vm.c) ----
RAM_IPA = 0x40000000
SZ_2M = 0x200000
PAGE = 0x1000


def _pages(rim, algo, ipa, data):
    """DATA_CREATE, measured, of each page holding data at ipa (the rest of a page zero)."""
    first = ipa & ~(PAGE - 1)
    buf = bytes(ipa - first) + data
    buf += bytes(-len(buf) % PAGE)
    for off in range(0, len(buf), PAGE):
        rim = rim_extend_data(rim, algo, first + off, DATA_MEASURE_CONTENT, buf[off:off + PAGE])
    return rim


def linux_realm_rim(kernel, dtb, initrd, ram_size, sve_vl=0):
    """The RIM of a Linux realm as Triad builds it: 40-bit IPA, SHA-256; RIPAS RAM over
    its RAM in 2 MiB steps; the kernel at RAM + text_offset, the DTB at the next 2 MiB
    boundary after the kernel's image_size, the initrd 2 MiB after that; one runnable REC
    at the kernel's entry with x0 = the DTB."""
    text_offset, image_size = struct.unpack_from("<QQ", kernel, 8)
    if image_size == 0:
        text_offset, image_size = 0x80000, len(kernel)
    kernel_ipa = RAM_IPA + text_offset
    dtb_ipa = RAM_IPA + ((text_offset + max(image_size, len(kernel)) + SZ_2M - 1) & ~(SZ_2M - 1))
    rim = rim_init(flags=REALM_FLAG_SVE if sve_vl else 0, s2sz=40,
                   sve_vl=sve_vl // 16 - 1 if sve_vl else 0, num_bps=1, num_wps=1,
                   hash_algo=SHA256)
    for ipa in range(RAM_IPA, RAM_IPA + ram_size, SZ_2M):
        rim = rim_extend_ripas(rim, SHA256, ipa, ipa + SZ_2M)
    rim = _pages(rim, SHA256, kernel_ipa, kernel)
    rim = _pages(rim, SHA256, dtb_ipa, dtb)
    if initrd:
        rim = _pages(rim, SHA256, dtb_ipa + SZ_2M, initrd)
    return rim_extend_rec(rim, SHA256, 1, kernel_ipa, [dtb_ipa] + [0] * 7)


def main():
    import argparse
    ap = argparse.ArgumentParser(description="The RIM of a Linux realm as Triad builds it.")
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--dtb", required=True, help="the DTB the realm booted with "
                    "(its /sys/firmware/fdt)")
    ap.add_argument("--initrd")
    ap.add_argument("--mem", required=True, help="its RAM, e.g. 256M")
    ap.add_argument("--sve-vl", type=int, default=0,
                    help="its SVE vector length in bytes (triad-run's --sve-vl), 0: none")
    a = ap.parse_args()
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    mem = int(a.mem[:-1]) * units[a.mem[-1].upper()] if a.mem[-1].upper() in units \
        else int(a.mem)

    def read(path):
        with open(path, "rb") as f:
            return f.read()
    rim = linux_realm_rim(read(a.kernel), read(a.dtb), read(a.initrd) if a.initrd else b"", mem,
                          a.sve_vl)
    print(rim[:32].hex())


if __name__ == "__main__":
    main()
