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
from corpus import EveryCapture, ReportCorpus, WITH_FRAME_RECORDS, wireshark_xy  # noqa: E402
from stats_tree_text import report_and_tree_counts  # noqa: E402
from wireshark_user import env_setting, field_is_true  # noqa: E402

corpus = ReportCorpus(10000, 11)
user, captures, generated = None, [], None
truths = {}


def setUpModule():
    global user, captures, generated
    user, captures, generated = corpus.start()
    truths.update(captures)


def tearDownModule():
    corpus.stop()


def rtt_json(path, *options, together=()):
    if not options and not together:
        return rtt_and_tree(path)[0]
    return json.loads(user.tshark_output(
        "-r", path, "-q", "-z", ",".join(("pktan,rtt", "format=json") + options), *together))


def rtt_and_tree(path):
    """pktan,rtt in JSON and the dialog's tree of path (one tshark run)."""
    text, tree = report_and_tree_counts(user, path, "pktan,rtt,format=json", "pktan_rtt,tree")
    return json.loads(text), tree


def ns(seconds_text):
    whole, _, frac = seconds_text.partition(".")
    return int(whole) * 10**9 + int((frac + "000000000")[:9])


def wireshark_initial_rtt(path):
    """{stream: (frame where initial_rtt first shows, iRTT ns, RST flag)}."""
    out = user.tshark_output("-r", path, "-T", "fields", "-e", "tcp.stream", "-e", "frame.number",
                             "-e", "tcp.analysis.initial_rtt", "-e", "tcp.flags.reset",
                             "-Y", "tcp.analysis.initial_rtt")
    first = {}
    for line in out.splitlines():
        stream, frame, irtt, rst = line.split("\t")
        first.setdefault(int(stream), (int(frame), ns(irtt), field_is_true(rst)))
    return first


def nearest_rank(sorted_values, percent):
    return sorted_values[max(math.ceil(percent * len(sorted_values) / 100) - 1, 0)]


class EqualsWiresharkInitialRtt(EveryCapture, unittest.TestCase):
    corpus = corpus
    together = ()

    def check(self, path):
        if (truths.get(path) or {}).get("file_order"):
            # Wireshark times the first pure ACK after the SYN in file
            # order, whichever side sent it: OutOfTimeOrder compares there.
            return None
        report = rtt_json(path, together=self.together)
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



class EqualsWiresharkInitialRttReadAsFrameRecords(EqualsWiresharkInitialRtt):
    together = WITH_FRAME_RECORDS


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
                    if truth["side"] in ("client", "middle") and conn.get("expected_irtt_s"):
                        self.assertAlmostEqual(ours["irtt"], conn["expected_irtt_s"], delta=0.002)
                        checked += 1
                if truth["side"] == "client" and established and truth["scenario"] == "http":
                    # The configured round trip, per server, on the delayed captures.
                    for server in report["servers"]:
                        self.assertAlmostEqual(server["irtt"]["median"],
                                               2 * truth["one_way_delay_ms"] / 1000, delta=0.002)
                if report["connections"]:
                    where = {"client": "near the clients", "server": "near the servers",
                             "middle": "between clients and servers"}[truth["side"]]
                    self.assertTrue(report["summary"]["capture_point"].startswith(where),
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


def frame_facts(path):
    """{frame number: (time ns, tcp.stream, src port, dst port, SYN, ACK,
    payload length)} of the TCP frames, from tshark."""
    out = user.tshark_output("-r", path, "-Y", "tcp", "-T", "fields", "-e", "frame.number",
                             "-e", "frame.time_epoch", "-e", "tcp.stream", "-e", "tcp.srcport",
                             "-e", "tcp.dstport", "-e", "tcp.flags.syn", "-e", "tcp.flags.ack",
                             "-e", "tcp.len")
    facts = {}
    for line in out.splitlines():
        n, t, stream, sp, dp, syn, ack, length = line.split("\t")
        facts[int(n)] = (ns(t), int(stream), int(sp), int(dp), field_is_true(syn),
                         field_is_true(ack), int(length))
    return facts


def established_per_server(truth):
    return Counter((c["server"], c["server_port"]) for c in truth["connections"]
                   if c["transport"] == "tcp" and c["outcome"].startswith("established"))


class RealEdgeCases(unittest.TestCase):
    """Issue 4's edge cases on real captures: VLAN-tagged frames (802.1Q and
    QinQ), a GRE-encapsulated mirror, a capture out of time order."""

    def scenario(self, name, count):
        found = [(p, t) for p, t in captures if t["scenario"] == name]
        self.assertEqual(len(found), count, name)
        return found

    def test_handshakes_per_server_equal_truth(self):
        for name, count in (("vlan", 4), ("gre", 2), ("reorder", 2 if wireshark_xy() < (4, 4) else 0)):
            for path, truth in self.scenario(name, count):
                with self.subTest(capture=os.path.basename(path)):
                    report = rtt_json(path)
                    self.assertEqual({(s["address"], s["port"]): s["handshakes"]
                                      for s in report["servers"]},
                                     dict(established_per_server(truth)))
                    self.assertEqual(sorted((c["client"], c["client_port"], c["server"],
                                             c["server_port"]) for c in report["connections"]),
                                     sorted((c["client"], c["client_port"], c["server"],
                                             c["server_port"]) for c in truth["connections"]))

    def test_vlan_tagged_handshakes(self):
        """802.1Q (client link) and QinQ (server link): each handshake once,
        timed as on an untagged link (EqualsWiresharkInitialRtt compares
        every value with tcp.analysis.initial_rtt)."""
        for path, truth in self.scenario("vlan", 4):
            with self.subTest(capture=os.path.basename(path)):
                self.assertTrue(truth["vlan_tags"])
                summary = rtt_json(path)["summary"]
                self.assertEqual((summary["handshakes"], summary["incomplete"],
                                  summary["midstream"]), (len(truth["connections"]), 0, 0))

    def test_gre_inner_connection_counts_once(self):
        """A mirror over GRE: the inner connection is one handshake between
        the inner addresses; the outer mirror->collector packets are none."""
        for path, truth in self.scenario("gre", 2):
            with self.subTest(capture=os.path.basename(path)):
                report = rtt_json(path)
                self.assertEqual(report["summary"]["handshakes"], len(truth["connections"]))
                self.assertEqual(report["summary"]["incomplete"], 0)
                self.assertEqual({s["address"] for s in report["servers"]}, {truth["server"]})
                self.assertEqual(len({c["stream"] for c in report["connections"]}),
                                 len(truth["connections"]))
                wireshark = wireshark_initial_rtt(path)
                for c in report["connections"]:
                    self.assertEqual(ns(f"{c['irtt']:.9f}"), wireshark[c["stream"]][1])
                    self.assertAlmostEqual(c["irtt"], truth["connections"][0]["expected_irtt_s"],
                                           delta=0.002)


class OutOfTimeOrder(unittest.TestCase):
    """reorder-*: dumpcap on two interfaces wrote SYN/ACKs before their
    SYNs. The handshake is still the client's SYN, the server's SYN/ACK and
    the client's ACK (the sidecar's frames), its iRTT ACK minus SYN by their
    timestamps. Wireshark 4.0 takes the first pure ACK after the SYN in
    file order from either side as the end of the handshake: where that is
    the server's ACK of the request (written before the client's ACK) its
    tcp.analysis.initial_rtt is longer than the handshake; elsewhere it
    equals ours."""

    @unittest.skipIf(wireshark_xy() >= (4, 4), "Wireshark 4.4+ splits these handshakes into two "
                     "tcp.streams (tests/lib/corpus.py: checked_here)")
    def test_reordered_handshakes(self):
        captures_seen, before, wireshark_equal, wireshark_other_ack = 0, 0, 0, 0
        for path, truth in captures:
            if truth["scenario"] != "reorder":
                continue
            captures_seen += 1
            with self.subTest(capture=os.path.basename(path)):
                facts = frame_facts(path)
                report = rtt_json(path)
                ours = {c["client_port"]: c for c in report["connections"]}
                self.assertEqual(report["summary"]["handshakes"], len(truth["connections"]))
                wireshark = wireshark_initial_rtt(path)
                for conn in truth["connections"]:
                    frames = conn["handshake_frames"]
                    syn, synack, ack = (facts[frames[k]] for k in ("syn", "synack", "ack"))
                    cp, sp = conn["client_port"], conn["server_port"]
                    # independent of the sidecar's flag: tshark's own fields
                    self.assertEqual(syn[2:6], (cp, sp, True, False))
                    self.assertEqual(synack[2:6], (sp, cp, True, True))
                    self.assertEqual(ack[2:7], (cp, sp, False, True, 0))
                    if frames["synack"] < frames["syn"]:
                        before += 1
                    c = ours[cp]
                    self.assertEqual((c["syn_frame"], c["synack_frame"], c["ack_frame"]),
                                     (frames["syn"], frames["synack"], frames["ack"]))
                    self.assertEqual(ns(f"{c['irtt']:.9f}"), ack[0] - syn[0])
                    self.assertEqual(ns(f"{c['syn_synack']:.9f}"), synack[0] - syn[0])
                    self.assertAlmostEqual(c["irtt"], conn["expected_irtt_s"], delta=0.002)
                    # Wireshark: first pure ACK after the SYN in file order
                    stream = syn[1]
                    first_ack = next(f for n, f in sorted(facts.items())
                                     if n > frames["syn"] and f[1] == stream and f[5]
                                     and not f[4] and f[6] == 0)
                    self.assertEqual(wireshark[stream][1], first_ack[0] - syn[0])
                    if first_ack == ack:
                        self.assertEqual(wireshark[stream][1], ns(f"{c['irtt']:.9f}"))
                        wireshark_equal += 1
                    else:
                        self.assertEqual(first_ack[2], sp, "an ACK from the server")
                        wireshark_other_ack += 1
        self.assertEqual(captures_seen, 2)
        self.assertGreater(before, 0, "no SYN/ACK before its SYN in the reorder captures")
        self.assertGreater(wireshark_equal, 0)
        print(f"reorder: {before} SYN/ACKs before their SYNs; Wireshark's iRTT equal to ours "
              f"on {wireshark_equal}, from the server's ACK on {wireshark_other_ack}",
              file=sys.stderr)


class DialogTree(unittest.TestCase):
    """Statistics > PktAn > Handshake RTT is a stats tree, which tshark can
    print too (-z pktan_rtt,tree): handshakes per server as the report."""

    def test_tree_counts_equal_report(self):
        for path in [p for p, t in captures if t["scenario"] in ("http", "syn-retry")] + \
                [generated[0]]:
            with self.subTest(capture=os.path.basename(path)):
                report = rtt_json(path)
                tree = rtt_and_tree(path)[1]
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
        # The text picks its 5 slowest without sorting them all: the same
        # 5, in the same order, as the whole list JSON gives.
        slowest = text.split("Slowest handshakes (frame numbers)\n", 1)[1].splitlines()[2:7]
        self.assertEqual([int(row.split()[0]) for row in slowest],
                         [c["stream"] for c in by_count["connections"][:5]])

        rows = list(csv.DictReader(io.StringIO(
            user.tshark("-r", path, "-q", "-z", "pktan,rtt,format=csv").stdout)))
        self.assertEqual(len(rows), by_count["summary"]["handshakes"])
        self.assertEqual(Counter(r["server_port"] for r in rows),
                         Counter(str(c["server_port"]) for c in by_count["connections"]))


if __name__ == "__main__":
    unittest.main(verbosity=2)
