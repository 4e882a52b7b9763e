"""Benchmark: ``workbench check`` over an MSP's fleet vs the bare YAML parse.

Writes 200 client-sized specs (20-60 systems each, benchmarks/generate.py) to
a temporary folder, then prints:

* the floor: parsing the 200 files with ``yaml.load(..., Loader=yaml.CSafeLoader)``;
* ``workbench check --format json`` over all 200 in one process, in-process
  through ``workbench.cli.main`` with stdout redirected (median of runs);
* the same once as a subprocess (adds interpreter start-up and imports);
* the ratios to the floor. Target (issue 9): in-process check < 1.2x the floor.

    .venv/bin/python benchmarks/bench_check.py [--files 200] [--repeat 5] [--profile]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import generate  # noqa: E402

TARGET_RATIO = 1.2  # issue 9 (issue 3 asked for 1.5)


def write_fleet(folder: Path, files: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    paths = []
    for i in range(files):
        n = rng.randint(20, 60)
        path = folder / f"client-{i:03d}.yaml"
        path.write_text(generate.dump_yaml(generate.generate(n, seed=i)), encoding="utf-8")
        paths.append(str(path))
    return paths


def median_time(fn, repeat: int) -> tuple[float, float]:
    """Median (wall, CPU) seconds of ``fn()``; CPU time is what the verdict uses on a shared machine."""
    wall, cpu = [], []
    for _ in range(repeat):
        gc.collect()
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return statistics.median(wall), statistics.median(cpu)


def parse_only(paths: list[str], gc_paused: bool = False) -> None:
    import yaml

    if gc_paused:
        gc.disable()
    try:
        for p in paths:
            with open(p, "rb") as fh:
                yaml.load(fh.read().decode("utf-8"), Loader=yaml.CSafeLoader)
    finally:
        gc.enable()


def check_in_process(paths: list[str]) -> int:
    from workbench.cli import main

    with contextlib.redirect_stdout(io.StringIO()):
        return main(["check", *paths, "--format", "json"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--profile", action="store_true", help="profile one in-process check of the fleet")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="wb-fleet-") as tmp:
        paths = write_fleet(Path(tmp), args.files)
        size = sum(Path(p).stat().st_size for p in paths)
        print(f"{len(paths)} specs, {size / 1e6:.1f} MB of YAML in {tmp}")

        check_in_process(paths[:2])  # import the command line and the rules once
        parse_only(paths[:2])
        floor_wall, floor = median_time(lambda: parse_only(paths), args.repeat)
        strict_wall, strict = median_time(lambda: parse_only(paths, gc_paused=True), args.repeat)
        status = check_in_process(paths)
        inproc_wall, inproc = median_time(lambda: check_in_process(paths), args.repeat)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "workbench", "check", *paths, "--format", "json"],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        sub_wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        sub = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

        print(f"{'':36}{'cpu':>10}{'wall':>10}   ratio to the floor (cpu)")
        print(f"{'parse only (yaml CSafeLoader)':36}{floor * 1000:8.0f}ms{floor_wall * 1000:8.0f}ms")
        print(f"{'parse only, cyclic GC paused':36}{strict * 1000:8.0f}ms{strict_wall * 1000:8.0f}ms   "
              "(the loader pauses the GC; a stricter floor)")
        print(f"{'workbench check, in-process':36}{inproc * 1000:8.0f}ms{inproc_wall * 1000:8.0f}ms   "
              f"{inproc / floor:.2f}x (target < {TARGET_RATIO}x: {'met' if inproc / floor < TARGET_RATIO else 'MISSED'}); "
              f"exit {status}; {inproc / strict:.2f}x the stricter floor")
        print(f"{'workbench check, subprocess (once)':36}{sub * 1000:8.0f}ms{sub_wall * 1000:8.0f}ms   "
              f"{sub / floor:.2f}x (includes start-up and imports); exit {done.returncode}")
        if done.returncode == 2:
            print(done.stderr.decode()[:2000])

        if args.profile:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            prof.enable()
            check_in_process(paths)
            prof.disable()
            stats = pstats.Stats(prof)
            stats.sort_stats("cumulative").print_stats(30)
            stats.sort_stats("tottime").print_stats(25)
        return 0 if inproc / floor < TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
