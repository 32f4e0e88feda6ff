"""-z pktan,conn against the ground truth of every recorded capture (the
sidecars say what record.py set up and what each side saw, including the
ICMP errors lost on the way back), against the generator's per-connection
truth on a 10 000-connection capture, and against Wireshark's own fields
for the packet that decided each failed attempt."""
import csv
import io
import json
import os
import sys
import unittest
from collections import Counter

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from corpus import EveryCapture, ReportCorpus, WITH_FRAME_RECORDS  # noqa: E402
from stats_tree_text import report_and_tree_counts, tree_counts  # noqa: E402
from wireshark_user import field_is_true  # noqa: E402

corpus = ReportCorpus(10000, 13)
user, captures, generated = None, [], None


OUTCOMES = ("established", "established_after_retry", "refused", "icmp_rejected",
            "unanswered", "half_open", "midstream")


def setUpModule():
    global user, captures, generated
    user, captures, generated = corpus.start()


def tearDownModule():
    corpus.stop()


def conn(path, *options, fmt="json", together=()):
    if not options and fmt == "json" and not together:
        return conn_and_tree(path)[0]
    out = user.tshark_output("-r", path, "-q", "-z",
                             ",".join(("pktan,conn", f"format={fmt}") + options), *together)
    return json.loads(out) if fmt == "json" else out


def conn_and_tree(path):
    """pktan,conn in JSON and the dialog's tree of path (one tshark run:
    every capture is checked with both)."""
    text, tree = report_and_tree_counts(user, path, "pktan,conn,format=json", "pktan_conn,tree")
    return json.loads(text), tree


def rtt_alone(path, display_filter=None):
    option = "pktan,rtt,format=json" + (f",{display_filter}" if display_filter else "")
    return json.loads(user.tshark_output("-r", path, "-q", "-z", option))


def capture(name):
    return next((p, t) for p, t in captures if os.path.basename(p) == name)


def endpoint_key(a):
    return (a["transport"], a["client"], a["client_port"], a["server"], a["server_port"])


class SidecarTruth(unittest.TestCase):
    def test_every_capture(self):
        """Every attempt with its outcome, SYN count and ICMP evidence, as a
        multiset: a reused 4-tuple (port-reuse captures) is two attempts."""
        self.check_every_capture(())

    def test_every_capture_read_as_frame_records(self):
        self.check_every_capture(WITH_FRAME_RECORDS)

    def check_every_capture(self, together):
        for path, truth in captures:
            with self.subTest(capture=os.path.basename(path)):
                report = conn(path, together=together)
                ours = Counter(self.facts(a, a["icmp"] and {k: a["icmp"][k] for k in
                                                            ("type", "code", "from")})
                               for a in report["attempts"])
                expected = Counter(self.facts(c, c["icmp"]) for c in truth["connections"])
                self.assertEqual(ours, expected)
                counts = {endpoint_key(a): a["icmp"]["count"] for a in report["attempts"]
                          if a["icmp"]}
                for c in truth["connections"]:
                    if "icmp_count" in c:
                        self.assertEqual(counts[endpoint_key(c)], c["icmp_count"])
                summary = report["summary"]
                self.assertEqual(summary["attempts"], len(truth["connections"]))
                self.assertEqual(Counter({o: summary[o] for o in OUTCOMES if summary[o]}),
                                 Counter(c["outcome"] for c in truth["connections"]))

    @staticmethod
    def facts(attempt, icmp):
        return endpoint_key(attempt) + (attempt["outcome"], attempt["syn_count"],
                                        json.dumps(icmp or None, sort_keys=True))

    def test_icmp_lost_on_the_way_back(self):
        """Seed 003 from both sides: the client sees its SYNs unanswered, the
        server sees them rejected, and its verdict says the errors were lost."""
        for version in ("v4", "v6"):
            client = conn(capture(f"icmp-lost-{version}-d5-client.pcap")[0])
            server = conn(capture(f"icmp-lost-{version}-d5-server.pcap")[0])
            verdicts = {(d["transport"], d["port"]): d["verdict"] for d in client["destinations"]}
            self.assertIn("3 SYNs over 3.0 s", verdicts[("tcp", 8085)])
            self.assertIn("no RST, no ICMP seen", verdicts[("tcp", 8085)])
            verdicts = {(d["transport"], d["port"]): d["verdict"] for d in server["destinations"]}
            self.assertIn("kept retrying after the ICMP errors", verdicts[("tcp", 8085)])
            self.assertIn("port unreachable", verdicts[("tcp", 8085)])
            self.assertNotIn("kept retrying", verdicts[("udp", 9085)])

    def test_verdict_per_outcome(self):
        expectations = {
            "closed-v4-d5-client.pcap": "refused by 10.99.0.2 (RST in",
            "reject-rst-v6-d5-server.pcap": "refused by fd00:99::2 (RST in",
            "reject-icmp-v4-d5-client.pcap": "rejected by 10.99.0.2 itself (ICMP port unreachable)",
            "drop-v6-d5-client.pcap": "SYNs dropped on the path or by a firewall",
            "bittorrent-v6-d5-server.pcap": "the client answered the SYN/ACK with RST",
            "syn-retry-v4-d5-client.pcap": "only after retransmitted SYNs (up to 1.0 s lost)",
            "http-v6-d5-server.pcap": "3 of 3 attempts established",
        }
        for name, phrase in expectations.items():
            with self.subTest(capture=name):
                verdicts = [d["verdict"] for d in conn(capture(name)[0])["destinations"]]
                self.assertTrue(any(phrase in v for v in verdicts), verdicts)


class DecisivePackets(EveryCapture, unittest.TestCase):
    """The decisive frame of each failed attempt is what Wireshark says it
    is: a RST, an ICMP destination unreachable, the stream's last SYN.

    One tshark run gives every occurrence of the fields the three display
    filters below would test; a filter's "field == value" holds when any
    occurrence has the value, and so does each test here."""
    corpus = corpus
    FIELDS = ["frame.number", "tcp.stream", "tcp.flags.reset", "tcp.flags.syn", "tcp.flags.ack",
              "icmp.type", "icmpv6.type"]

    def check(self, path):
        report = conn(path)
        rst, unreachable, last_syn = set(), set(), {}
        for f in user.field_occurrences(path, self.FIELDS):
            frame = int(f["frame.number"][0])
            if any(map(field_is_true, f["tcp.flags.reset"])):  # tcp.flags.reset == 1
                rst.add(frame)
            if "3" in f["icmp.type"] or "1" in f["icmpv6.type"]:
                unreachable.add(frame)  # icmp.type == 3 or icmpv6.type == 1
            # tcp.flags.syn == 1 and tcp.flags.ack == 0 and not icmp and not icmpv6
            if (any(map(field_is_true, f["tcp.flags.syn"])) and
                    any(not field_is_true(v) for v in f["tcp.flags.ack"]) and
                    not f["icmp.type"] and not f["icmpv6.type"]):
                last_syn[int(f["tcp.stream"][0])] = frame
        for a in report["attempts"]:
            if a["outcome"] == "refused":
                self.assertIn(a["decisive_frame"], rst, a)
            elif a["outcome"] == "icmp_rejected":
                self.assertIn(a["decisive_frame"], unreachable, a)
            elif a["outcome"] == "unanswered" and a["transport"] == "tcp":
                self.assertEqual(a["decisive_frame"], last_syn[a["stream"]], a)


def with_rtt(path, rtt_filter=None):
    """conn's and rtt's JSON from one tshark, where they share one handshake
    tracker (or not, with rtt_filter)."""
    outs = [os.path.join(user.home, name) for name in ("conn.json", "rtt.json")]
    rtt = ",".join(["pktan,rtt,format=json", f"out={outs[1]}"] + ([rtt_filter] if rtt_filter else []))
    proc = user.tshark("-r", path, "-q", "-z", f"pktan,conn,format=json,out={outs[0]}", "-z", rtt)
    assert proc.returncode == 0, proc.stderr
    return [json.loads(user.run(["cat", out]).stdout) for out in outs]


class GeneratorTruth(unittest.TestCase):
    def test_every_connection(self):
        path, _ = generated
        self.check(conn(path))

    def test_with_rtt_in_the_same_tshark(self):
        """rtt and conn read one handshake tracker then, fed once: every
        SYN counted once (syn_count), rtt's report as when it runs alone."""
        path, _ = generated
        shared, rtt = with_rtt(path)
        self.check(shared)
        alone = rtt_alone(path)
        self.assertEqual((rtt["summary"], rtt["connections"]),
                         (alone["summary"], alone["connections"]))
        self.assertGreater(len(rtt["connections"]), 1000)

    def test_with_rtt_under_another_filter(self):
        path, _ = generated
        shared, rtt = with_rtt(path, "tcp.port==443")
        self.check(shared)
        alone = rtt_alone(path, "tcp.port==443")
        self.assertEqual((rtt["summary"], rtt["connections"]),
                         (alone["summary"], alone["connections"]))
        self.assertTrue(rtt["connections"])
        self.assertTrue(all(c["server_port"] == 443 for c in rtt["connections"]))

    def check(self, report):
        _, truth = generated
        with open(truth["conn_list"]) as f:
            rows = list(csv.DictReader(f, delimiter="\t"))
        # The generator calls an answered UDP flow "answered"; spec.md's name is established.
        expected = {(r["transport"], int(r["first_frame"])):
                    ("established" if r["outcome"] == "answered" else r["outcome"], r) for r in rows}
        ours = {(a["transport"], a["first_frame"]): a for a in report["attempts"]}
        self.assertEqual(set(ours), set(expected))
        for key, (outcome, r) in expected.items():
            a = ours[key]
            self.assertEqual(a["outcome"], outcome, key)
            self.assertEqual((a["client"], a["client_port"], a["server"], a["server_port"]),
                             (r["client"], int(r["client_port"]), r["server"], int(r["server_port"])))
            if r["transport"] == "tcp" and outcome != "midstream":
                self.assertEqual(a["syn_count"], int(r["syn_count"]), key)
        tcp = Counter(a["outcome"] for a in report["attempts"] if a["transport"] == "tcp")
        self.assertEqual({o: tcp[o] for o in OUTCOMES}, truth["summary"])
        udp_rejected = sum(1 for a in report["attempts"]
                           if a["transport"] == "udp" and a["outcome"] == "icmp_rejected")
        self.assertEqual(udp_rejected, truth["udp"]["icmp_rejected"])
        self.assertEqual(report["summary"]["attempts"], len(rows))


class DialogTree(unittest.TestCase):
    """Statistics > PktAn > Connection Outcomes is a stats tree, which tshark
    can print too (-z pktan_conn,tree): attempts per outcome, and per
    destination its attempts and their outcomes, as in the report. (Nodes of
    outcomes an attempt passed through keep a count of 0.)"""

    def expected(self, report):
        counts = {(o,): n for o, n in report["summary"].items() if o in OUTCOMES and n}
        for d in report["destinations"]:
            addr = f"[{d['address']}]" if ":" in d["address"] else d["address"]
            name = f"{addr}:{d['port']}/{d['transport']}"
            counts[(name,)] = d["attempts"]
            counts.update({(name, o): n for o, n in d["outcomes"].items() if n})
        return counts

    def test_tree_counts_equal_report(self):
        for path in [p for p, _ in captures] + [generated[0]]:
            with self.subTest(capture=os.path.basename(path)):
                tree = conn_and_tree(path)[1]
                self.assertEqual({k: n for k, n in tree.items() if n}, self.expected(conn(path)))

    def test_display_filter(self):
        path, _ = capture("icmp-lost-v6-d5-server.pcap")
        tree = tree_counts(user, path, "pktan_conn,tree,udp")
        self.assertEqual({k: n for k, n in tree.items() if n},
                         {("icmp_rejected",): 1, ("[fd00:99::2]:9085/udp",): 1,
                          ("[fd00:99::2]:9085/udp", "icmp_rejected"): 1})


class Formats(unittest.TestCase):
    def test_csv_has_a_row_per_attempt(self):
        path, _ = generated
        report = conn(path)
        rows = list(csv.DictReader(io.StringIO(conn(path, fmt="csv"), newline="")))
        self.assertEqual(len(rows), len(report["attempts"]))
        for row, a in zip(rows, report["attempts"]):
            self.assertEqual((row["stream"], row["transport"], row["outcome"], row["decisive_frame"]),
                             (str(a["stream"]), a["transport"], a["outcome"], str(a["decisive_frame"])))

    def test_text_top_and_filter(self):
        path, _ = capture("icmp-lost-v4-d5-server.pcap")
        text = conn(path, "top=1", fmt="text")
        self.assertIn("2 connection attempts (TCP handshakes and UDP flows) to 2 destinations, 2 failed",
                      text)
        self.assertIn("... 1 more row not shown", text)
        filtered = conn(path, "udp")
        self.assertEqual(filtered["filter"], "udp")
        self.assertEqual([a["transport"] for a in filtered["attempts"]], ["udp"])
        self.assertEqual(filtered["attempts"][0]["outcome"], "icmp_rejected")

    def test_json_envelope(self):
        report = conn(capture("closed-v4-d5-client.pcap")[0])
        for key in ("report", "pktan_version", "wireshark_version", "filter", "summary",
                    "destinations", "attempts"):
            self.assertIn(key, report)
        self.assertEqual(report["report"], "conn")
        d = report["destinations"][0]
        for key in ("address", "port", "transport", "attempts", "outcomes", "verdict"):
            self.assertIn(key, d)


if __name__ == "__main__":
    unittest.main()
