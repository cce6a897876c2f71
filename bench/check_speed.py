"""Time `auditor check` on N generated workplans, beside the floor measured in the same run.

    python bench/check_speed.py [N] [--keep DIR]

The floor reads every file and C-YAML-loads its frontmatter and task fences, nothing else:
the least any checker of this format has to do. Peak RSS is the sum over the auditor's
process tree, sampled every 50 ms (PSS too, which counts pages the forked workers share once).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
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


def run_check(directory: Path) -> tuple[float, int, int, int]:
    auditor = Path(sys.executable).with_name("auditor")
    command = [str(auditor), "check", str(directory), "--format", "json", "--output", os.devnull, "--fail-on", "never"]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) this directory")
    args = parser.parse_args()
    directory = args.keep or Path(tempfile.mkdtemp(prefix="auditor-bench-"))
    paths = sorted(directory.glob("*.md"))
    if len(paths) != args.count:
        paths = generate(directory, args.count)
    size = sum(path.stat().st_size for path in paths) / len(paths)
    print(f"{len(paths)} workplans, {size / 1024:.1f} KiB each, {os.cpu_count()} cores")
    cores = os.cpu_count() or 1
    for processes in sorted({1, cores}):
        seconds = floor(paths, processes)
        print(f"floor ({processes} process{'es' if processes > 1 else ''}): {seconds:6.2f} s  {len(paths) / seconds:8.0f} workplans/s")
    seconds, rss_kib, pss_kib, code = run_check(directory)
    print(
        f"auditor check:        {seconds:6.2f} s  {len(paths) / seconds:8.0f} workplans/s  "
        f"peak RSS {rss_kib / 1024:.0f} MiB (PSS {pss_kib / 1024:.0f} MiB)  exit {code}"
    )


if __name__ == "__main__":
    main()
