#!/usr/bin/env python3
"""Writes sluice's small sample data set under data/ (seeded: the same bytes every run).

    data/events/dt=2024-03-04/part-00000.csv ... dt=2024-03-10/part-00000.csv
        ts,user_id,country,event_type,amount,device,url
    data/countries.csv
        code,name,region

What the files contain on purpose, so that the example jobs have something to show:
  - amount is empty (NULL) for most views, 0 for some clicks and free purchases,
    positive for purchases and negative for refunds;
  - some urls are quoted because they hold commas, some hold doubled quotes;
  - some country names are quoted because they hold commas;
  - one country code in events (XK) is missing from countries.csv;
  - a few rows have an empty device or country (NULL), for data_quality.sql.

Usage: python3 scripts/gen_sample.py [--out data]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
from pathlib import Path

SEED = 20240304
FIRST_DAY = dt.date(2024, 3, 4)
DAYS = 7

# code, name, region, weight in events
COUNTRIES = [
    ("US", "United States", "Americas", 30),
    ("CA", "Canada", "Americas", 6),
    ("MX", "Mexico", "Americas", 4),
    ("BR", "Brazil", "Americas", 6),
    ("AR", "Argentina", "Americas", 2),
    ("BO", "Bolivia, Plurinational State of", "Americas", 1),
    ("GB", "United Kingdom", "Europe", 10),
    ("DE", "Germany", "Europe", 10),
    ("FR", "France", "Europe", 8),
    ("ES", "Spain", "Europe", 5),
    ("IT", "Italy", "Europe", 5),
    ("NL", "Netherlands", "Europe", 4),
    ("PL", "Poland", "Europe", 3),
    ("SE", "Sweden", "Europe", 2),
    ("CH", "Switzerland", "Europe", 2),
    ("MD", "Moldova, Republic of", "Europe", 1),
    ("IN", "India", "Asia", 8),
    ("JP", "Japan", "Asia", 7),
    ("CN", "China", "Asia", 5),
    ("KR", "Korea, Republic of", "Asia", 4),
    ("SG", "Singapore", "Asia", 2),
    ("VN", "Viet Nam", "Asia", 2),
    ("IR", "Iran, Islamic Republic of", "Asia", 1),
    ("AU", "Australia", "Oceania", 4),
    ("NZ", "New Zealand", "Oceania", 1),
    ("ZA", "South Africa", "Africa", 2),
    ("NG", "Nigeria", "Africa", 2),
    ("EG", "Egypt", "Africa", 1),
    ("KE", "Kenya", "Africa", 1),
    ("CD", "Congo, The Democratic Republic of the", "Africa", 1),
]
# In events but not in countries.csv: a join on the code drops it (inner) or keeps it
# with a NULL name (left).
UNKNOWN_COUNTRY = ("XK", 2)

EVENT_TYPES = [("view", 60), ("click", 25), ("purchase", 12), ("refund", 3)]
DEVICES = [("mobile", 55), ("desktop", 35), ("tablet", 10)]
PRODUCTS = ["shoes", "socks", "shirt", "jacket", "hat", "bag", "scarf", "gloves"]


def pick(rng: random.Random, weighted: list[tuple]) -> str:
    return rng.choices([w[0] for w in weighted], weights=[w[-1] for w in weighted])[0]


def url_for(rng: random.Random, event_type: str) -> str:
    product = rng.choice(PRODUCTS)
    r = rng.random()
    if event_type in ("purchase", "refund"):
        return f"/checkout/{product}/{rng.randint(100, 999)}"
    if r < 0.10:
        # A search with a comma: the CSV writer quotes the field.
        return f"/search?q={rng.choice(['red', 'blue', 'black'])},{product}"
    if r < 0.14:
        # A search with quotes in it: written as "..."" with doubled quotes.
        return f'/search?q="{product} sale"'
    if r < 0.17:
        return f"/compare?items={product},{rng.choice(PRODUCTS)}"
    return f"/product/{product}/{rng.randint(100, 999)}"


def amount_for(rng: random.Random, event_type: str) -> str:
    if event_type == "view":
        return "" if rng.random() < 0.9 else "0"
    if event_type == "click":
        return "0" if rng.random() < 0.7 else ""
    price = round(rng.uniform(3, 250), 2)
    if event_type == "purchase":
        return "0" if rng.random() < 0.04 else f"{price:.2f}"
    return f"{-price:.2f}"


def write_events(out: Path, rng: random.Random) -> int:
    weighted_countries = [(c[0], c[3]) for c in COUNTRIES] + [UNKNOWN_COUNTRY]
    total = 0
    for day in range(DAYS):
        date = FIRST_DAY + dt.timedelta(days=day)
        # Weekends are busier.
        n = 420 + rng.randint(0, 80) + (150 if date.weekday() >= 5 else 0)
        seconds = sorted(rng.randrange(86400) for _ in range(n))
        rows = []
        for sec in seconds:
            ts = dt.datetime.combine(date, dt.time()) + dt.timedelta(seconds=sec)
            event_type = pick(rng, EVENT_TYPES)
            country = pick(rng, weighted_countries)
            device = pick(rng, DEVICES)
            if rng.random() < 0.01:
                country = ""
            if rng.random() < 0.015:
                device = ""
            rows.append([
                ts.strftime("%Y-%m-%d %H:%M:%S"),
                str(rng.randint(1000, 1399)),
                country,
                event_type,
                amount_for(rng, event_type),
                device,
                url_for(rng, event_type),
            ])
        part = out / "events" / f"dt={date.isoformat()}" / "part-00000.csv"
        part.parent.mkdir(parents=True, exist_ok=True)
        with part.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["ts", "user_id", "country", "event_type", "amount", "device", "url"])
            w.writerows(rows)
        total += len(rows)
    return total


def write_countries(out: Path) -> None:
    with (out / "countries.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "region"])
        for code, name, region, _ in sorted(COUNTRIES):
            w.writerow([code, name, region])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "data"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    n = write_events(out, rng)
    write_countries(out)
    print(f"wrote {n} events over {DAYS} days and {len(COUNTRIES)} countries under {out}")


if __name__ == "__main__":
    main()
