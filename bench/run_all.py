"""Every performance target in one table: measured, floor, ratio, target.

    python bench/run_all.py [--count 10000] [--repeat 3] [--days 1000] [--activities 100]

Each figure is measured beside its floor in the same run, interleaved, median of ``--repeat``
rounds (the verdict step: median of its own rounds). Figures taken on a busy machine move
together with their floors; the ratios are what the targets bound.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import check_speed
import evidence_verdict
import scheduler_tick


def row(name: str, measured: float, floor: float, target: float, unit: str = "s") -> tuple[str, str, str, str, str, str]:
    ratio = measured / floor
    verdict = "ok" if ratio <= target else "OVER"
    return name, f"{measured:.3f} {unit}", f"{floor:.3f} {unit}", f"{ratio:.2f} x", f"<= {target} x", verdict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--days", type=int, default=1000)
    parser.add_argument("--activities", type=int, default=100)
    parser.add_argument("--definitions", type=int, default=1000)
    options = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="auditor-bench-") as scratch:
        root = Path(scratch)
        for label, messy in (("near-clean", False), ("messy", True)):
            directory, paths = check_speed.corpus(root / label, options.count, messy)
            result = check_speed.measure(directory, paths, options.repeat)
            rows.append(row(f"check {options.count} {label}, cold", result["cold"], result["floor"], 1.5))
            rows.append(row(f"check {options.count} {label}, warm", result["warm"], result["floor"], 0.25))
            rows.append((f"check {options.count} {label}, peak RSS", f"{result['rss']:.0f} MiB", "-", "-", "<= 300 MiB",
                         "ok" if result["rss"] <= 300 else "OVER"))
        config = scheduler_tick.write_config(root, options.definitions)
        scheduler_tick.time_subprocess(config, 1)  # creates the store
        tick, bare = scheduler_tick.compare_with_bare_import(config, options.repeat * 3)
        rows.append(row(f"scheduler tick, {options.definitions} definitions (vs import duckdb)", tick, bare, 1.5))
        evidence = root / "evidence"
        db, _ = evidence_verdict.loaded_store(evidence, options.days, options.activities)
        result = evidence_verdict.verdict_against_bare(db, options.days, options.days)
        rows.append(row(f"verdict, {result['slots_count']} daily slots (vs slot-table SQL)", result["step"], result["bare"], 1.5))
    header = ("measurement", "measured", "floor", "ratio", "target", "")
    widths = [max(len(str(line[column])) for line in [header, *rows]) for column in range(len(header))]
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end")
    for line in [header, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=False)).rstrip())


if __name__ == "__main__":
    main()
