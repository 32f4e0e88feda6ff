#!/usr/bin/env python3
"""Benchmark: whole-process wall time and peak RSS of tshark runs on a
generated capture, all measured in one run so that the ratios hold even
though these machines drift between runs.

  python3 tests/perf/bench.py --build build [--connections 250000] [--repeat 3]
                              [--markdown docs/benchmark.md]

Runs, as an unprivileged user with pktan installed per user (root would not
load it): the dissection floor `-z endpoints,eth` (every packet dissected,
no protocol tree), each pktan report that exists, and Wireshark's own
`-z dests,tree`, `-z io,phs`, `-z conv,tcp`. Runs of the cheap commands are
interleaved round-robin, `--repeat` times, and the median is reported."""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from wireshark_user import WiresharkUser  # noqa: E402

FLOOR = ("floor: -z endpoints,eth", ["-z", "endpoints,eth"])
PKTAN = [
    ("pktan,dests", ["-z", "pktan,dests"]),
    ("pktan,rtt", ["-z", "pktan,rtt"]),
    ("pktan,conn", ["-z", "pktan,conn"]),
    ("pktan,rtt + pktan,conn", ["-z", "pktan,rtt", "-z", "pktan,conn"]),
    ("pktan,dests + pktan,rtt + pktan,conn",
     ["-z", "pktan,dests", "-z", "pktan,rtt", "-z", "pktan,conn"]),
]
WIRESHARK = [
    ("-z io,phs", ["-z", "io,phs"]),
    ("-z conv,tcp", ["-z", "conv,tcp"]),
]
SLOW = [("-z dests,tree", ["-z", "dests,tree"])]


def measure(user, capture, zargs):
    """(wall seconds, peak RSS MiB) of one tshark run."""
    start = time.monotonic()
    proc = user.run(["/usr/bin/time", "-f", "RSS %M", "tshark", "-r", capture, "-q"] + zargs,
                    timeout=3600)
    wall = time.monotonic() - start
    if proc.returncode != 0:
        raise SystemExit(f"tshark {' '.join(zargs)} failed:\n{proc.stderr[-2000:]}")
    rss_kib = int(proc.stderr.strip().splitlines()[-1].split()[1])
    return wall, rss_kib / 1024.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build", help="CMake build folder with pktan and pktan-gen")
    ap.add_argument("--connections", type=int, default=250000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--clients", type=int, default=16,
                    help="client hosts (pktan-gen --clients): a few hosts making many "
                         "connections, as a VM's capture is")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--markdown", help="write the result table here too")
    ap.add_argument("--without-dests-tree", action="store_true",
                    help="skip the one slow run (-z dests,tree, about 3 minutes at 250k)")
    args = ap.parse_args()
    slow = [] if args.without_dests_tree else SLOW

    build = os.path.abspath(args.build)
    os.environ.setdefault("PKTAN_PLUGIN", os.path.join(build, "plugins", "pktan", "pktan.so"))
    os.environ.setdefault("PKTAN_SOURCE_DIR", os.path.abspath(os.path.join(HERE, "..", "..")))
    with open(os.path.join(build, "common", "pktan_version.h")) as f:
        xy = [l.split('"')[1] for l in f if "PKTAN_WIRESHARK_XY" in l][0]
    os.environ.setdefault("PKTAN_XY", xy)

    user = WiresharkUser()
    try:
        user.install()
        capture = os.path.join(user.stage, "bench.pcap")
        t0 = time.monotonic()
        subprocess.run([os.path.join(build, "tests", "perf", "pktan-gen"), "--connections",
                        str(args.connections), "--seed", str(args.seed),
                        "--clients", str(args.clients), "--out", capture,
                        "--truth", os.path.join(user.stage, "bench.json")],
                       check=True, capture_output=True)
        os.chmod(capture, 0o644)
        packets = int(user.run(["capinfos", "-c", "-M", capture]).stdout.split()[-1])
        print(f"generated {args.connections} connections, {packets} packets "
              f"in {time.monotonic() - t0:.1f} s", flush=True)
        user.run(["tshark", "-r", capture, "-q"])  # warm the page cache

        cheap = [FLOOR] + PKTAN + WIRESHARK
        samples = {name: [] for name, _ in cheap + slow}
        for round_no in range(args.repeat):
            for name, zargs in cheap:
                samples[name].append(measure(user, capture, zargs))
                print(f"  round {round_no + 1}: {name}: {samples[name][-1][0]:.2f} s", flush=True)
        for name, zargs in slow:
            samples[name].append(measure(user, capture, zargs))
            print(f"  {name}: {samples[name][-1][0]:.2f} s", flush=True)
    finally:
        user.cleanup()

    floor_wall = statistics.median(w for w, _ in samples[FLOOR[0]])
    floor_rss = statistics.median(r for _, r in samples[FLOOR[0]])
    lines = [f"{args.connections} connections from {args.clients} client hosts, {packets} packets "
             f"(pktan-gen --seed {args.seed} --clients {args.clients}); "
             f"median of {args.repeat} interleaved runs{' (1 for dests,tree)' if slow else ''}; tshark "
             f"{subprocess.run(['tshark', '-v'], capture_output=True, text=True).stdout.split()[2]}, "
             f"{os.cpu_count()} cores.",
             "",
             "| command | wall (s) | vs floor | peak RSS (MiB) | vs floor |",
             "|---|---:|---:|---:|---:|"]
    for name, _ in cheap + slow:
        wall = statistics.median(w for w, _ in samples[name])
        rss = statistics.median(r for _, r in samples[name])
        lines.append(f"| `{name}` | {wall:.2f} | {wall / floor_wall - 1:+.1%} "
                     f"| {rss:.0f} | {rss / floor_rss - 1:+.1%} |")
    if slow:
        dests = statistics.median(w for w, _ in samples["pktan,dests"])
        tree = statistics.median(w for w, _ in samples["-z dests,tree"])
        lines += ["", f"`pktan,dests` is {tree / dests:.1f}x faster than `-z dests,tree`."]
    table = "\n".join(lines)
    print(table)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(table + "\n")


if __name__ == "__main__":
    main()
