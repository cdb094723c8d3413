#!/usr/bin/python3
"""Damages one dataset of an HDF5 file in place: damage_checkpoint.py FILE DATASET PART.
PART "datatype" inverts the mantissa location, mantissa size and exponent bias of the
dataset's floating-point datatype message (object header v1 or v2, so old and new
checkpoints alike): the message stays well-formed, only the values it decodes change.
"data" inverts the 8 bytes of its first element of data. Exits 1 when the part cannot be found."""
import struct
import sys

import h5py


def datatype_message(buf, addr):
    """Offset of the body of the datatype message (type 3) in the object header at addr."""
    if buf[addr:addr + 4] == b"OHDR":  # version 2
        flags = buf[addr + 5]
        p = addr + 6 + (16 if flags & 0x20 else 0) + (4 if flags & 0x10 else 0)
        width = 1 << (flags & 3)
        size = int.from_bytes(buf[p:p + width], "little")
        p += width
        end = p + size
        while p + 4 <= end:
            mtype, msize, mflags = buf[p], struct.unpack_from("<H", buf, p + 1)[0], buf[p + 3]
            body = p + 4 + (2 if flags & 0x04 else 0)
            if mtype == 3:
                return body
            p = body + msize
        return None
    # version 1: 16-byte prefix (aligned), then 8-byte message headers
    if buf[addr] != 1:
        return None
    nmsgs, = struct.unpack_from("<H", buf, addr + 2)
    size, = struct.unpack_from("<I", buf, addr + 8)
    p, end = addr + 16, addr + 16 + size
    for _ in range(nmsgs):
        if p + 8 > end:
            break
        mtype, msize = struct.unpack_from("<HH", buf, p)
        if mtype == 3:
            return p + 8
        p += 8 + msize
    return None


def main():
    path, name, part = sys.argv[1:4]
    with h5py.File(path, "r") as f:
        d = f[name]
        addr = h5py.h5o.get_info(d.id).addr
        if d.chunks:
            data = d.id.get_chunk_info(0).byte_offset
        else:
            data = d.id.get_offset()
    with open(path, "rb") as fh:
        buf = bytearray(fh.read())
    if part == "datatype":
        at = datatype_message(buf, addr)
        if at is None:
            sys.exit(f"{path}: no datatype message found for {name}")
        at, n = at + 14, 6  # bytes 14-19 of a floating-point type's body
    else:
        at, n = data, 8
    buf[at:at + n] = bytes(b ^ 0xFF for b in buf[at:at + n])
    with open(path, "wb") as fh:
        fh.write(buf)


if __name__ == "__main__":
    main()
