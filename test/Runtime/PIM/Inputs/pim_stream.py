"""Writes small PIM command streams for the pim-sim lit tests.

An independent writer of the container in docs/PIM.md (struct + zlib here,
C++ in runtime/PIM), and a numpy reference of the documented numerics, so
the tests check the format and the arithmetic against the docs rather than
against the implementation.

  pim_stream.py gemv OUTDIR      stream.pimc, device.json, x.npy, expected.npy
  pim_stream.py truncate IN OUT N
  pim_stream.py flip IN OUT OFFSET
  pim_stream.py version IN OUT V
  pim_stream.py compare A.npy B.npy   bit-exact equality
"""

import json
import os
import struct
import sys
import zlib

import numpy as np

MAGIC = b"MOEPIMC\x1a"
ALL = 0xFFFF
WRGB, ACTAB, ACT, MACAB, PREAB, PRE, SETACC, AF, ACCMUL, MVGB, RDACC, BARRIER = range(12)
INPUT, OUTPUT, CONSTANT, SCRATCH = range(4)

# 4 channels x 4 banks; rows of 64 B = 32 bf16 = 4 bursts of 8.
GEOMETRY = dict(channels=4, banks=4, rows=8, row_bytes=64, burst=16, gb=128,
                accs=2)
INPUT_SIZE = 64   # two DRAM rows per output row
SLOTS = 2


def string(text):
    data = text.encode()
    return struct.pack("<I", len(data)) + data


def command(op, channel=ALL, bank=0, row=0, column=0, gb=0, nbytes=0,
            host=0, stride=0, acc=0, acc2=0, flags=0, function=0, mode=0,
            p0=0.0, p1=0.0):
    return struct.pack("<6B3H5IQ2f", op, acc, acc2, flags, function, mode,
                       channel, bank, 0, row, column, gb, nbytes, stride,
                       host, p0, p1)


def region(name, kind, offset, nbytes, init=b""):
    return (string(name) + struct.pack("<B3x", kind) +
            struct.pack("<QQQ", offset, nbytes, len(init)) + init)


def container(device, programs, segments, version=1):
    g = GEOMETRY
    body = struct.pack("<7I", g["channels"], g["banks"], g["rows"],
                       g["row_bytes"], g["burst"], g["gb"], g["accs"])
    body += struct.pack("<B3x", 0) + string(device)
    body += struct.pack("<I", len(programs)) + b"".join(programs)
    body += struct.pack("<I", len(segments)) + b"".join(segments)
    total = 8 + 4 + 4 + 8 + len(body) + 4
    data = MAGIC + struct.pack("<IIQ", version, 0, total) + body
    return data + struct.pack("<I", zlib.crc32(data) & 0xFFFFFFFF)


def bf16(values):
    """Round fp32 to bf16 (nearest, ties to even) and back to fp32."""
    bits = np.asarray(values, dtype=np.float32).view(np.uint32)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return bits.astype(np.uint32).view(np.float32)


def gemv(outdir):
    g = GEOMETRY
    rng = np.random.default_rng(5)
    outputs = g["channels"] * g["banks"]
    w = bf16(rng.uniform(-1, 1, (outputs, INPUT_SIZE)).astype(np.float32))
    bias = rng.uniform(-1, 1, outputs).astype(np.float32)
    x = rng.uniform(-2, 2, (3, INPUT_SIZE)).astype(np.float32)

    # Arena: input (slots x 64 bf16), output (slots x 16 fp32), bias.
    in_bytes = SLOTS * INPUT_SIZE * 2
    out_bytes = SLOTS * outputs * 4
    arena = in_bytes + out_bytes + outputs * 4
    cmds = []
    for slot in range(SLOTS):
        cmds.append(command(SETACC, host=in_bytes + out_bytes, stride=16))
        cmds.append(command(WRGB, gb=0, nbytes=128, host=slot * 128))
        for row in range(2):
            cmds.append(command(ACTAB, row=row))
            for column in range(4):
                cmds.append(command(MACAB, column=column,
                                    gb=row * 64 + column * 16))
            cmds.append(command(PREAB))
        cmds.append(command(RDACC, host=in_bytes + slot * outputs * 4,
                            stride=16))
    cmds.append(command(BARRIER))
    program = (string("gemv") + struct.pack("<IIIQ", SLOTS, INPUT_SIZE,
                                             outputs, arena) +
               struct.pack("<I", 3) +
               region("x", INPUT, 0, in_bytes) +
               region("y", OUTPUT, in_bytes, out_bytes) +
               region("bias", CONSTANT, in_bytes + out_bytes, outputs * 4,
                      bias.tobytes()) +
               struct.pack("<I", len(cmds)) + b"".join(cmds))
    segments = []
    for channel in range(g["channels"]):
        for bank in range(g["banks"]):
            data = w[channel * g["banks"] + bank].view(np.uint32) >> 16
            data = data.astype("<u2").tobytes()
            segments.append(struct.pack("<HHIIQ", channel, bank, 0, 2,
                                        len(data)) + data)
    with open(os.path.join(outdir, "stream.pimc"), "wb") as f:
        f.write(container("tiny-pim", [program], segments))

    # docs/PIM.md: acc starts at the bias, then acc = fl(acc + w_i x_i) for
    # i in order; products of two bf16 are exact in fp32.
    xs = bf16(x)
    expected = np.zeros((len(x), outputs), dtype=np.float32)
    for t in range(len(x)):
        for o in range(outputs):
            acc = bias[o]
            for i in range(INPUT_SIZE):
                acc = np.float32(acc + np.float32(w[o, i] * xs[t, i]))
            expected[t, o] = acc
    np.save(os.path.join(outdir, "x.npy"), x)
    np.save(os.path.join(outdir, "expected.npy"), expected)
    device = {"kind": "pim", "name": "tiny-pim", "type": "bank-level",
              "stacks": 1, "channels_per_stack": g["channels"],
              "banks_per_channel": g["banks"], "external_tbps": 0.128,
              "internal_tbps": 0.5, "peak_tflops": 0.5,
              "command_overhead_us": 0.1,
              "dram": {"rows_per_bank": g["rows"],
                       "row_bytes": g["row_bytes"],
                       "burst_bytes": g["burst"], "banks_per_bank_group": 2,
                       "global_buffer_bytes": g["gb"],
                       "accumulators_per_bank": g["accs"], "tck_ns": 0.5,
                       "trcd": 28, "trp": 28, "tras": 68, "trc": 96,
                       "tcl": 28, "tccd_s": 2, "tccd_l": 4, "trrd_s": 4,
                       "trrd_l": 6, "tfaw": 12, "trefi": 7800, "trfc": 800,
                       "all_bank_power_share": 0.5625,
                       "host_channel_gbps": 32}}
    with open(os.path.join(outdir, "device.json"), "w") as f:
        json.dump(device, f)


def main(argv):
    mode = argv[1]
    if mode == "gemv":
        gemv(argv[2])
        return 0
    if mode == "compare":
        a, b = np.load(argv[2]), np.load(argv[3])
        if a.shape != b.shape or a.tobytes() != b.tobytes():
            print("MISMATCH", a.shape, b.shape, np.abs(a - b).max())
            return 1
        print("bit-exact", a.shape)
        return 0
    data = bytearray(open(argv[2], "rb").read())
    if mode == "truncate":
        data = data[:int(argv[4])]
    elif mode == "flip":
        data[int(argv[4])] ^= 0x40
    elif mode == "version":
        data[8:12] = struct.pack("<I", int(argv[4]))
    open(argv[3], "wb").write(bytes(data))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
