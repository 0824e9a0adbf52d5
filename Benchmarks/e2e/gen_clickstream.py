#!/usr/bin/env python3
"""Writes the end-to-end benchmark's input: a seeded synthetic clickstream.

    <out>/clickstream/clickstream.csv   ts,dt,user_id,country,event_type,amount,device,url
    <out>/countries.csv                 code,name,region (the join workload's dimension)

dt spans 365 days (2023-01-01 .. 2023-12-31) and ts falls on its dt; user_id is uniform
over 1..1,000,000; 40 countries with skewed weights; amount is empty (NULL) for most views,
0 for some clicks, positive for purchases and negative for refunds; about one url in ten
holds a comma and is quoted. The same --rows and --seed give the same bytes.
countries.csv describes most of the 40 countries but not all (UNLISTED are left out, about
4% of the rows), so an inner join drops some rows and an outer join keeps them unmatched;
it is rewritten on every run (it is tiny), also when the clickstream is up to date.

Generation is vectorised (numpy string arrays, chunk by chunk): ten million rows take
well under a minute. A stamp file beside the CSV records the parameters, and a second run
with the same ones returns at once.

Usage: python3 Benchmarks/e2e/gen_clickstream.py [--rows 10000000] [--out bench-data] [--seed 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

FORMAT_VERSION = 1
CHUNK = 500_000
USERS = 1_000_000
PRICES = 49_900  # amounts 1.00 .. 499.99
DAYS = 365
FIRST_DAY = dt.date(2023, 1, 1)

COUNTRIES = [
    ("US", "United States", "Americas", 20), ("IN", "India", "Asia", 9), ("GB", "United Kingdom", "Europe", 7),
    ("DE", "Germany", "Europe", 7), ("BR", "Brazil", "Americas", 5), ("FR", "France", "Europe", 5),
    ("JP", "Japan", "Asia", 5), ("CA", "Canada", "Americas", 4), ("MX", "Mexico", "Americas", 3),
    ("ES", "Spain", "Europe", 3), ("IT", "Italy", "Europe", 3), ("AU", "Australia", "Oceania", 3),
    ("KR", "Korea, Republic of", "Asia", 2), ("NL", "Netherlands", "Europe", 2), ("ID", "Indonesia", "Asia", 2),
    ("TR", "Türkiye", "Europe", 2), ("PL", "Poland", "Europe", 2), ("SE", "Sweden", "Europe", 1),
    ("CH", "Switzerland", "Europe", 1), ("BE", "Belgium", "Europe", 1), ("AR", "Argentina", "Americas", 1),
    ("CO", "Colombia", "Americas", 1), ("CL", "Chile", "Americas", 1), ("ZA", "South Africa", "Africa", 1),
    ("NG", "Nigeria", "Africa", 1), ("EG", "Egypt", "Africa", 1), ("KE", "Kenya", "Africa", 1),
    ("SG", "Singapore", "Asia", 1), ("VN", "Viet Nam", "Asia", 1), ("TH", "Thailand", "Asia", 1),
    ("PH", "Philippines", "Asia", 1), ("MY", "Malaysia", "Asia", 1), ("NZ", "New Zealand", "Oceania", 1),
    ("IE", "Ireland", "Europe", 1), ("AT", "Austria", "Europe", 1), ("PT", "Portugal", "Europe", 1),
    ("CZ", "Czechia", "Europe", 1), ("IR", "Iran, Islamic Republic of", "Asia", 1),
    ("BO", "Bolivia, Plurinational State of", "Americas", 1), ("NO", "Norway", "Europe", 1),
]
# Countries of the clickstream that countries.csv leaves out.
UNLISTED = ("CZ", "KE", "NO", "VN")
EVENTS = [("view", 0.62), ("click", 0.25), ("purchase", 0.10), ("refund", 0.03)]
DEVICES = [("mobile", 0.55), ("desktop", 0.35), ("tablet", 0.10)]
PRODUCTS = ["shoes", "socks", "shirt", "jacket", "hat", "bag", "scarf", "gloves", "belt", "watch"]

S = np.dtypes.StringDType()


def strings(values) -> np.ndarray:
    return np.array(list(values), dtype=S)


def url_table() -> tuple[np.ndarray, np.ndarray]:
    """Pre-rendered CSV fields for urls: (plain ones, ones with a comma, already quoted)."""
    plain = [f"/product/{p}/{n}" for p in PRODUCTS for n in range(100, 300)]
    plain += [f"/category/{p}?page={n}" for p in PRODUCTS for n in range(1, 21)]
    quoted = [f'"/search?q={c},{p}"' for p in PRODUCTS for c in ("red", "blue", "black", "white")]
    quoted += [f'"/compare?items={a},{b}"' for a in PRODUCTS for b in PRODUCTS if a != b]
    return strings(plain), strings(quoted)


def render_chunk(rng: np.random.Generator, n: int, t: dict) -> str:
    """n CSV lines. Every field comes from a pre-rendered table (with its trailing comma),
    so a line is eight vectorised string concatenations."""
    day = rng.integers(0, DAYS, n)
    sec = rng.integers(0, 86400, n)
    user = rng.integers(1, USERS + 1, n)
    country = rng.choice(len(COUNTRIES), n, p=t["country_p"])
    event = rng.choice(len(EVENTS), n, p=[p for _, p in EVENTS])
    device = rng.choice(len(DEVICES), n, p=[p for _, p in DEVICES])

    # Index into t["amounts"]: 0 is NULL, 1 is 0, then purchases, then refunds.
    price = rng.integers(0, PRICES, n)
    amount = np.where(event == 2, 2 + price, np.where(event == 3, 2 + PRICES + price, 0))
    amount = np.where(event == 1, (rng.random(n) < 0.7).astype(np.int64), amount)
    amount = np.where(event == 0, (rng.random(n) >= 0.9).astype(np.int64), amount)

    quoted = rng.random(n) < 0.1
    url = np.where(quoted, rng.integers(0, len(t["quoted_urls"]), n),
                   len(t["quoted_urls"]) + rng.integers(0, len(t["plain_urls"]), n))

    pieces = [t["date_sp"][day], t["times"][sec], t["date"][day], t["users"][user], t["countries"][country],
              t["events"][event], t["amounts"][amount], t["devices"][device], t["urls"][url]]
    line = pieces[0]
    for p in pieces[1:]:
        line = np.strings.add(line, p)
    return "".join(line.tolist())


def tables() -> dict:
    weights = np.array([c[3] for c in COUNTRIES], dtype=float)
    plain, quoted = url_table()
    cents = np.arange(100, 100 + PRICES)
    prices = np.strings.add(np.strings.add((cents // 100).astype(S), "."),
                            strings(f"{c:02d}" for c in range(100))[cents % 100])
    dates = [(FIRST_DAY + dt.timedelta(days=k)).isoformat() for k in range(DAYS)]
    return {
        "date_sp": strings(d + " " for d in dates),
        "times": strings(f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}," for s in range(86400)),
        "date": strings(d + "," for d in dates),
        "users": np.strings.add(np.arange(USERS + 1).astype(S), ","),
        "countries": strings(c[0] + "," for c in COUNTRIES),
        "country_p": weights / weights.sum(),
        "events": strings(e + "," for e, _ in EVENTS),
        "amounts": np.concatenate([strings([",", "0,"]), np.strings.add(prices, ","),
                                   np.strings.add(np.strings.add("-", prices), ",")]),
        "devices": strings(d + "," for d, _ in DEVICES),
        "quoted_urls": quoted,
        "plain_urls": plain,
        "urls": np.strings.add(np.concatenate([quoted, plain]), "\n"),
    }


def write_countries(path: Path) -> None:
    import csv

    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "region"])
        for code, name, region, _ in sorted(COUNTRIES):
            if code not in UNLISTED:
                w.writerow([code, name, region])


def generate(rows: int, out: Path, seed: int, force: bool = False) -> Path:
    target = out / "clickstream" / "clickstream.csv"
    stamp = out / "clickstream" / ".stamp.json"
    params = {"rows": rows, "seed": seed, "format": FORMAT_VERSION}
    out.mkdir(parents=True, exist_ok=True)
    write_countries(out / "countries.csv")
    if not force and target.exists() and stamp.exists():
        recorded = json.loads(stamp.read_text())
        if recorded.get("params") == params and recorded.get("bytes") == target.stat().st_size:
            print(f"{target}: up to date ({rows:,} rows, {recorded['bytes'] / 1e6:,.0f} MB)")
            return target
    target.parent.mkdir(parents=True, exist_ok=True)
    stamp.unlink(missing_ok=True)
    rng = np.random.default_rng(seed)
    t = tables()
    started = time.perf_counter()
    tmp = target.with_suffix(".csv.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        f.write("ts,dt,user_id,country,event_type,amount,device,url\n")
        done = 0
        while done < rows:
            n = min(CHUNK, rows - done)
            f.write(render_chunk(rng, n, t))
            done += n
    os.replace(tmp, target)
    size = target.stat().st_size
    stamp.write_text(json.dumps({"params": params, "bytes": size}) + "\n")
    elapsed = time.perf_counter() - started
    print(f"{target}: wrote {rows:,} rows, {size / 1e6:,.0f} MB in {elapsed:.1f} s")
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=int(os.environ.get("BENCH_ROWS", 10_000_000)))
    parser.add_argument("--out", type=Path, default=Path("bench-data"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--force", action="store_true", help="regenerate even when the stamp matches")
    args = parser.parse_args()
    if args.rows <= 0:
        parser.error("--rows must be positive")
    generate(args.rows, args.out, args.seed, args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
