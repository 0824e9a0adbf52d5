#!/usr/bin/env python3
"""The benchmark's hand-written peer: each workload of run.py as a plain Python job over the
csv module, on a multiprocessing.Pool.

The file is cut into one byte range per process; a range starts at the first line that
begins inside it (the line that straddles its start belongs to the range before) and ends
with the line that straddles its end. Each process parses its lines with csv.reader,
aggregates them (partial counts, sums, minima and maxima, or its own top rows), and the
parent merges the partial results and writes the result as CSV with a header to stdout.
Lines split safely: the clickstream quotes commas but never line breaks.

    python3 Benchmarks/e2e/mp_peer.py WORKLOAD CLICKSTREAM.csv COUNTRIES.csv [--processes 2]
"""

from __future__ import annotations

import argparse
import csv
import heapq
import io
import os
import sys
from multiprocessing import Pool

# Column positions in clickstream.csv: ts,dt,user_id,country,event_type,amount,device,url
USER, COUNTRY, EVENT, AMOUNT = 2, 3, 4, 5
TOP_N = 100


def ranges(path: str, parts: int) -> list[tuple[int, int]]:
    """Byte ranges [start, end) covering the data after the header line."""
    with open(path, "rb") as f:
        header_end = len(f.readline())
    size = os.path.getsize(path)
    step = max((size - header_end) // parts, 1)
    bounds = [header_end + k * step for k in range(parts)] + [size]
    return [(bounds[k], bounds[k + 1]) for k in range(parts) if bounds[k] < bounds[k + 1]]


def lines(path: str, start: int, end: int):
    """The decoded lines that begin in [start, end)."""
    with open(path, "rb") as f:
        if start > 0:
            f.seek(start - 1)
            f.readline()  # the rest of the line that began before start
        pos = f.tell()
        while pos < end:
            line = f.readline()
            if not line:
                break
            pos += len(line)
            yield line.decode("utf-8")


def rows(path: str, start: int, end: int):
    return csv.reader(lines(path, start, end))


def amount(text: str) -> float | None:
    return float(text) if text else None


# --- workloads: a partial aggregation per range, and a merge ------------------------------------
# Partial state per group: [count, sum, min, max, count of non-NULL amounts].


def filtered_groupby(path: str, start: int, end: int) -> dict:
    groups: dict = {}
    for r in rows(path, start, end):
        a = amount(r[AMOUNT])
        if a is None or a <= 0:
            continue
        key = (r[COUNTRY] or None, r[EVENT] or None)
        g = groups.get(key)
        if g is None:
            groups[key] = [1, a, a, a]
        else:
            g[0] += 1
            g[1] += a
            if a < g[2]:
                g[2] = a
            if a > g[3]:
                g[3] = a
    return groups


def merge_filtered_groupby(parts: list[dict]) -> tuple[list[str], list[list]]:
    total: dict = {}
    for part in parts:
        for key, g in part.items():
            t = total.get(key)
            if t is None:
                total[key] = list(g)
            else:
                t[0] += g[0]
                t[1] += g[1]
                t[2] = min(t[2], g[2])
                t[3] = max(t[3], g[3])
    header = ["country", "event_type", "count(1)", "sum(amount)", "avg(amount)", "min(amount)", "max(amount)"]
    return header, [[k[0], k[1], g[0], g[1], g[1] / g[0], g[2], g[3]] for k, g in total.items()]


def groupby_user(path: str, start: int, end: int) -> dict:
    groups: dict = {}
    for r in rows(path, start, end):
        a = amount(r[AMOUNT])
        key = int(r[USER])
        g = groups.get(key)
        if g is None:
            groups[key] = [1, a]
        else:
            g[0] += 1
            if a is not None:
                g[1] = a if g[1] is None else g[1] + a
    return groups


def merge_groupby_user(parts: list[dict]) -> tuple[list[str], list[list]]:
    total = parts[0]
    for part in parts[1:]:
        for key, g in part.items():
            t = total.get(key)
            if t is None:
                total[key] = g
            else:
                t[0] += g[0]
                if g[1] is not None:
                    t[1] = g[1] if t[1] is None else t[1] + g[1]
    return ["user_id", "count(1)", "sum(amount)"], [[k, g[0], g[1]] for k, g in total.items()]


def top_n(path: str, start: int, end: int) -> list:
    """The TOP_N rows with the largest amounts (NULL amounts last, as in DESC order)."""
    best: list = []
    nulls: list = []
    for r in rows(path, start, end):
        a = amount(r[AMOUNT])
        if a is None:
            if len(nulls) < TOP_N:
                nulls.append(r)
        elif len(best) < TOP_N:
            heapq.heappush(best, (a, r))
        elif a > best[0][0]:
            heapq.heapreplace(best, (a, r))
    return [best, nulls]


def merge_top_n(parts: list) -> tuple[list[str], list[list]]:
    best = heapq.nlargest(TOP_N, (item for part in parts for item in part[0]), key=lambda item: item[0])
    out = [r for _, r in best]
    for part in parts:
        out += part[1][:TOP_N - len(out)]
    header = ["ts", "dt", "user_id", "country", "event_type", "amount", "device", "url"]
    return header, out[:TOP_N]


def join_region(path: str, start: int, end: int, regions: dict) -> dict:
    groups: dict = {}
    for r in rows(path, start, end):
        region = regions.get(r[COUNTRY])
        if region is None:
            continue  # an inner join: countries.csv does not describe this row's country
        key = (region, r[EVENT] or None)
        a = amount(r[AMOUNT])
        g = groups.get(key)
        if g is None:
            groups[key] = [1, a]
        else:
            g[0] += 1
            if a is not None:
                g[1] = a if g[1] is None else g[1] + a
    return groups


def merge_join_region(parts: list[dict]) -> tuple[list[str], list[list]]:
    total: dict = {}
    for part in parts:
        for key, g in part.items():
            t = total.get(key)
            if t is None:
                total[key] = list(g)
            else:
                t[0] += g[0]
                if g[1] is not None:
                    t[1] = g[1] if t[1] is None else t[1] + g[1]
    return ["region", "event_type", "count(1)", "sum(amount)"], [[k[0], k[1], g[0], g[1]] for k, g in total.items()]


WORKLOADS = {
    "filtered_groupby": (filtered_groupby, merge_filtered_groupby),
    "groupby_user": (groupby_user, merge_groupby_user),
    "top_n": (top_n, merge_top_n),
    "join_region": (join_region, merge_join_region),
}


def read_regions(path: str) -> dict:
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        code, region = header.index("code"), header.index("region")
        return {r[code]: r[region] for r in reader if r[code]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workload", choices=sorted(WORKLOADS))
    parser.add_argument("csv")
    parser.add_argument("countries")
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    partial, merge = WORKLOADS[args.workload]
    tasks = [(args.csv, start, end) for start, end in ranges(args.csv, args.processes)]
    if args.workload == "join_region":
        regions = read_regions(args.countries)
        tasks = [t + (regions,) for t in tasks]
    with Pool(args.processes) as pool:
        parts = pool.starmap(partial, tasks)
    header, result = merge(parts)
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    w.writerows(["" if v is None else v for v in row] for row in result)
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
