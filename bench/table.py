"""Prints bench/run.sh's results as a table, with QPS ratios against hnswlib's C++ at the same ef."""
import json
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
reference = {(r["workload"], r["build_threads"], r["ef"]): r for r in rows if r["engine"] == "hnswlib-c++-native"}
columns = ["workload", "engine", "build_threads", "ef", "build_s", "qps_1t", "qps_batch_1t", "qps_2t", "recall",
           "dist_per_query", "x_qps_1t", "x_build"]
print("| " + " | ".join(columns) + " |")
print("|" + "---|" * len(columns))
for r in rows:
    ref = reference.get((r["workload"], r["build_threads"], r["ef"])) or reference.get((r["workload"], 1, r["ef"]))
    r = dict(r)
    if ref:
        r["x_qps_1t"] = f"{r['qps_1t'] / ref['qps_1t']:.2f}"
        r["x_build"] = f"{r['build_s'] / ref['build_s']:.2f}" if r["build_threads"] == ref["build_threads"] else ""
    print("| " + " | ".join(str(r.get(c, "")) for c in columns) + " |")
