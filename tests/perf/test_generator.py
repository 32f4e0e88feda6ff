#!/usr/bin/env python3
"""Check pktan-gen's ground truth against Wireshark (tshark), independently.

usage: test_generator.py /path/to/pktan-gen [unittest args...]

Generates a 10 000-connection capture in a temporary directory and compares
what tshark dissects with the truth JSON and the per-connection TSV.
"""
import collections
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

GEN = None
N_CONN = int(os.environ.get("PKTAN_GEN_TEST_CONNECTIONS", "10000"))
SEED = int(os.environ.get("PKTAN_GEN_TEST_SEED", "4242"))

CHECKSUM_PREFS = [
    "-o", "tcp.check_checksum:TRUE",
    "-o", "ip.check_checksum:TRUE",
    "-o", "udp.check_checksum:TRUE",
]

# one tshark pass, one line per frame; first occurrence of each field
FIELDS = [
    "frame.number",         # 0
    "tcp.stream",           # 1
    "tcp.analysis.initial_rtt",  # 2
    "tcp.flags.syn",        # 3
    "tcp.flags.ack",        # 4
    "tcp.flags.reset",      # 5
    "icmp.type",            # 6
    "icmpv6.type",          # 7
    "dns.flags.response",   # 8
    "http.request",         # 9
    "tls.handshake.type",   # 10
    "ssh.protocol",         # 11
    "smtp.req.command",     # 12
    "rdp.rt_cookie",        # 13
    "bittorrent.protocol.name",  # 14
    "udp.stream",           # 15
    "ip.src", "ipv6.src",   # 16, 17
    "tcp.srcport",          # 18
]


def tshark(*args):
    cmd = ["tshark", "-n"] + list(args)
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True, check=False)
    if res.returncode != 0:
        raise AssertionError("%s failed (%d): %s" % (" ".join(cmd), res.returncode, res.stderr))
    return res.stdout


class GeneratorTruth(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if shutil.which("tshark") is None:
            raise unittest.SkipTest("tshark not installed")
        cls.tmp = tempfile.mkdtemp(prefix="pktan-gen-test-")
        cls.pcap = os.path.join(cls.tmp, "gen.pcap")
        cls.truth_path = os.path.join(cls.tmp, "gen.json")
        t0 = time.monotonic()
        subprocess.run([GEN, "--connections", str(N_CONN), "--seed", str(SEED),
                        "--v6-share", "0.3", "--out", cls.pcap, "--truth", cls.truth_path],
                       check=True)
        cls.gen_seconds = time.monotonic() - t0
        with open(cls.truth_path) as fp:
            cls.truth = json.load(fp)
        conn_list = cls.truth["conn_list"]
        if not os.path.isabs(conn_list):
            conn_list = os.path.join(os.path.dirname(cls.truth_path), os.path.basename(conn_list))
        with open(conn_list, newline="") as fp:
            cls.conns = list(csv.DictReader(fp, delimiter="\t"))

        out = tshark("-r", cls.pcap, *CHECKSUM_PREFS, "-T", "fields", "-E", "occurrence=f",
                     "-E", "separator=\t", *sum((["-e", f] for f in FIELDS), []))
        cls.rows = [line.split("\t") for line in out.splitlines()]
        cls.phs = tshark("-r", cls.pcap, "-q", "-z", "io,phs")
        cls.bad = tshark("-r", cls.pcap, *CHECKSUM_PREFS, "-T", "fields", "-e", "frame.number",
                         "-Y", "tcp.checksum.status==0 || ip.checksum.status==0 || "
                               "udp.checksum.status==0 || icmp.checksum.status==0 || "
                               "icmpv6.checksum.status==0 || tcp.checksum.status==2 || "
                               "ip.checksum.status==2 || udp.checksum.status==2 || "
                               "_ws.expert.severity==error || _ws.malformed")

        # per-frame helpers (ICMP errors quote TCP/UDP headers: skip those frames
        # for transport-level statistics)
        cls.frame = {}
        cls.stream_frames = collections.defaultdict(list)
        for r in cls.rows:
            num = int(r[0])
            cls.frame[num] = r
            if r[6] or r[7]:
                continue
            if r[1]:
                cls.stream_frames[int(r[1])].append(r)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def is_icmp(self, r):
        return bool(r[6] or r[7])

    def tcp_conns(self):
        return [c for c in self.conns if c["transport"] == "tcp"]

    def stream_of(self, conn):
        r = self.frame[int(conn["first_frame"])]
        self.assertFalse(self.is_icmp(r))
        return int(r[1])

    # ------------------------------------------------------------------
    def test_truth_shape(self):
        t = self.truth
        self.assertEqual(t["seed"], SEED)
        self.assertEqual(t["connections"], N_CONN)
        self.assertEqual(sum(t["summary"].values()), N_CONN)
        self.assertEqual(len(self.tcp_conns()), N_CONN)
        self.assertEqual(len(self.conns), N_CONN + t["udp"]["flows"])
        for k in ("established", "established_after_retry", "refused", "icmp_rejected",
                  "unanswered", "half_open", "midstream"):
            self.assertGreater(t["summary"][k], 0, k)
        self.assertGreater(t["summary"]["established"], 0.7 * N_CONN)
        self.assertGreater(t["port_reuse"], 0)
        self.assertGreater(t["ipv6_connections"], 0.2 * N_CONN)
        counts = collections.Counter(c["outcome"] for c in self.tcp_conns())
        self.assertEqual(dict(counts), t["summary"])

    def test_packet_count(self):
        self.assertEqual(len(self.rows), self.truth["packets"])

    def test_timestamps_nondecreasing(self):
        out = tshark("-r", self.pcap, "-T", "fields", "-e", "frame.time_delta")
        deltas = [float(x) for x in out.split()]
        self.assertEqual(len(deltas), self.truth["packets"])
        self.assertGreaterEqual(min(deltas), 0.0)

    def test_no_bad_checksums_or_errors(self):
        self.assertEqual(self.bad.strip(), "", "frames with bad checksums / errors")

    def test_protocol_hierarchy(self):
        names = set(line.split()[0] for line in self.phs.splitlines() if "frames:" in line)
        for proto in ("ip", "ipv6", "tcp", "udp", "icmp", "icmpv6",
                      "http", "tls", "ssh", "smtp", "rdp", "bittorrent", "dns"):
            self.assertIn(proto, names)

    def test_one_stream_per_tcp_connection(self):
        # distinct 4-tuples, plus the deliberate port reuse giving new streams
        self.assertEqual(len(self.stream_frames), N_CONN)
        streams = [self.stream_of(c) for c in self.tcp_conns()]
        self.assertEqual(len(set(streams)), N_CONN)

    def test_handshakes_and_irtt(self):
        # Wireshark 4.0 quirk: tcp.analysis.initial_rtt is set by the first
        # ACK-flagged non-SYN segment after a SYN in *either* direction, so a
        # refused connection (SYN -> RST/ACK) gets an "iRTT" on its RST.
        # Those streams are not completed handshakes.
        refused = {self.stream_of(c) for c in self.tcp_conns() if c["outcome"] == "refused"}
        with_irtt = {s for s, fr in self.stream_frames.items() if any(r[2] for r in fr)}
        self.assertEqual(len(with_irtt - refused), self.truth["tcp_handshakes_completed"])
        truth_hs = [c for c in self.tcp_conns() if c["irtt_seconds"]]
        self.assertEqual(len(truth_hs), self.truth["tcp_handshakes_completed"])
        for c in self.tcp_conns():
            s = self.stream_of(c)
            fr = self.stream_frames[s]
            irtts = [r for r in fr if r[2]]
            if c["outcome"] == "refused":
                self.assertEqual(c["irtt_seconds"], "")
                self.assertTrue(irtts and irtts[0][5] == "1", c)  # the quirk, on the RST
                continue
            if not c["irtt_seconds"]:
                self.assertEqual(irtts, [], c)
                self.assertEqual(c["handshake_ack_frame"], "")
                continue
            self.assertIn(s, with_irtt, c)
            self.assertLess(abs(float(irtts[0][2]) - float(c["irtt_seconds"])), 1e-6, c)
            # the iRTT first shows up on the handshake's final ACK
            self.assertEqual(int(irtts[0][0]), int(c["handshake_ack_frame"]), c)

    def test_syn_counts(self):
        unans_truth = 0
        unans_ws = 0
        for c in self.tcp_conns():
            fr = self.stream_frames[self.stream_of(c)]
            syns = sum(1 for r in fr if r[3] == "1" and r[4] == "0")
            self.assertEqual(syns, int(c["syn_count"]), c)
            if c["outcome"] == "unanswered":
                unans_truth += int(c["syn_count"])
                unans_ws += syns
        self.assertEqual(unans_ws, unans_truth)
        self.assertEqual(unans_truth, 4 * self.truth["summary"]["unanswered"])

    def test_rst_count(self):
        rst = sum(1 for r in self.rows if r[5] == "1" and not self.is_icmp(r))
        self.assertEqual(rst, self.truth["rst_packets"])
        # every refused connection carries exactly one RST
        for c in self.tcp_conns():
            if c["outcome"] == "refused":
                fr = self.stream_frames[self.stream_of(c)]
                self.assertEqual(sum(1 for r in fr if r[5] == "1"), 1, c)

    def test_icmp_errors(self):
        n = sum(1 for r in self.rows if r[6] == "3" or r[7] == "1")
        self.assertEqual(n, self.truth["icmp_errors"])
        self.assertEqual(n, self.truth["summary"]["icmp_rejected"] + self.truth["udp"]["icmp_rejected"])

    def test_dns(self):
        q = sum(1 for r in self.rows if r[8] == "0" and not self.is_icmp(r))
        a = sum(1 for r in self.rows if r[8] == "1" and not self.is_icmp(r))
        self.assertEqual(q, self.truth["udp"]["dns_queries"])
        self.assertEqual(a, self.truth["udp"]["dns_responses"])
        self.assertEqual(a, self.truth["protocols"]["dns"])
        udp_streams = {r[15] for r in self.rows if r[15] and not self.is_icmp(r)}
        self.assertEqual(len(udp_streams), self.truth["udp"]["flows"])

    def test_protocol_conversations(self):
        cols = {"http": 9, "tls": 10, "ssh": 11, "smtp": 12, "rdp": 13, "bittorrent": 14}
        for proto, col in cols.items():
            streams = {s for s, fr in self.stream_frames.items() if any(r[col] for r in fr)}
            self.assertEqual(len(streams), self.truth["protocols"][proto], proto)

    def test_endpoints_match(self):
        for c in self.conns:
            r = self.frame[int(c["first_frame"])]
            self.assertEqual(r[16] or r[17], c["client"], c)
            if c["transport"] == "tcp":
                self.assertEqual(r[18], c["client_port"], c)

    def test_deterministic(self):
        p2 = os.path.join(self.tmp, "again.pcap")
        j2 = os.path.join(self.tmp, "again.json")
        subprocess.run([GEN, "--connections", "500", "--seed", "9", "--out", p2, "--truth", j2],
                       check=True)
        with open(p2, "rb") as fp:
            a = fp.read()
        subprocess.run([GEN, "--connections", "500", "--seed", "9", "--out", p2, "--truth", j2],
                       check=True)
        with open(p2, "rb") as fp:
            b = fp.read()
        self.assertEqual(a, b)
        self.assertEqual(a[:4], b"\x4d\x3c\xb2\xa1")  # nanosecond pcap, little endian


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.stderr.write("usage: %s /path/to/pktan-gen [unittest args]\n" % sys.argv[0])
        sys.exit(2)
    GEN = os.path.abspath(sys.argv[1])
    unittest.main(argv=[sys.argv[0]] + sys.argv[2:], verbosity=2)
