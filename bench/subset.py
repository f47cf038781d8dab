"""The first ROWS base rows of a workload, with all its queries, as a workload of its own.

    python3 bench/subset.py SRC DST ROWS

Copies SRC's query.fvecs and ground truth unchanged (recall against the full set's truth means
nothing for the subset; the tools that use it compare engines on the same rows, not recall) and
writes DST/meta.json with n = ROWS and the name suffixed by the row count.
"""
import json
import shutil
import struct
import sys


def main(src, dst, rows):
    meta = json.load(open(f"{src}/meta.json"))
    rows = min(rows, meta["n"])
    with open(f"{src}/base.fvecs", "rb") as f:
        dim = struct.unpack("<i", f.read(4))[0]
        f.seek(0)
        open(f"{dst}/base.fvecs", "wb").write(f.read(rows * (4 + 4 * dim)))
    for name in ("query.fvecs", "gt.ivecs", "gt_dist.fvecs"):
        shutil.copyfile(f"{src}/{name}", f"{dst}/{name}")
    meta.update(n=rows, name=f"{meta['name']}-{rows}")
    meta.pop("sha256", None)
    json.dump(meta, open(f"{dst}/meta.json", "w"))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
