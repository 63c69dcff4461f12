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
    ap.add_argument("--tree", action="append", default=[], metavar="SRC:DEST",
                    help="a whole directory: its files, directories and symlinks (repeatable)")
    ap.add_argument("--exclude", action="append", default=[], metavar="NAME",
                    help="a file or directory name --tree leaves out (repeatable)")
    ap.add_argument("--symlink", action="append", default=[], metavar="TARGET:LINK",
                    help="a symbolic link LINK -> TARGET (repeatable)")
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()

    c = Cpio()
    dirs = ["bin", "dev", "etc", "proc", "root", "sbin", "sys", "tmp", "usr", "usr/bin"]
    for d in dirs:
        c.add(d, 0o40755)
    c.add("dev/console", 0o20600, rdev=(5, 1))

    def parents(dest):
        # The kernel's unpacker needs each parent directory before what it holds.
        parts = dest.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if d not in dirs:
                dirs.append(d)
                c.add(d, 0o40755)

    def split(spec, option):
        a, _, b = spec.partition(":")
        if not a or not b:
            sys.exit(f"mkinitramfs: {option} wants two paths separated by ':', got {spec!r}")
        return a, b.lstrip("/")

    try:
        c.add("bin/busybox", 0o100755, open(args.busybox, "rb").read())
        c.add("init", 0o100755, open(args.init, "rb").read())
        for spec in args.add:
            src, dest = split(spec, "--add")
            parents(dest)
            # Debian's kernel modules come xz-compressed; busybox insmod wants them plain.
            body = lzma.open(src).read() if src.endswith(".xz") else open(src, "rb").read()
            c.add(dest, 0o100755, body)
        for spec in args.tree:
            src, dest = split(spec, "--tree")
            if not os.path.isdir(src):
                sys.exit(f"mkinitramfs: --tree: {src} is not a directory")
            parents(dest + "/")
            for top, subdirs, files in os.walk(src):
                subdirs[:] = sorted(d for d in subdirs if d not in args.exclude)
                rel = os.path.relpath(top, src)
                here = dest if rel == "." else f"{dest}/{rel}"
                for name in subdirs:
                    path = os.path.join(top, name)
                    if os.path.islink(path):  # os.walk lists links to directories here
                        c.add(f"{here}/{name}", 0o120777, os.readlink(path).encode())
                    elif f"{here}/{name}" not in dirs:
                        dirs.append(f"{here}/{name}")
                        c.add(f"{here}/{name}", 0o40755)
                for name in sorted(f for f in files if f not in args.exclude):
                    path = os.path.join(top, name)
                    if os.path.islink(path):
                        c.add(f"{here}/{name}", 0o120777, os.readlink(path).encode())
                    else:
                        mode = 0o100755 if os.access(path, os.X_OK) else 0o100644
                        c.add(f"{here}/{name}", mode, open(path, "rb").read())
        for spec in args.symlink:
            target, link = split(spec, "--symlink")
            parents(link)
            c.add(link, 0o120777, target.encode())
    except (OSError, lzma.LZMAError) as e:
        sys.exit(f"mkinitramfs: {e}")
    with open(args.output, "wb") as f:
        f.write(gzip.compress(c.finish(), mtime=0))


if __name__ == "__main__":
    main()
