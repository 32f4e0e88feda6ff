"""-z pktan,rtt against Wireshark's own tcp.analysis.initial_rtt on every
recorded capture and a generated 10 000-connection capture, and against
the ground truth of both (sidecars: delays, SYN retransmissions; the
generator: every handshake's final ACK frame, iRTT and SYN count)."""
import csv
import io
import json
import math
import os
import sys
import unittest
from collections import Counter, defaultdict

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from corpus import EveryCapture, ReportCorpus  # noqa: E402
from stats_tree_text import tree_counts  # noqa: E402
from wireshark_user import env_setting  # noqa: E402

corpus = ReportCorpus(10000, 11)
user, captures, generated = None, [], None



def setUpModule():
    global user, captures, generated
    user, captures, generated = corpus.start()


def tearDownModule():
    corpus.stop()


def rtt_json(path, *options):
    proc = user.tshark("-r", path, "-q", "-z", ",".join(("pktan,rtt", "format=json") + options))
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def ns(seconds_text):
    whole, _, frac = seconds_text.partition(".")
    return int(whole) * 10**9 + int((frac + "000000000")[:9])


def wireshark_initial_rtt(path):
    """{stream: (frame where initial_rtt first shows, iRTT ns, RST flag)}."""
    proc = user.tshark("-r", path, "-T", "fields", "-e", "tcp.stream", "-e", "frame.number",
                       "-e", "tcp.analysis.initial_rtt", "-e", "tcp.flags.reset",
                       "-Y", "tcp.analysis.initial_rtt")
    assert proc.returncode == 0, proc.stderr
    first = {}
    for line in proc.stdout.splitlines():
        stream, frame, irtt, rst = line.split("\t")
        first.setdefault(int(stream), (int(frame), ns(irtt), rst in ("1", "True")))
    return first


def nearest_rank(sorted_values, percent):
    return sorted_values[max(math.ceil(percent * len(sorted_values) / 100) - 1, 0)]


class EqualsWiresharkInitialRtt(EveryCapture, unittest.TestCase):
    corpus = corpus

    def check(self, path):
        report = rtt_json(path)
        wireshark = wireshark_initial_rtt(path)
        ours = {c["stream"]: c for c in report["connections"]}
        for stream, c in ours.items():
            self.assertIn(stream, wireshark, f"stream {stream}: Wireshark has no iRTT")
            frame, irtt, _ = wireshark[stream]
            self.assertEqual(c["ack_frame"], frame, f"stream {stream}")
            self.assertEqual(ns(str(c["irtt"]) if isinstance(c["irtt"], str) else
                                f"{c['irtt']:.9f}"), irtt, f"stream {stream}")
            self.assertEqual(ns(f"{c['syn_synack']:.9f}") + ns(f"{c['synack_ack']:.9f}"), irtt)
        # Wireshark also times the first ACK-flagged segment after a SYN when
        # it is a RST (a refused attempt): no handshake, so not ours.
        for stream, (_, _, rst) in wireshark.items():
            if stream not in ours:
                self.assertTrue(rst, f"stream {stream}: Wireshark times a handshake pktan missed")
        # The summary from Wireshark's own values, computed here.
        values = sorted(wireshark[s][1] for s in ours)
        summary = report["summary"]
        self.assertEqual(summary["handshakes"], len(values))
        if values:
            for key, expected in (("min", values[0]), ("max", values[-1]),
                                  ("median", nearest_rank(values, 50)),
                                  ("p95", nearest_rank(values, 95))):
                self.assertEqual(ns(f"{summary['irtt'][key]:.9f}"), expected, key)
            self.assertLessEqual(abs(ns(f"{summary['irtt']['mean']:.9f}") -
                                     sum(values) / len(values)), 1)
        self.assertEqual(sum(s["handshakes"] for s in report["servers"]), len(values))
        return report



class GroundTruth(unittest.TestCase):
    def test_generator_truth(self):
        path, truth = generated
        report = rtt_json(path)
        with open(truth["conn_list"]) as f:
            rows = [r for r in csv.DictReader(f, delimiter="\t") if r["transport"] == "tcp"]
        expected = {int(r["handshake_ack_frame"]): r for r in rows if r["handshake_ack_frame"]}
        ours = {c["ack_frame"]: c for c in report["connections"]}
        self.assertEqual(set(ours), set(expected))
        for frame, c in ours.items():
            t = expected[frame]
            self.assertEqual(f"{c['irtt']:.9f}", f"{float(t['irtt_seconds']):.9f}")
            self.assertEqual(c["syn_retransmissions"] + 1, int(t["syn_count"]))
            self.assertEqual((c["client"], c["client_port"], c["server"], c["server_port"]),
                             (t["client"], int(t["client_port"]), t["server"], int(t["server_port"])))
            self.assertEqual(c["first_syn_frame"], int(t["first_frame"]))
        per_server = Counter((t["server"], int(t["server_port"])) for t in expected.values())
        self.assertEqual({(s["address"], s["port"]): s["handshakes"] for s in report["servers"]},
                         dict(per_server))
        s = truth["summary"]
        self.assertEqual(report["summary"]["handshakes"], truth["tcp_handshakes_completed"])
        self.assertEqual(report["summary"]["incomplete"],
                         s["refused"] + s["icmp_rejected"] + s["unanswered"] + s["half_open"])
        self.assertEqual(report["summary"]["midstream"], s["midstream"])

    def test_recorded_delays_and_retries(self):
        checked = 0
        for path, truth in captures:
            established = [c for c in truth["connections"]
                           if c["transport"] == "tcp" and c["outcome"].startswith("established")]
            with self.subTest(capture=os.path.basename(path)):
                report = rtt_json(path)
                # A reused client port (port-reuse captures) has one
                # handshake per use, in stream order as the sidecar lists them.
                by_port = defaultdict(list)
                for c in sorted(report["connections"], key=lambda c: c["stream"]):
                    by_port[c["client_port"]].append(c)
                self.assertEqual(sorted(c["client_port"] for cs in by_port.values() for c in cs),
                                 sorted(c["client_port"] for c in established))
                for conn in established:
                    ours = by_port[conn["client_port"]].pop(0)
                    self.assertEqual(ours["syn_retransmissions"], conn["syn_count"] - 1)
                    if truth["side"] == "client" and conn.get("expected_irtt_s"):
                        self.assertAlmostEqual(ours["irtt"], conn["expected_irtt_s"], delta=0.002)
                        checked += 1
                if truth["side"] == "client" and established and truth["scenario"] == "http":
                    # The configured round trip, per server, on the delayed captures.
                    for server in report["servers"]:
                        self.assertAlmostEqual(server["irtt"]["median"],
                                               2 * truth["one_way_delay_ms"] / 1000, delta=0.002)
                if report["connections"]:
                    side = "clients" if truth["side"] == "client" else "servers"
                    self.assertTrue(report["summary"]["capture_point"].startswith(f"near the {side}"),
                                    report["summary"]["capture_point"])
        self.assertGreater(checked, 10)

    def test_port_reuse_is_two_handshakes(self):
        """One 4-tuple used twice: two handshakes, two tcp.streams, each timed
        on its own (real capture: port-reuse-*)."""
        for path, truth in captures:
            if truth["scenario"] != "port-reuse":
                continue
            with self.subTest(capture=os.path.basename(path)):
                report = rtt_json(path)
                tuples = {(c["client"], c["client_port"], c["server"], c["server_port"])
                          for c in report["connections"]}
                self.assertEqual(len(tuples), 1)
                self.assertEqual(len({c["stream"] for c in report["connections"]}), 2)
                self.assertEqual(report["summary"]["handshakes"], 2)

    def test_headers_quoted_in_icmp_are_no_handshakes(self):
        """Real ICMP port unreachable errors quoting the SYN (reject-icmp,
        icmp-lost, both sides): one incomplete attempt, nothing else; the
        quoted SYNs neither start a connection nor count as SYNs (test_conn
        checks the SYN counts against the sidecars with the same tracker)."""
        checked = 0
        for path, truth in captures:
            if truth["scenario"] not in ("reject-icmp", "icmp-lost"):
                continue
            with self.subTest(capture=os.path.basename(path)):
                summary = rtt_json(path)["summary"]
                tcp = [c for c in truth["connections"] if c["transport"] == "tcp"]
                self.assertEqual((summary["handshakes"], summary["incomplete"],
                                  summary["midstream"]), (0, len(tcp), 0))
                checked += 1
        self.assertEqual(checked, 8)

    def test_tunnelled_handshake_counts_once(self):
        """VXLAN: the inner connection is one handshake between the inner
        addresses (real capture: tunnels-v4-d5-*)."""
        for path, truth in captures:
            if truth["scenario"] != "tunnels":
                continue
            with self.subTest(capture=os.path.basename(path)):
                report = rtt_json(path)
                self.assertEqual([(c["client"], c["server"]) for c in report["connections"]],
                                 [(c["client"], c["server"]) for c in truth["connections"]])


class DialogTree(unittest.TestCase):
    """Statistics > PktAn > Handshake RTT is a stats tree, which tshark can
    print too (-z pktan_rtt,tree): handshakes per server as the report."""

    def test_tree_counts_equal_report(self):
        for path in [p for p, t in captures if t["scenario"] in ("http", "syn-retry")] + \
                [generated[0]]:
            with self.subTest(capture=os.path.basename(path)):
                report = rtt_json(path)
                tree = tree_counts(user, path, "pktan_rtt,tree")
                expected = {}
                for s in report["servers"]:
                    addr = f"[{s['address']}]" if ":" in s["address"] else s["address"]
                    name = f"{addr}:{s['port']}" + (f" ({s['service']})" if s["service"] else "")
                    expected[(name,)] = s["handshakes"]
                self.assertEqual(tree, expected)


class Options(unittest.TestCase):
    def test_sort_top_filter_and_formats(self):
        path = generated[0]
        by_count = rtt_json(path)
        counts = [s["handshakes"] for s in by_count["servers"]]
        self.assertEqual(counts, sorted(counts, reverse=True))
        by_median = rtt_json(path, "sort=median")
        medians = [s["irtt"]["median"] for s in by_median["servers"]]
        self.assertEqual(medians, sorted(medians, reverse=True))
        irtts = [c["irtt"] for c in by_count["connections"]]
        self.assertEqual(irtts, sorted(irtts, reverse=True))

        only_ssh = rtt_json(path, "tcp.port==22")
        self.assertEqual({s["port"] for s in only_ssh["servers"]}, {22})
        self.assertEqual(only_ssh["filter"], "tcp.port==22")

        text = user.tshark("-r", path, "-q", "-z", "pktan,rtt,top=5").stdout
        more = by_count["summary"]["handshakes"] - 5
        self.assertIn(f"... {more} more rows not shown", text)
        self.assertIn(f"{by_count['summary']['handshakes']} handshakes", text)

        rows = list(csv.DictReader(io.StringIO(
            user.tshark("-r", path, "-q", "-z", "pktan,rtt,format=csv").stdout)))
        self.assertEqual(len(rows), by_count["summary"]["handshakes"])
        self.assertEqual(Counter(r["server_port"] for r in rows),
                         Counter(str(c["server_port"]) for c in by_count["connections"]))


if __name__ == "__main__":
    unittest.main(verbosity=2)
