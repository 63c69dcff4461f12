"""tools/ccatoken.py: the verifier's ECDSA P-384 against RFC 6979's vectors, and a CCA
token made here accepted, then rejected for each thing a verifier must catch."""
import hashlib
import os
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import ccatoken as c  # noqa: E402

# RFC 6979 A.2.6: P-384, SHA-384, message "sample".
D = 0x6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA9AA47740787137D896D5724E4C70A825F872C9EA60D2EDF5
R = "94EDBB92A5ECB8AAD4736E56C691916B3F88140666CE9FA73D64C4EA95AD133C81A648152E44ACF96E36DD1E80FABE46"
S = "99EF4AEB15F178CEA1FE40DB2603138F130E740A19624526203B6351D0A3A94FA329C145786E679E7B82C71A38628AC8"


def test_ecdsa_p384_rfc6979():
    q = c.public_point(D)
    assert hex(q[0]).upper().startswith("0XEC3A4E415B4E19A4568618029F427FA5")
    sig = c.sign(D, b"sample")
    assert sig.hex().upper() == R + S
    assert c.verify(q, b"sample", sig)
    assert not c.verify(q, b"samplf", sig)
    assert not c.verify(q, b"sample", sig[:-1] + bytes([sig[-1] ^ 1]))
    assert not c.verify(q, b"sample", bytes(96))


def test_cbor_round_trip_and_limits():
    v = {10: b"\x01" * 64, 265: "x", 44239: [b"", b"ab"], -35: c.Tag(18, [1, -1000000])}
    assert c.cbor_decode(c.cbor_encode(v)).keys() == v.keys()
    assert c.cbor_encode(1000000000000) == bytes.fromhex("1b000000e8d4a51000")
    assert c.cbor_encode(-1000) == bytes.fromhex("3903e7")
    for bad in (b"\x5f", b"\x42\x00", b"\xa1\x01", b"\x00\x00", b"\xf5",
                b"\xa2\x01\x01\x01\x02", b"\x81" * 40 + b"\x00"):
        with pytest.raises(ValueError):
            c.cbor_decode(bad)


CPAK, RAK = 0x1234567 * 0x9E3779B97F4A7C15, 0x7654321 * 0xC2B2AE3D27D4EB4F
CHALLENGE = bytes(range(64))
RIM = hashlib.sha256(b"realm").digest()


def make_token(rak=RAK, cpak=CPAK, bind=True, profile=c.REALM_PROFILE, rim=RIM, extra=None):
    rak_pub = c.encode_point(c.public_point(rak))
    platform = {c.PROFILE: c.PLATFORM_PROFILE,
                c.CHALLENGE: hashlib.sha256(rak_pub if bind else b"other").digest()}
    realm = {c.PROFILE: profile, c.CHALLENGE: CHALLENGE, c.RPV: bytes(64), c.RIM: rim,
             c.REM: [bytes(32)] * 4, c.HASH_ALGO: "sha-256", c.RAK: rak_pub,
             c.RAK_HASH_ALGO: "sha-256"}
    realm.update(extra or {})
    return c.cbor_encode(c.Tag(c.CCA_TOKEN, {
        c.PLATFORM: c.cose_sign1(cpak, c.cbor_encode(platform)),
        c.REALM: c.cose_sign1(RAK, c.cbor_encode(realm))}))


def test_a_good_token_verifies():
    realm, platform = c.verify_cca(make_token(), c.public_point(CPAK), CHALLENGE, RIM)
    assert realm[c.RIM] == RIM and platform[c.PROFILE] == c.PLATFORM_PROFILE


@pytest.mark.parametrize("token,why", [
    (make_token(cpak=CPAK + 1), "bad signature"),              # another platform key
    (make_token(rak=RAK + 1), "bad signature"),                # names a key that did not sign
    (make_token(bind=False), "does not bind"),
    (make_token(profile="tag:other"), "profile"),
    (make_token(rim=bytes(32)), "Initial Measurement"),
    (make_token(extra={c.REM: [bytes(32)] * 3}), "measurements"),
    (make_token(extra={c.CHALLENGE: bytes(63) + b"\x01"}), "challenge"),
])
def test_bad_tokens_are_rejected(token, why):
    with pytest.raises(ValueError, match=why):
        c.verify_cca(token, c.public_point(CPAK), CHALLENGE, RIM)


def test_a_flipped_bit_anywhere_is_rejected():
    token = make_token()
    cpak = c.public_point(CPAK)
    for i in range(0, len(token), 7):
        bad = token[:i] + bytes([token[i] ^ 0x10]) + token[i + 1:]
        with pytest.raises((ValueError, UnicodeDecodeError)):
            c.verify_cca(bad, cpak, CHALLENGE, RIM)
