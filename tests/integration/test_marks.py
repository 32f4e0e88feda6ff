"""Packet marks in tshark's single pass: pktan.conn.outcome on the packet
that decided a refused or ICMP-rejected attempt (the report's decisive
frames, which DecisivePackets in test_conn.py checks against Wireshark's
own flags), pktan.rtt.slow on the final ACK of handshakes above the
preference (against tcp.analysis.initial_rtt), each with its expert-info
message. Outcomes later packets could still change (unanswered,
half_open) are never marked while the packet is first read (the GUI check
shows them after the file is read). tshark marks packets only with
-o pktan.mark_packets:always."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from corpus import EveryCapture, ReportCorpus  # noqa: E402
from wireshark_user import field_is_true  # noqa: E402

corpus = ReportCorpus(10000, 17)
user, captures, generated = None, [], None



def setUpModule():
    global user, captures, generated
    user, captures, generated = corpus.start()


def tearDownModule():
    corpus.stop()


MARKING = ("-o", "pktan.mark_packets:always")  # auto marks only in the GUI


def fields(path, display_filter, *names, options=MARKING):
    args = ["-r", path, *options, "-Y", display_filter, "-T", "fields", "-E", "aggregator=|"]
    for name in names:
        args += ["-e", name]
    proc = user.tshark(*args)
    assert proc.returncode == 0, proc.stderr
    return [line.split("\t") for line in proc.stdout.splitlines()]


def ns(text):
    whole, _, frac = text.partition(".")
    return int(whole) * 10**9 + int((frac + "000000000")[:9])


class OutcomeMarks(EveryCapture, unittest.TestCase):
    corpus = corpus

    def check(self, path):
        proc = user.tshark("-r", path, "-q", "-z", "pktan,conn,format=json")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        expected = {(a["decisive_frame"], a["outcome"]) for a in json.loads(proc.stdout)["attempts"]
                    if a["outcome"] in ("refused", "icmp_rejected")}
        marked = fields(path, "pktan.conn.outcome", "frame.number", "pktan.conn.outcome",
                        "_ws.expert.message")
        self.assertEqual({(int(f), o) for f, o, _ in marked}, expected)
        for _, outcome, message in marked:
            self.assertIn(f"Connection attempt {outcome}: ", message)


    def test_tshark_marks_only_when_asked(self):
        """mark_packets: auto means the GUI only; tshark's -z reports and
        ordinary runs pay nothing for marks."""
        path = next(p for p, _ in captures if os.path.basename(p) == "closed-v4-d5-client.pcap")
        self.assertEqual(fields(path, "pktan.conn.outcome", "frame.number", options=()), [])
        self.assertEqual(len(fields(path, "pktan.conn.outcome", "frame.number")), 2)
        never = ("-o", "pktan.mark_packets:never")
        self.assertEqual(fields(path, "pktan.conn.outcome", "frame.number", options=never), [])

    def test_filter_by_outcome(self):
        path = next(p for p, _ in captures if os.path.basename(p) == "closed-v6-d5-server.pcap")
        rows = fields(path, 'pktan.conn.outcome == "refused"', "frame.number", "tcp.flags.reset")
        self.assertEqual(len(rows), 2)
        self.assertTrue(all(field_is_true(rst) for _, rst in rows))


class SlowHandshakeMarks(unittest.TestCase):
    def wireshark_slow(self, path, threshold_ms):
        """{frame: iRTT ns} where Wireshark first shows an iRTT above the
        threshold on a packet that is no RST (a refused attempt)."""
        first = {}
        for stream, frame, irtt, rst in fields(path, "tcp.analysis.initial_rtt", "tcp.stream",
                                               "frame.number", "tcp.analysis.initial_rtt",
                                               "tcp.flags.reset"):
            first.setdefault(stream, (int(frame), ns(irtt), field_is_true(rst)))
        return {f: v for f, v, rst in first.values() if not rst and v > threshold_ms * 10**6}

    def check(self, path, threshold_ms):
        options = MARKING + ("-o", f"pktan.slow_handshake_ms:{threshold_ms}")
        marked = fields(path, "pktan.rtt.slow", "frame.number", "pktan.rtt.slow", "_ws.expert.message",
                        options=options)
        expected = self.wireshark_slow(path, threshold_ms)
        self.assertEqual({int(f): ns(v) for f, v, _ in marked}, expected)
        for _, _, message in marked:
            self.assertIn("Slow TCP handshake: iRTT", message)
            self.assertIn(f"slow threshold {threshold_ms} ms", message)
        return marked

    def test_default_threshold(self):
        marked = self.check(generated[0], 200)
        self.assertGreater(len(marked), 100)  # the generator draws 100-300 ms for 15%

    def test_preference(self):
        path = next(p for p, _ in captures if os.path.basename(p) == "http-v4-d40-client.pcap")
        self.assertEqual(len(self.check(path, 50)), 3)  # 2 x 40 ms each
        self.assertEqual(self.check(path, 200), [])

    def test_bad_preference_value(self):
        path = captures[0][0]
        proc = user.tshark("-r", path, "-q", *MARKING, "-o", "pktan.slow_handshake_ms:fast")
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("pktan.slow_handshake_ms", proc.stderr)


if __name__ == "__main__":
    unittest.main()
