#!/usr/bin/python3
"""Arm CCA attestation tokens: the development keys, the platform token, and a verifier.

  ccatoken.py make-platform --out DIR --component NAME=FILE ...
      Makes (once) the development Platform Attestation Key (CPAK) and Realm Attestation
      Key (RAK), both ECDSA P-384, and writes the platform token binding the RAK (its
      challenge is the SHA-256 of the RAK's public key), with each component's SHA-256.
      DIR gets rak.bin (the RAK's private scalar, for the EL3 monitor), rak_hash.bin,
      cpak_pub.bin (for verifiers) and platform_token.cbor. For development only: the
      private keys sit in the build directory.

  ccatoken.py verify TOKEN --cpak DIR/cpak_pub.bin [--challenge HEX] [--rim HEX]
      Checks a CCA token (CBOR tag 399): the realm token's COSE_Sign1 (ES384) by the RAK it
      names, the platform token's by the CPAK, that the platform token binds that RAK, and
      optionally the challenge and the Realm Initial Measurement. Prints the claims as JSON;
      exits 1 with the reason on the first failure.

Only the standard library: the P-384 arithmetic and CBOR here are small and plain.
"""
import argparse
import hashlib
import hmac
import json
import os
import sys

# ---- P-384 (FIPS 186-4, D.1.2.4) ----
P = 2**384 - 2**128 - 2**96 + 2**32 - 1
A = P - 3
B = 0xB3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875AC656398D8A2ED19D2A85C8EDD3EC2AEF
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973
G = (0xAA87CA22BE8B05378EB1C71EF320AD746E1D3B628BA79B9859F741E082542A385502F25DBF55296C3A545E3872760AB7,
     0x3617DE4A96262C6F5D9E98BF9292DC29F8F41DBD289A147CE9DA3113B5F0B8C00A60B1CE1D7E819D7A431D7C90EA0E5F)


def _add(p, q):
    if p is None:
        return q
    if q is None:
        return p
    if p[0] == q[0]:
        if (p[1] + q[1]) % P == 0:
            return None
        lam = (3 * p[0] * p[0] + A) * pow(2 * p[1], -1, P) % P
    else:
        lam = (q[1] - p[1]) * pow(q[0] - p[0], -1, P) % P
    x = (lam * lam - p[0] - q[0]) % P
    return (x, (lam * (p[0] - x) - p[1]) % P)


def _mul(k, p):
    r = None
    while k:
        if k & 1:
            r = _add(r, p)
        p = _add(p, p)
        k >>= 1
    return r


def on_curve(q):
    x, y = q
    return 0 <= x < P and 0 <= y < P and (y * y - x * x * x - A * x - B) % P == 0


def public_point(d):
    return _mul(d, G)


def encode_point(q):
    return b"\x04" + q[0].to_bytes(48, "big") + q[1].to_bytes(48, "big")


def decode_point(b):
    if len(b) != 97 or b[0] != 4:
        raise ValueError("not an uncompressed P-384 point")
    q = (int.from_bytes(b[1:49], "big"), int.from_bytes(b[49:], "big"))
    if not on_curve(q):
        raise ValueError("point not on P-384")
    return q


def sign(d, message):
    """ECDSA with SHA-384; the nonce from RFC 6979 (deterministic)."""
    h = hashlib.sha384(message).digest()
    e = int.from_bytes(h, "big") % N
    # RFC 6979 3.2 with HMAC-SHA-384 (qlen = hlen = 384).
    x = d.to_bytes(48, "big")
    h1 = (int.from_bytes(h, "big") % N).to_bytes(48, "big")
    v, k = b"\x01" * 48, b"\x00" * 48
    k = hmac.new(k, v + b"\x00" + x + h1, "sha384").digest()
    v = hmac.new(k, v, "sha384").digest()
    k = hmac.new(k, v + b"\x01" + x + h1, "sha384").digest()
    v = hmac.new(k, v, "sha384").digest()
    while True:
        v = hmac.new(k, v, "sha384").digest()
        nonce = int.from_bytes(v, "big")
        if 1 <= nonce < N:
            r = _mul(nonce, G)[0] % N
            s = pow(nonce, -1, N) * (e + r * d) % N
            if r and s:
                return r.to_bytes(48, "big") + s.to_bytes(48, "big")
        k = hmac.new(k, v + b"\x00", "sha384").digest()
        v = hmac.new(k, v, "sha384").digest()


def verify(q, message, sig):
    if len(sig) != 96:
        return False
    r, s = int.from_bytes(sig[:48], "big"), int.from_bytes(sig[48:], "big")
    if not (1 <= r < N and 1 <= s < N):
        return False
    e = int.from_bytes(hashlib.sha384(message).digest(), "big") % N
    w = pow(s, -1, N)
    pt = _add(_mul(e * w % N, G), _mul(r * w % N, q))
    return pt is not None and pt[0] % N == r


# ---- CBOR (RFC 8949): the subset tokens use ----
class Tag:
    def __init__(self, tag, value):
        self.tag, self.value = tag, value


def _head(major, n):
    if n < 24:
        return bytes([major << 5 | n])
    for ai, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | ai]) + n.to_bytes(size, "big")
    raise ValueError("CBOR argument too large")


def cbor_encode(v):
    if isinstance(v, bool) or v is None:
        raise TypeError("not used in tokens")
    if isinstance(v, int):
        return _head(0, v) if v >= 0 else _head(1, -1 - v)
    if isinstance(v, bytes):
        return _head(2, len(v)) + v
    if isinstance(v, str):
        b = v.encode()
        return _head(3, len(b)) + b
    if isinstance(v, list):
        return _head(4, len(v)) + b"".join(cbor_encode(x) for x in v)
    if isinstance(v, dict):
        return _head(5, len(v)) + b"".join(cbor_encode(k) + cbor_encode(x) for k, x in v.items())
    if isinstance(v, Tag):
        return _head(6, v.tag) + cbor_encode(v.value)
    raise TypeError(type(v))


def cbor_decode(b):
    """The one item b holds (and nothing after it)."""
    v, end = _decode(b, 0, 0)
    if end != len(b):
        raise ValueError("bytes after the CBOR item")
    return v


def _decode(b, i, depth):
    if depth > 16:
        raise ValueError("CBOR nested too deep")
    if i >= len(b):
        raise ValueError("CBOR truncated")
    major, ai = b[i] >> 5, b[i] & 31
    i += 1
    if ai < 24:
        n = ai
    elif ai <= 27:
        size = 1 << (ai - 24)
        if i + size > len(b):
            raise ValueError("CBOR truncated")
        n, i = int.from_bytes(b[i:i + size], "big"), i + size
    else:
        raise ValueError("indefinite or reserved CBOR item")
    if major == 0:
        return n, i
    if major == 1:
        return -1 - n, i
    if major in (2, 3):
        if i + n > len(b):
            raise ValueError("CBOR string truncated")
        s = bytes(b[i:i + n])
        return (s if major == 2 else s.decode()), i + n
    if major == 4:
        out = []
        for _ in range(n):
            x, i = _decode(b, i, depth + 1)
            out.append(x)
        return out, i
    if major == 5:
        out = {}
        for _ in range(n):
            k, i = _decode(b, i, depth + 1)
            if not isinstance(k, (int, str)):
                raise ValueError("CBOR map key is not an integer or a string")
            x, i = _decode(b, i, depth + 1)
            if k in out:
                raise ValueError("duplicate CBOR map key")
            out[k] = x
        return out, i
    if major == 6:
        x, i = _decode(b, i, depth + 1)
        return Tag(n, x), i
    raise ValueError("CBOR simple values are not used in tokens")


# ---- COSE_Sign1 (RFC 9052) with ES384 ----
PROTECTED_ES384 = cbor_encode({1: -35})


def cose_sign1(d, payload):
    to_sign = cbor_encode(["Signature1", PROTECTED_ES384, b"", payload])
    return cbor_encode(Tag(18, [PROTECTED_ES384, {}, payload, sign(d, to_sign)]))


def cose_verify(q, token):
    """The payload of a COSE_Sign1 signed with ES384 by q; ValueError if it is not."""
    t = cbor_decode(token)
    if not isinstance(t, Tag) or t.tag != 18 or not isinstance(t.value, list) or len(t.value) != 4:
        raise ValueError("not a COSE_Sign1")
    protected, _, payload, sig = t.value
    if not isinstance(protected, bytes) or cbor_decode(protected) != {1: -35}:
        raise ValueError("not signed with ES384")
    if not isinstance(payload, bytes) or not isinstance(sig, bytes):
        raise ValueError("malformed COSE_Sign1")
    if not verify(q, cbor_encode(["Signature1", protected, b"", payload]), sig):
        raise ValueError("bad signature")
    claims = cbor_decode(payload)
    if not isinstance(claims, dict):
        raise ValueError("claims are not a map")
    return claims


# ---- the CCA token ----
CCA_TOKEN, PLATFORM, REALM = 399, 44234, 44241
CHALLENGE, PROFILE = 10, 265
RPV, HASH_ALGO, RAK, RAK_HASH_ALGO, RIM, REM = 44235, 44236, 44237, 44240, 44238, 44239
PLATFORM_PROFILE = "tag:arm.com,2023:cca_platform#1.0.0"
REALM_PROFILE = "tag:arm.com,2023:realm#1.0.0"


def _cose_payload_unverified(token):
    t = cbor_decode(token)
    if not isinstance(t, Tag) or t.tag != 18 or not isinstance(t.value, list) or len(t.value) != 4 \
            or not isinstance(t.value[2], bytes):
        raise ValueError("not a COSE_Sign1")
    claims = cbor_decode(t.value[2])
    if not isinstance(claims, dict):
        raise ValueError("claims are not a map")
    return claims


def _bstr(v, size):
    return isinstance(v, bytes) and len(v) == size


def verify_cca(token, cpak, challenge=None, rim=None):
    """The realm and platform claims of a verified CCA token (ValueError if it is not)."""
    t = cbor_decode(token)
    if not isinstance(t, Tag) or t.tag != CCA_TOKEN or not isinstance(t.value, dict):
        raise ValueError("not a CCA token (tag 399)")
    if set(t.value) != {PLATFORM, REALM} or not all(isinstance(x, bytes) for x in t.value.values()):
        raise ValueError("a CCA token holds a platform and a realm token")
    realm_claims = _cose_payload_unverified(t.value[REALM])
    rak_bytes = realm_claims.get(RAK)
    if not isinstance(rak_bytes, bytes):
        raise ValueError("no realm public key")
    rak = decode_point(rak_bytes)
    realm_claims = cose_verify(rak, t.value[REALM])
    platform_claims = cose_verify(cpak, t.value[PLATFORM])
    if realm_claims.get(PROFILE) != REALM_PROFILE:
        raise ValueError("realm token profile")
    if platform_claims.get(PROFILE) != PLATFORM_PROFILE:
        raise ValueError("platform token profile")
    if realm_claims.get(RAK_HASH_ALGO) != "sha-256":
        raise ValueError("realm public key hash algorithm")
    if platform_claims.get(CHALLENGE) != hashlib.sha256(rak_bytes).digest():
        raise ValueError("the platform token does not bind this realm attestation key")
    algo = realm_claims.get(HASH_ALGO)
    size = {"sha-256": 32, "sha-512": 64}.get(algo) if isinstance(algo, str) else None
    rems = realm_claims.get(REM)
    if size is None or not _bstr(realm_claims.get(RIM), size) or not isinstance(rems, list) \
            or len(rems) != 4 or not all(_bstr(x, size) for x in rems):
        raise ValueError("realm measurements")
    if not _bstr(realm_claims.get(CHALLENGE), 64) or not _bstr(realm_claims.get(RPV), 64):
        raise ValueError("challenge and personalization value are 64 bytes")
    if challenge is not None and realm_claims[CHALLENGE] != challenge.ljust(64, b"\0"):
        raise ValueError("challenge differs from the one given")
    if rim is not None and realm_claims[RIM] != rim[:size]:
        raise ValueError("Realm Initial Measurement differs from the expected one")
    return realm_claims, platform_claims


def make_platform(out, components):
    os.makedirs(out, exist_ok=True)
    keys = {}
    for name in ("cpak", "rak"):
        path = os.path.join(out, name + ".bin")
        if not os.path.exists(path):
            d = int.from_bytes(os.urandom(64), "big") % (N - 1) + 1
            with open(path + ".tmp", "wb") as f:
                f.write(d.to_bytes(48, "big"))
            os.replace(path + ".tmp", path)
        with open(path, "rb") as f:
            keys[name] = int.from_bytes(f.read(), "big")
        if not 1 <= keys[name] < N:
            raise SystemExit(f"{path}: not a P-384 private key")
    rak_pub = encode_point(public_point(keys["rak"]))
    cpak_pub = encode_point(public_point(keys["cpak"]))
    rak_hash = hashlib.sha256(rak_pub).digest()
    software = []
    for spec in components:
        name, _, path = spec.partition("=")
        with open(path, "rb") as f:
            software.append({1: name, 2: hashlib.sha256(f.read()).digest(), 5: bytes(32), 6: "sha-256"})
    claims = {
        PROFILE: PLATFORM_PROFILE,
        CHALLENGE: rak_hash,
        2396: hashlib.sha256(b"Triad on QEMU virt").digest(),   # implementation ID
        256: b"\x01" + hashlib.sha256(cpak_pub).digest(),       # instance ID (a UEID)
        2401: b"\x00",                                          # platform configuration
        2395: 0x3000,                                           # lifecycle: secured
        2402: "sha-256",
        2399: software,
    }
    files = {"rak_hash.bin": rak_hash, "cpak_pub.bin": cpak_pub,
             "platform_token.cbor": cose_sign1(keys["cpak"], cbor_encode(claims))}
    for name, data in files.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


def _jsonable(v):
    if isinstance(v, bytes):
        return v.hex()
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    return v


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    mk = sub.add_parser("make-platform")
    mk.add_argument("--out", required=True)
    mk.add_argument("--component", action="append", default=[])
    vf = sub.add_parser("verify")
    vf.add_argument("token")
    vf.add_argument("--cpak", required=True)
    vf.add_argument("--challenge")
    vf.add_argument("--rim")
    a = ap.parse_args()
    if a.cmd == "make-platform":
        make_platform(a.out, a.component)
        return 0
    with open(a.token, "rb") as f:
        token = f.read()
    with open(a.cpak, "rb") as f:
        cpak = decode_point(f.read())
    try:
        realm, platform = verify_cca(token, cpak,
                                     bytes.fromhex(a.challenge) if a.challenge else None,
                                     bytes.fromhex(a.rim) if a.rim else None)
    except (ValueError, UnicodeDecodeError) as e:
        print(f"ccatoken: token rejected: {e}", file=sys.stderr)
        return 1
    print(json.dumps({"realm": _jsonable(realm), "platform": _jsonable(platform)}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
