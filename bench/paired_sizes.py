"""The table of bench/paired-sizes.sh: PairedBench's ratios by workload, graph size and ef.

    python3 bench/paired_sizes.py [--docs FILE] [--commit C] results.jsonl

Per workload, row count and ef: each engine's time per query and hnswlib's time over ours (above 1:
ours faster), the median over the JVMs that ran it and their range.
"""
import argparse
import json
import statistics
from collections import defaultdict

MAX_M0 = 32  # M=16: hnswlib's level-0 record is a count, 2M links, the vector and the label


def level0_mib(n, dim):
    return n * (4 + 4 * MAX_M0 + 4 * dim + 8) / 2**20


def table(lines):
    runs = defaultdict(list)
    for line in lines:
        runs[(line["workload"], line["n"], line["dim"], line["ef"])].append(line)
    rows = ["| workload | rows | level 0 MiB | ef | hnswlib µs/query | ours µs/query | ours faster (median of JVMs) | range |",
            "|---|---|---|---|---|---|---|---|"]
    for (workload, n, dim, ef), found in sorted(runs.items()):
        ratios = [r["ratio"] for r in found]
        cpp = statistics.median(1e6 / r["qps_single_cpp"] for r in found)
        ours = statistics.median(1e6 / r["qps_single_ours"] for r in found)
        rows.append(f"| {workload} | {n:,} | {level0_mib(n, dim):,.1f} | {ef} | {cpp:.1f} | {ours:.1f} "
                    f"| {statistics.median(ratios):.2f}x | {min(ratios):.2f}-{max(ratios):.2f} ({len(ratios)}) |")
    return "\n".join(rows)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs")
    parser.add_argument("--commit", default="?")
    parser.add_argument("results")
    args = parser.parse_args()
    lines = [json.loads(l) for l in open(args.results) if l.startswith("{")]
    text = table(lines)
    print(text)
    if args.docs:
        with open(args.docs, "w") as f:
            f.write("# Single-query speed against index size\n\n"
                    f"Written by `bench/paired-sizes.sh --docs` at {args.commit}: hnswlib's C++ and ours alternating every 50 "
                    "queries in one process (PairedBench) on the graph hnswlib built of each workload's first "
                    "rows, the same nodes visited in the same order by both; each row the median over the "
                    "JVMs in brackets. The level-0 block (links and vectors, what a search reads) is "
                    "in the caches at the small sizes (L2 512 KiB per core, L3 32 MiB here) and in memory "
                    "at the whole set's.\n\n" + text + "\n")


if __name__ == "__main__":
    main()
