"""Time `auditor check` on N generated workplans, beside the floor measured in the same run.

    python bench/check_speed.py [N] [--messy] [--repeat 3] [--keep DIR]

The floor reads every file and C-YAML-loads its frontmatter and task fences, nothing else, in
one process: the least any checker of this format has to do. Each round times the floor, a
cold check (empty cache directory) and a warm one (the same files again, cache filled),
interleaved so that a busy machine weighs on all three alike; medians are reported. Peak RSS
is the sum over the auditor's process tree, sampled every 50 ms (PSS too, which counts pages
the forked workers share once). ``--messy`` generates the corpus where every file has 14
findings (repo root known, 14 back-ticked paths missing).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_workplans import generate

FENCES = re.compile(r"^---\n(.*?)\n---\n|^```task\n(.*?)^```", re.MULTILINE | re.DOTALL)


def floor_one(path: Path) -> int:
    text = path.read_bytes().decode("utf-8")
    loaded = 0
    for frontmatter, task in FENCES.findall(text):
        yaml.load(frontmatter or task, Loader=yaml.CSafeLoader)
        loaded += 1
    return loaded


def floor_files(paths: list[Path]) -> int:
    return sum(floor_one(path) for path in paths)


def floor(paths: list[Path], processes: int) -> float:
    start = time.perf_counter()
    if processes == 1:
        floor_files(paths)
    else:
        chunks = [paths[index::processes] for index in range(processes)]
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            pool.map(floor_files, chunks)
    return time.perf_counter() - start


def tree_memory_kib(pid: int) -> tuple[int, int]:
    """(RSS, PSS) summed over the process and its children. RSS counts pages shared between
    the forked workers once per process; PSS splits them, so it adds up to what is really used."""
    rss = pss = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        fields = {line.split(":")[0]: int(line.split()[1]) for line in rollup.splitlines()[1:] if line.endswith("kB")}
        rss += fields.get("Rss", 0)
        pss += fields.get("Pss", 0)
        pending.extend(int(child) for child in children)
    return rss, pss


def run_check(directory: Path, cache_dir: Path) -> tuple[float, int, int, int]:
    auditor = Path(sys.executable).with_name("auditor")
    # The report goes to a file beside the cache, not to os.devnull: --output replaces its
    # target atomically, which, run as root, would put a regular file in place of /dev/null.
    command = [str(auditor), "check", str(directory), "--format", "json", "--output", str(cache_dir / "report.json"),
               "--fail-on", "never", "--cache-dir", str(cache_dir)]
    peak_rss = peak_pss = 0
    start = time.perf_counter()
    process = subprocess.Popen(command)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_rss, peak_pss
        while not done.is_set():
            rss, pss = tree_memory_kib(process.pid)
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    code = process.wait()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    return elapsed, peak_rss, peak_pss, code


def corpus(directory: Path, count: int, messy: bool) -> tuple[Path, list[Path]]:
    """The check target and its workplan files, generated unless already there."""
    plans = directory / "workplans" if messy else directory
    paths = sorted(plans.glob("*.md"))
    if len(paths) != count:
        paths = generate(directory, count, messy)
    return directory, paths


def measure(directory: Path, paths: list[Path], repeat: int) -> dict[str, float]:
    """Medians over ``repeat`` interleaved rounds: floor, cold check, warm check (seconds), and
    the cold check's peak RSS and PSS (MiB)."""
    rounds: dict[str, list[float]] = {"floor": [], "cold": [], "warm": [], "rss": [], "pss": []}
    for _ in range(repeat):
        cache_dir = Path(tempfile.mkdtemp(prefix="auditor-bench-cache-"))
        try:
            rounds["floor"].append(floor(paths, 1))
            seconds, rss_kib, pss_kib, code = run_check(directory, cache_dir)
            assert code == 0, f"auditor check exited {code}"
            rounds["cold"].append(seconds)
            rounds["rss"].append(rss_kib / 1024)
            rounds["pss"].append(pss_kib / 1024)
            rounds["warm"].append(run_check(directory, cache_dir)[0])
        finally:
            shutil.rmtree(cache_dir, ignore_errors=True)
    return {name: statistics.median(values) for name, values in rounds.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=10_000)
    parser.add_argument("--messy", action="store_true", help="every file with 14 findings, repo root known")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) this directory")
    args = parser.parse_args()
    directory, paths = corpus(args.keep or Path(tempfile.mkdtemp(prefix="auditor-bench-")), args.count, args.messy)
    size = sum(path.stat().st_size for path in paths) / len(paths)
    print(f"{len(paths)} workplans ({'messy' if args.messy else 'near-clean'}), {size / 1024:.1f} KiB each, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}")
    result = measure(directory, paths, args.repeat)
    print(f"floor (1 process):   {result['floor']:6.2f} s  {len(paths) / result['floor']:8.0f} workplans/s")
    print(f"auditor check, cold: {result['cold']:6.2f} s  = {result['cold'] / result['floor']:.2f} x floor (aim <= 1.5)  "
          f"peak RSS {result['rss']:.0f} MiB (PSS {result['pss']:.0f} MiB, aim <= 300)")
    print(f"auditor check, warm: {result['warm']:6.2f} s  = {result['warm'] / result['floor']:.2f} x floor (aim <= 0.25)")


if __name__ == "__main__":
    main()
