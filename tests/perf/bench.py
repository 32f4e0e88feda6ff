#!/usr/bin/env python3
"""Benchmark: whole-process wall time and peak RSS of tshark runs on a
generated capture, all measured in one run so that the ratios hold even
though these machines drift between runs.

  python3 tests/perf/bench.py --build build [--connections 250000] [--repeat 3]
                              [--markdown docs/benchmark.md]
                              [--scaling 50000,250000,1000000]

Generates the capture with pktan-gen (--connections 1000000 for the big
one), then runs, as an unprivileged user with pktan installed per user
(root would not load it): the dissection floor `-z endpoints,eth` (every
packet dissected, no protocol tree), each pktan report alone, all pktan
reports together in one tshark, and Wireshark's own `-z io,phs`,
`-z conv,tcp` and `-z dests,tree`. pktan,unexpected is included once it
exists (detected by running it on an empty capture; --unexpected yes|no
overrides). The cheap commands run in --repeat rounds, each command
between two floor runs (floor, A, floor, B, ..., floor), each round
starting one command later; the table gives the medians, the median of
each run's ratio to the mean of the floor runs beside it, and each
command's fastest run against the floor's fastest.

--scaling N1,N2,...: also measures the floor and all pktan reports together
on a capture of each size (generated one at a time, deleted after) and
reports how wall time and peak RSS grow: per connection, the marginal
slope between sizes, and a NON-LINEAR flag when the cost of a connection
grows with the capture (see tests/perf/README.md).

--instructions N: also counts the instructions and level-1 cache misses
(valgrind cachegrind, a fixed cache model) of the floor, each report and
all of them on an N-connection capture: costs this machine's drift does
not move, to read beside the wall times."""
import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from wireshark_user import WiresharkUser, write_empty_pcap  # noqa: E402

FLOOR = ("floor: -z endpoints,eth", ["-z", "endpoints,eth"])
REPORTS = ["dests", "rtt", "conn", "unexpected"]
WIRESHARK = [
    ("-z io,phs", ["-z", "io,phs"]),
    ("-z conv,tcp", ["-z", "conv,tcp"]),
]
SLOW = [("-z dests,tree", ["-z", "dests,tree"])]
# pktan,dests run right after each -z dests,tree run (run_tree_pairs).
DESTS_AFTER_TREE = "pktan,dests (after dests,tree)"
MAX_PER_CLIENT = 28000  # pktan-gen: distinct ephemeral ports per client host
# Growth this much above the earlier segment's is more than run-to-run noise.
NON_LINEAR = 1.30
# The bound: all reports within 10% of the floor's peak RSS.
RSS_BOUND = 0.10


def measure(user, capture, zargs):
    """(wall seconds, peak RSS MiB, system seconds, minor page faults) of one
    tshark run. The kernel's share is beside the wall time because a page
    fault costs a tshark on these VMs several microseconds: memory a report
    touches costs time as well as RSS, and the fault count, unlike time,
    hardly moves from run to run."""
    start = time.monotonic()
    proc = user.run(["/usr/bin/time", "-f", "RSS %M %S %R", "tshark", "-r", capture, "-q"] + zargs,
                    timeout=7200)
    wall = time.monotonic() - start
    if proc.returncode != 0:
        raise SystemExit(f"tshark {' '.join(zargs)} failed:\n{proc.stderr[-2000:]}")
    fields = proc.stderr.strip().splitlines()[-1].split()
    return wall, int(fields[1]) / 1024.0, float(fields[2]), int(fields[3])


# The cache valgrind simulates, fixed rather than read off whichever host
# runs it (this VM's L1s: 32 KiB, 8-way, 64-byte lines), so that the counts
# are the same on every machine.
CACHE_MODEL = ["--I1=32768,8,64", "--D1=32768,8,64", "--LL=33554432,16,64"]
COUNTED = ("Ir", "I1mr", "D1mr", "D1mw")


def instructions(user, capture, zargs):
    """{event: count} of one tshark run under valgrind's cachegrind:
    instructions executed (Ir) and the misses of the simulated level-1
    instruction and data caches (I1mr, D1mr + D1mw). Unlike wall time, the
    same from run to run on a shared machine; the misses are what the
    instructions alone do not show: each cache line of code or data a
    report touches per packet is one tshark's own dissection evicted since
    the last packet."""
    out = os.path.join(user.home, "cachegrind.out")  # the user writes it
    proc = user.run(["valgrind", "--tool=cachegrind", "--cache-sim=yes"] + CACHE_MODEL +
                    [f"--cachegrind-out-file={out}", "tshark", "-r", capture, "-q"] + zargs,
                    timeout=7200)
    if proc.returncode != 0:
        raise SystemExit(f"cachegrind tshark {' '.join(zargs)} failed:\n{proc.stderr[-2000:]}")
    with open(out) as f:
        lines = f.read().splitlines()
    os.remove(out)
    events = next(l for l in lines if l.startswith("events:")).split()[1:]
    summary = [int(v) for v in next(l for l in lines if l.startswith("summary:")).split()[1:]]
    counts = dict(zip(events, summary))
    return {e: counts[e] for e in COUNTED}


def instructions_table(args, packets, commands, counts):
    floor = counts[FLOOR[0]]

    def misses(c, prefix):
        return sum(v for e, v in c.items() if e.startswith(prefix))

    lines = [f"Instructions and level-1 cache misses (valgrind cachegrind, I1 and D1 "
             f"32 KiB 8-way) on {args.instructions} connections, {packets} packets "
             f"(pktan-gen --seed {args.seed} --clients {args.clients}); one run each (pktan's own "
             "counts are the same in every run; Wireshark's move by a few per packet between "
             "runs).",
             "",
             "| command | instructions (M) | vs floor | per packet vs floor "
             "| I1 misses per packet vs floor | D1 misses per packet vs floor |",
             "|---|---:|---:|---:|---:|---:|"]
    for name, _ in commands:
        c = counts[name]
        lines.append(f"| `{name}` | {c['Ir'] / 1e6:.1f} | {c['Ir'] / floor['Ir'] - 1:+.1%} "
                     f"| {(c['Ir'] - floor['Ir']) / packets:+.0f} "
                     f"| {(misses(c, 'I1') - misses(floor, 'I1')) / packets:+.1f} "
                     f"| {(misses(c, 'D1') - misses(floor, 'D1')) / packets:+.1f} |")
    return lines


def report_exists(user, report):
    """Whether -z pktan,REPORT runs (a report not written yet exits non-zero
    saying so)."""
    empty = write_empty_pcap(os.path.join(user.stage, "empty.pcap"))
    proc = user.run(["tshark", "-r", empty, "-q", "-z", f"pktan,{report}"])
    return proc.returncode == 0 and "not implemented" not in proc.stderr


def pktan_commands(reports):
    alone = [(f"pktan,{r}", ["-z", f"pktan,{r}"]) for r in reports]
    together = (f"all pktan: {' + '.join(reports)}",
                [a for r in reports for a in ("-z", f"pktan,{r}")])
    return alone, together


def generate(build, user, connections, seed, clients):
    """(capture path, packets) of a fresh pktan-gen capture in the stage."""
    capture = os.path.join(user.stage, f"bench-{connections}.pcap")
    truth = os.path.join(user.stage, f"bench-{connections}.json")
    t0 = time.monotonic()
    subprocess.run([os.path.join(build, "tests", "perf", "pktan-gen"), "--connections",
                    str(connections), "--seed", str(seed), "--clients", str(clients),
                    "--out", capture, "--truth", truth], check=True, capture_output=True)
    os.chmod(capture, 0o644)
    for leftover in (truth, truth[:-len(".json")] + ".conns.tsv"):
        if os.path.exists(leftover):
            os.remove(leftover)
    packets = int(user.run(["capinfos", "-c", "-M", capture]).stdout.split()[-1])
    print(f"generated {connections} connections, {packets} packets "
          f"in {time.monotonic() - t0:.1f} s", flush=True)
    user.run(["tshark", "-r", capture, "-q"])  # warm the page cache
    return capture, packets


def run_rounds(user, capture, commands, repeat, label=""):
    """commands[0] is the floor. Each round runs every other command once,
    each between two floor runs (floor, A, floor, B, ..., floor), starting
    one command later than the round before. A command's run is measured
    against the mean of the two floor runs beside it, whose wall time and
    peak RSS are appended to its sample: this machine's speed changes by
    tens of percent within minutes, and a round of eight commands takes
    three, so a floor run at the round's start was no measure for a run at
    its end."""
    floor_name, floor_zargs = commands[0]
    others = commands[1:]
    samples = {name: [] for name, _ in commands}

    def run(name, zargs, round_no):
        sample = measure(user, capture, zargs)
        print(f"  {label}round {round_no + 1}: {name}: {sample[0]:.2f} s, {sample[1]:.0f} MiB, "
              f"system {sample[2]:.2f} s", flush=True)
        return sample

    for round_no in range(repeat):
        start = round_no % len(others)
        before = run(floor_name, floor_zargs, round_no)
        samples[floor_name].append(before)
        for name, zargs in others[start:] + others[:start]:
            sample = run(name, zargs, round_no)
            after = run(floor_name, floor_zargs, round_no)
            samples[floor_name].append(after)
            samples[name].append(sample + ((before[0] + after[0]) / 2,
                                           (before[1] + after[1]) / 2))
            before = after
    return samples


def run_tree_pairs(user, capture, dests_zargs, repeat):
    """-z dests,tree, each run followed at once by a pktan,dests run: the
    ratio of a pair holds where single runs of either scatter (-z dests,tree
    took 156 s in one run and 255 s in another)."""
    tree_name, tree_zargs = SLOW[0]
    pairs = {tree_name: [], DESTS_AFTER_TREE: []}
    for pair_no in range(repeat):
        for name, zargs in ((tree_name, tree_zargs),
                            (DESTS_AFTER_TREE, dests_zargs)):
            pairs[name].append(measure(user, capture, zargs))
            print(f"  pair {pair_no + 1}: {name}: {pairs[name][-1][0]:.2f} s", flush=True)
    return pairs


def tree_lines(samples):
    tree, dests = samples[SLOW[0][0]], samples[DESTS_AFTER_TREE]
    ratios = sorted(t[0] / d[0] for t, d in zip(tree, dests))
    return ["", f"`pktan,dests` against `-z dests,tree`, {len(ratios)} pairs (each `-z dests,tree` "
                f"run followed at once by a `pktan,dests` run): **{statistics.median(ratios):.1f}x** "
                f"faster by the median of the pairs' ratios (pairs {ratios[0]:.1f}x .. "
                f"{ratios[-1]:.1f}x); `-z dests,tree` took {median(tree, 0):.1f} s, "
                f"`pktan,dests` {median(dests, 0):.2f} s (medians)."]


def median(samples, i):
    return statistics.median(s[i] for s in samples)


def paired(samples, name, i):
    """Each run's ratio to the mean of the two floor runs beside it (field
    4 + i of its sample: run_rounds), as a sorted list (0 for the floor's
    own)."""
    if name == FLOOR[0]:
        return [0.0] * len(samples[name])
    return sorted(s[i] / s[4 + i] - 1 for s in samples[name])


def bracketed(samples, name):
    """Whether name's runs were measured between floor runs (run_rounds)."""
    return name == FLOOR[0] or len(samples[name][0]) > 4


def table(args, packets, samples, commands, together, slow, tshark_version):
    floor_wall, floor_rss = median(samples[FLOOR[0]], 0), median(samples[FLOOR[0]], 1)
    lines = [f"{args.connections} connections from {args.clients} client hosts, {packets} packets "
             f"(pktan-gen --seed {args.seed} --clients {args.clients}); "
             f"{args.repeat} rounds, each command run between two floor runs; "
             f"tshark {tshark_version}, {os.cpu_count()} cores. Wall and RSS: medians. "
             "vs floor: the median of each run's ratio to the mean of the two floor runs beside it; "
             "the range is the lowest and highest of those ratios. Fastest: each command's "
             "fastest run against the floor's fastest (what other load on the machine "
             "only ever adds to is least in the fastest run).",
             "",
             "| command | wall (s) | vs floor | range | fastest (s) | vs floor | "
             "peak RSS (MiB) | vs floor | system (s) | page faults | vs floor |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    floor_fastest = min(s[0] for s in samples[FLOOR[0]])
    floor_faults = median(samples[FLOOR[0]], 3)
    for name, _ in commands:
        wall, rss = median(samples[name], 0), median(samples[name], 1)
        if bracketed(samples, name):
            walls, rsses = paired(samples, name, 0), paired(samples, name, 1)
            wall_cell = f"{statistics.median(walls):+.1%}"
            range_cell = f"{walls[0]:+.1%} .. {walls[-1]:+.1%}"
            rss_cell = f"{statistics.median(rsses):+.1%}"
        else:  # not in the rounds (-z dests,tree): against the floor's median
            wall_cell, range_cell = f"{wall / floor_wall - 1:+.1%}", ""
            rss_cell = f"{rss / floor_rss - 1:+.1%}"
        fastest = min(s[0] for s in samples[name])
        faults = median(samples[name], 3)
        lines.append(f"| `{name}` | {wall:.2f} | {wall_cell} | {range_cell} "
                     f"| {fastest:.2f} | {fastest / floor_fastest - 1:+.1%} "
                     f"| {rss:.0f} | {rss_cell} | {median(samples[name], 2):.2f} "
                     f"| {faults:.0f} | {faults - floor_faults:+.0f} |")
    rss_all = median(samples[together[0]], 1)
    lines += ["", f"All pktan reports together: peak RSS {rss_all / floor_rss - 1:+.1%} of the "
                  f"floor's (bound: +{RSS_BOUND:.0%}"
                  f"{', EXCEEDED' if rss_all > floor_rss * (1 + RSS_BOUND) else ', kept'})."]
    if slow and SLOW[0][0] in samples:
        lines += tree_lines(samples)
    return lines


def floor_share(samples, name):
    """1 + the median of each run's wall-time ratio to the floor runs beside
    it (startup not taken off: both runs pay it)."""
    return 1 + statistics.median(paired(samples, name, 0))


def fastest(samples, i):
    return min(s[i] for s in samples)


def growth(cost1, n1, cost2, n2, start):
    """How much one of n2 connections costs against one of n1 (start: the
    fixed cost of an empty capture, taken off both)."""
    return ((cost2 - start) / n2) / max((cost1 - start) / n1, 1e-12)


def verdict(ratio, flags, what, span):
    """The growth cell for ratio; past NON_LINEAR, what grew over span
    joins flags."""
    if ratio <= NON_LINEAR:
        return f"{ratio:.2f}x"
    flags.append(f"{what} {ratio:.2f}x {span}")
    return f"{ratio:.2f}x NON-LINEAR"


def scaling_table(args, points, together_name, startup, tshark_version):
    """points: [(connections, packets, samples)] in increasing size; startup:
    (wall, RSS MiB) of tshark on an empty capture, taken off before costs are
    divided by connections (else the fixed start-up cost makes small
    captures look dear).

    Time growth is judged on each size's fastest run: on these VMs other
    work slows a run, never speeds it up (runs of the same command
    differed by over 40% on 2026-12-03), and a size's median of 3 could be
    such a run, which then made a verdict of its own. The medians are shown
    beside it. Peak RSS does not scatter."""
    names = [FLOOR[0], together_name]

    def per_conn(wall, n):
        return (wall - startup[0]) * 1e6 / n

    lines = [f"Growth from {points[0][0]} to {points[-1][0]} connections "
             f"({args.scaling_clients} client hosts, pktan-gen --seed {args.seed}); "
             f"{args.scaling_repeat} runs per size, each between two floor runs; per connection = (run - tshark start-up "
             f"on an empty capture: {startup[0]:.2f} s, {startup[1]:.0f} MiB) / connections; "
             f"wall: median and fastest run; tshark {tshark_version}, {os.cpu_count()} cores.",
             "",
             "| connections | packets | command | wall (s): median | fastest | µs per connection: "
             "median | fastest | peak RSS (MiB) | bytes per connection | wall vs floor | RSS vs floor "
             "| pktan bytes per connection |",
             "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n, packets, samples in points:
        floor_rss = median(samples[FLOOR[0]], 1)
        for name in names:
            wall, quick = median(samples[name], 0), fastest(samples[name], 0)
            rss = median(samples[name], 1)
            extra = "" if name == FLOOR[0] else f"{(rss - floor_rss) * 1048576 / n:.0f}"
            vs = "" if name == FLOOR[0] else f"{rss / floor_rss - 1:+.1%}"
            wall_vs = "" if name == FLOOR[0] else f"{floor_share(samples, name) - 1:+.1%}"
            lines.append(f"| {n} | {packets} | `{name}` | {wall:.2f} | {quick:.2f} "
                         f"| {per_conn(wall, n):.1f} | {per_conn(quick, n):.1f} | {rss:.0f} "
                         f"| {(rss - startup[1]) * 1048576 / n:.0f} | {wall_vs} | {vs} | {extra} |")
    lines += ["", "Between sizes: the marginal cost of a connection (slope, fastest runs), and "
                  "the change of the cost per connection; NON-LINEAR when a connection costs more "
                  f"than {NON_LINEAR:.2f}x what it did at the smaller size (time: fastest runs; "
                  "the medians' change beside it). Time vs floor: how pktan's wall-time ratio to "
                  "the floor (the median of each run's ratio to the floor runs beside it) changed: "
                  "the floor's own cost per "
                  "connection moves between sizes too (Wireshark's dissection, and this machine's "
                  "drift between runs minutes apart).", "",
              "| from | to | command | slope: µs/conn | slope: bytes/conn "
              "| time per connection | (medians) | memory per connection | time vs floor |",
              "|---:|---:|---|---:|---:|---:|---:|---:|---:|"]
    flags = []
    for name in names:
        for (n1, _, s1), (n2, _, s2) in zip(points, points[1:]):
            q1, q2 = fastest(s1[name], 0), fastest(s2[name], 0)
            r1, r2 = median(s1[name], 1), median(s2[name], 1)
            ratio_w = growth(q1, n1, q2, n2, startup[0])
            ratio_m = growth(median(s1[name], 0), n1, median(s2[name], 0), n2, startup[0])
            ratio_r = growth(r1, n1, r2, n2, startup[1])
            span = f"from {n1} to {n2}"
            cells = [verdict(ratio_w, flags, f"{name}: time per connection", span),
                     f"{ratio_m:.2f}x",
                     verdict(ratio_r, flags, f"{name}: memory per connection", span),
                     "" if name == FLOOR[0] else
                     f"{floor_share(s2, name) / floor_share(s1, name):.2f}x"]
            lines.append(f"| {n1} | {n2} | `{name}` | {(q2 - q1) * 1e6 / (n2 - n1):.1f} "
                         f"| {(r2 - r1) * 1048576 / (n2 - n1):.0f} | {' | '.join(cells)} |")
    exceeded = [n for n, _, s in points
                if median(s[together_name], 1) > median(s[FLOOR[0]], 1) * (1 + RSS_BOUND)]
    lines += ["", "Growth: " + ("NON-LINEAR: " + "; ".join(flags) + "." if flags else
                                "linear (no cost per connection grew more than "
                                f"{NON_LINEAR:.2f}x).")
              + (f" All pktan reports exceed +{RSS_BOUND:.0%} of the floor's peak RSS at "
                 f"{', '.join(map(str, exceeded))} connections." if exceeded else
                 f" All pktan reports stay within +{RSS_BOUND:.0%} of the floor's peak RSS "
                 "at every size.")]
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build", help="CMake build folder with pktan and pktan-gen")
    ap.add_argument("--connections", type=int, default=250000,
                    help="size of the capture of the main table (1000000 for the big one)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--clients", type=int, default=16,
                    help="client hosts (pktan-gen --clients): a few hosts making many "
                         "connections, as a VM's capture is")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--markdown", help="write the result tables here too")
    ap.add_argument("--without-dests-tree", action="store_true",
                    help="skip -z dests,tree and its pairs with pktan,dests (about 3 minutes "
                         "a pair at 250k)")
    ap.add_argument("--tree-repeat", type=int, default=3,
                    help="pairs of -z dests,tree and pktan,dests runs (about 3 minutes each "
                         "at 250k)")
    ap.add_argument("--unexpected", choices=("auto", "yes", "no"), default="auto",
                    help="include pktan,unexpected (auto: if it runs on an empty capture)")
    ap.add_argument("--scaling", help="comma-separated connection counts, e.g. 50000,250000,1000000")
    ap.add_argument("--scaling-only", action="store_true",
                    help="skip the main table (for --scaling or --instructions alone)")
    ap.add_argument("--scaling-repeat", type=int, default=3,
                    help="runs per size of the growth table, each between two floor runs")
    ap.add_argument("--instructions", type=int, metavar="N",
                    help="also count instructions and L1 cache misses (cachegrind) of the floor, each report and "
                         "all of them on an N-connection capture, e.g. 30000")
    args = ap.parse_args()
    slow = [] if args.without_dests_tree or args.tree_repeat < 1 else SLOW
    sizes = sorted({int(n) for n in args.scaling.split(",")}) if args.scaling else []
    if args.scaling_only and len(sizes) < 2 and not args.instructions:
        ap.error("--scaling-only needs --scaling with at least two sizes, or --instructions")

    build = os.path.abspath(args.build)
    os.environ.setdefault("PKTAN_PLUGIN", os.path.join(build, "plugins", "pktan", "pktan.so"))
    os.environ.setdefault("PKTAN_SOURCE_DIR", os.path.abspath(os.path.join(HERE, "..", "..")))
    with open(os.path.join(build, "common", "pktan_version.h")) as f:
        xy = [l.split('"')[1] for l in f if "PKTAN_WIRESHARK_XY" in l][0]
    os.environ.setdefault("PKTAN_XY", xy)
    tshark_version = subprocess.run(["tshark", "-v"], capture_output=True,
                                    text=True).stdout.split()[2]

    user = WiresharkUser()
    lines = []
    try:
        user.install()
        reports = [r for r in REPORTS if r != "unexpected" or args.unexpected == "yes" or
                   (args.unexpected == "auto" and report_exists(user, r))]
        print(f"pktan reports measured: {', '.join(reports)}", flush=True)
        alone, together = pktan_commands(reports)
        points, startup = [], None
        if sizes:
            empty = write_empty_pcap(os.path.join(user.stage, "empty.pcap"))
            startup = tuple(statistics.median(v) for v in zip(
                *[measure(user, empty, FLOOR[1]) for _ in range(max(args.repeat, 3))]))
        # pktan-gen gives each client host distinct ephemeral ports, so the
        # biggest size needs enough hosts; all sizes get the same number.
        args.scaling_clients = max([args.clients] + [-(-n // MAX_PER_CLIENT) for n in sizes])
        if not args.scaling_only:
            capture, packets = generate(build, user, args.connections, args.seed, args.clients)
            cheap = [FLOOR] + alone + [together] + WIRESHARK
            samples = run_rounds(user, capture, cheap, args.repeat)
            if slow and "pktan,dests" in samples:
                samples.update(run_tree_pairs(user, capture, dict(alone)["pktan,dests"],
                                              args.tree_repeat))
            lines += table(args, packets, samples, cheap + slow, together, slow, tshark_version)
            write_markdown(args, lines)
            if args.connections in sizes and args.scaling_clients == args.clients:
                points.append((args.connections, packets,
                               {k: samples[k] for k in (FLOOR[0], together[0])}))
            os.remove(capture)
        for n in sizes:
            if any(p[0] == n for p in points):
                continue
            capture, packets = generate(build, user, n, args.seed, args.scaling_clients)
            points.append((n, packets, run_rounds(user, capture, [FLOOR, together],
                                                  args.scaling_repeat, label=f"{n}: ")))
            os.remove(capture)
        if len(points) >= 2:
            points.sort(key=lambda p: p[0])
            lines += ([""] if lines else []) + scaling_table(args, points, together[0],
                                                             startup, tshark_version)
        if args.instructions:
            capture, packets = generate(build, user, args.instructions, args.seed, args.clients)
            counted = [FLOOR] + alone + [together]
            counts = {}
            for name, zargs in counted:
                counts[name] = instructions(user, capture, zargs)
                print(f"  {name}: {counts[name]}", flush=True)
            lines += ([""] if lines else []) + instructions_table(args, packets, counted, counts)
            os.remove(capture)
    finally:
        user.cleanup()

    print("\n".join(lines))
    write_markdown(args, lines)


def write_markdown(args, lines):
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
