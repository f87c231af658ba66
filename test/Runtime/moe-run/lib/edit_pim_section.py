#!/usr/bin/python3
"""Damages the PIM section of a .moeb artifact, keeping the artifact valid.

    edit_pim_section.py IN OUT (--flip N | --truncate N | --version V
                                | --cut-run)

The artifact's own checksum is recomputed, so only the PIM section's checks
(its checksum, version, bounds) can catch the damage:
  --flip N      flips the bits of section byte N (its CRC then mismatches)
  --truncate N  drops the last N bytes of the section
  --version V   writes version V into the section header and recomputes the
                section's CRC (a newer format)
  --cut-run     drops the section's last 12 bytes of content (the end of the
                last weight run) and recomputes its CRC, so only the bounds
                checks can see it
Prints the section's size before and after.
"""

import argparse
import struct
import sys
import zlib

MAGIC = b"MOEBART\x1a"


def read_artifact(data):
    assert data[:8] == MAGIC, "not an artifact"
    version, flags, length, count = struct.unpack_from("<IIQI", data, 8)
    at = 8 + 4 + 4 + 8 + 4
    sections = []
    for _ in range(count):
        kind, name_len = struct.unpack_from("<II", data, at)
        at += 8
        name = data[at:at + name_len].decode()
        at += name_len
        (size,) = struct.unpack_from("<Q", data, at)
        at += 8
        sections.append([kind, name, bytearray(data[at:at + size])])
        at += size
    return version, flags, sections


def write_artifact(version, flags, sections):
    body = bytearray(MAGIC)
    body += struct.pack("<IIQI", version, flags, 0, len(sections))
    for kind, name, payload in sections:
        body += struct.pack("<II", kind, len(name)) + name.encode()
        body += struct.pack("<Q", len(payload)) + payload
    struct.pack_into("<Q", body, 16, len(body) + 4)
    body += struct.pack("<I", zlib.crc32(bytes(body)) & 0xFFFFFFFF)
    return bytes(body)


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("input")
    p.add_argument("output")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--flip", type=int)
    g.add_argument("--truncate", type=int)
    g.add_argument("--version", type=int)
    g.add_argument("--cut-run", action="store_true")
    a = p.parse_args(argv)
    with open(a.input, "rb") as f:
        version, flags, sections = read_artifact(f.read())
    pim = [s for s in sections if s[1] == "pim"]
    if not pim:
        sys.exit("the artifact has no PIM section")
    payload = pim[0][2]
    before = len(payload)

    def reseal(content):
        return content + struct.pack("<I", zlib.crc32(bytes(content))
                                     & 0xFFFFFFFF)

    if a.flip is not None:
        payload[a.flip] ^= 0xFF
    elif a.truncate is not None:
        del payload[len(payload) - a.truncate:]
    elif a.version is not None:
        content = payload[:-4]
        struct.pack_into("<I", content, 8, a.version)
        payload[:] = reseal(content)
    else:
        payload[:] = reseal(payload[:-4 - 12])
    with open(a.output, "wb") as f:
        f.write(write_artifact(version, flags, sections))
    print("PIM section: %d -> %d bytes" % (before, len(payload)))


if __name__ == "__main__":
    main(sys.argv[1:])
