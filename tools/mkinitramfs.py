#!/usr/bin/python3
"""Builds a gzip'd newc cpio initramfs: busybox, /init and optional extra files.

No root needed (device nodes are written into the archive directly), and the output is
deterministic (fixed inode numbers and mtimes).
"""
import argparse
import gzip
import lzma
import os
import sys

INIT = os.path.join(os.path.dirname(__file__), "..", "tests", "guests", "initramfs", "init")


class Cpio:
    def __init__(self):
        self.data = bytearray()
        self.ino = 1

    def add(self, name, mode, body=b"", rdev=(0, 0)):
        name_b = name.encode() + b"\0"
        fields = [self.ino, mode, 0, 0, 1, 0, len(body), 0, 0, rdev[0], rdev[1], len(name_b), 0]
        self.ino += 1
        head = b"070701" + b"".join(b"%08x" % v for v in fields) + name_b
        self.data += head + b"\0" * (-len(head) % 4) + body + b"\0" * (-len(body) % 4)

    def finish(self):
        self.add("TRAILER!!!", 0)
        return bytes(self.data)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--busybox", required=True, help="static arm64 busybox binary")
    ap.add_argument("--init", default=INIT, help="the /init script")
    ap.add_argument("--add", action="append", default=[], metavar="SRC:DEST",
                    help="extra file (repeatable)")
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()

    c = Cpio()
    dirs = ["bin", "dev", "etc", "proc", "root", "sbin", "sys", "tmp", "usr", "usr/bin"]
    for d in dirs:
        c.add(d, 0o40755)
    c.add("dev/console", 0o20600, rdev=(5, 1))
    try:
        c.add("bin/busybox", 0o100755, open(args.busybox, "rb").read())
        c.add("init", 0o100755, open(args.init, "rb").read())
        for spec in args.add:
            src, _, dest = spec.partition(":")
            if not dest:
                sys.exit(f"mkinitramfs: --add wants SRC:DEST, got {spec!r}")
            dest = dest.lstrip("/")
            # The kernel's unpacker needs each parent directory before what it holds.
            parts = dest.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                d = "/".join(parts[:i])
                if d not in dirs:
                    dirs.append(d)
                    c.add(d, 0o40755)
            # Debian's kernel modules come xz-compressed; busybox insmod wants them plain.
            body = lzma.open(src).read() if src.endswith(".xz") else open(src, "rb").read()
            c.add(dest, 0o100755, body)
    except (OSError, lzma.LZMAError) as e:
        sys.exit(f"mkinitramfs: {e}")
    with open(args.output, "wb") as f:
        f.write(gzip.compress(c.finish(), mtime=0))


if __name__ == "__main__":
    main()
