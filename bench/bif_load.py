"""BIF load time: ``causal.bif.read_bif`` against ``pyagrum.loadBN`` on the same plain
(decompressed) files, in one process, one thread, alternating runs; the best of ``--repeat``
runs is reported, in milliseconds of CPU time (``time.process_time``: steadier than wall
time on a shared machine).

    python bench/bif_load.py                       # alarm, hepar2, link
    python bench/bif_load.py --networks munin,pigs --repeat 20
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))


def best_of(load, path: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        load(path)
        times.append(time.process_time() - start)
    return min(times) * 1e3


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--networks", default="alarm,hepar2,link")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    import pyagrum

    from bench.networks import path_of
    from causal.bif import read_bif

    tmp = tempfile.mkdtemp()
    print(f"{'network':<12}{'read_bif ms':>12}{'pyagrum ms':>12}{'ratio':>8}")
    for name in args.networks.split(","):
        plain = os.path.join(tmp, f"{name}.bif")
        with open(path_of(name), "rb") as f, open(plain, "wb") as out:
            out.write(gzip.decompress(f.read()))
        ours, theirs = [], []
        for _ in range(3):  # alternate, so that a busy machine slows both alike
            ours.append(best_of(read_bif, plain, args.repeat))
            theirs.append(best_of(pyagrum.loadBN, plain, args.repeat))
        a, b = min(ours), min(theirs)
        print(f"{name:<12}{a:>12.2f}{b:>12.2f}{a / b:>8.2f}")


if __name__ == "__main__":
    main()
