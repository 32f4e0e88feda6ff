#!/usr/bin/env python3
"""Checks of the real capture corpus in captures/ against tshark.

Run: python3 tests/captures/test_corpus.py   (needs tshark and capinfos)

The sidecars (captures/*.json) are the ground truth written by
captures/record.py; these tests check them against independent packet facts
that stock tshark reports (no pktan plugin is involved).
"""

import glob
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from corpus import recorded_captures, wireshark_xy  # noqa: E402
from wireshark_user import field_is_true  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
CAPDIR = os.path.join(ROOT, "captures")

REQUIRED_KEYS = {"capture", "side", "ip_version", "one_way_delay_ms",
                 "client", "server", "protocols", "generator", "wire",
                 "connections"}
CONN_KEYS = {"transport", "client", "client_port", "server", "server_port",
             "outcome", "syn_count", "icmp", "protocol"}
OUTCOMES = {"established", "established_after_retry", "refused",
            "icmp_rejected", "unanswered", "half_open", "midstream"}
# every scenario must exist for both IP versions and both capture points
SCENARIOS = {"http": (5, 40), "syn-retry": (5,), "closed": (5,),
             "reject-rst": (5,), "reject-icmp": (5,), "drop": (5,),
             "icmp-lost": (5,), "ssh": (5,), "bittorrent": (5,), "rdp": (5,),
             "port-reuse": (5,), "vlan": (5,)}
# ... and these for IPv4, both capture points (VXLAN over IPv4)
SCENARIOS_V4 = {"tunnels": (5,)}
# ... and these for both IP versions, captured only in the middle (between
# the wire's ports): a GRE mirror's collector, dumpcap on two interfaces
SCENARIOS_MIDDLE = {"gre": ((5,), ".pcap"), "reorder": ((5,), ".pcapng")}
SIDES = ("client", "server", "middle")
IRTT_TOLERANCE_S = 0.002
MAX_CORPUS_BYTES = 5 * 1000 * 1000

_cache = {}


def tshark(path, *args):
    key = (path,) + args
    if key not in _cache:
        r = subprocess.run(["tshark", "-n", "-r", path] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True)
        if r.returncode != 0:
            raise AssertionError("tshark failed on %s: %s" % (path, r.stderr))
        _cache[key] = r.stdout
    return _cache[key]


def phs_paths(path, *extra):
    """Protocol hierarchy as a set of root-to-node tuples."""
    out = tshark(path, "-q", "-z", "io,phs", *extra)
    paths, stack = set(), []
    for line in out.splitlines():
        if "frames:" not in line:
            continue
        indent = (len(line) - len(line.lstrip(" "))) // 2
        name = line.split()[0]
        stack = stack[:indent] + [name]
        paths.add(tuple(stack))
    return paths


def has_child(paths, parent, child):
    for p in paths:
        for i in range(len(p) - 1):
            if p[i] == parent and child in p[i + 1:]:
                return True
    return False


PACKET_FIELDS = ["frame.number", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst",
                 "tcp.srcport", "tcp.dstport", "tcp.flags.syn",
                 "tcp.flags.ack", "tcp.flags.reset", "udp.srcport",
                 "udp.dstport", "icmp.type", "icmp.code", "icmpv6.type",
                 "icmpv6.code", "tcp.stream", "frame.protocols"]


def packets(pcap):
    """One dict per frame. ICMP errors: the outer addresses (sender and the
    client it went to) and the ports of the quoted packet (tshark dissects
    the quoted headers as tcp/udp). Other frames: the innermost addresses
    and ports (a VXLAN frame's are those of the tunnelled packet)."""
    args = ["-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,",
            "-E", "separator=\t"]
    for f in PACKET_FIELDS:
        args += ["-e", f]
    rows = []
    for line in tshark(pcap, *args).splitlines():
        v = line.split("\t")
        v += [""] * (len(PACKET_FIELDS) - len(v))
        every = dict(zip(PACKET_FIELDS, v))
        d = {k: x.split(",")[0] for k, x in every.items()}
        inner = {k: x.split(",")[-1] for k, x in every.items()}
        r = {"src": d["ip.src"] or d["ipv6.src"],
             "dst": d["ip.dst"] or d["ipv6.dst"]}
        if d["icmp.type"] or d["icmpv6.type"]:
            r["kind"] = "icmp"
            r["type"] = int(d["icmp.type"] or d["icmpv6.type"])
            r["code"] = int(d["icmp.code"] or d["icmpv6.code"] or 0)
            sp = d["tcp.srcport"] or d["udp.srcport"]
            dp = d["tcp.dstport"] or d["udp.dstport"]
            r["q_transport"] = "tcp" if d["tcp.srcport"] else (
                "udp" if d["udp.srcport"] else None)
            r["q_sport"] = int(sp) if sp else None
            r["q_dport"] = int(dp) if dp else None
            rows.append(r)
            continue
        r = {"src": inner["ip.src"] or inner["ipv6.src"],
             "dst": inner["ip.dst"] or inner["ipv6.dst"]}
        layers = d["frame.protocols"].split(":")
        if "ipv6" in layers and "ip" in layers and \
                layers[::-1].index("ipv6") < layers[::-1].index("ip"):
            # IPv6 inside an IPv4 tunnel (gre-v6): the inner header is v6
            r = {"src": inner["ipv6.src"], "dst": inner["ipv6.dst"]}
        if d["tcp.srcport"]:
            r.update(kind="tcp", sport=int(d["tcp.srcport"]),
                     dport=int(d["tcp.dstport"]), stream=d["tcp.stream"],
                     syn=field_is_true(d["tcp.flags.syn"]),
                     ack=field_is_true(d["tcp.flags.ack"]),
                     rst=field_is_true(d["tcp.flags.reset"]))
        elif d["udp.srcport"]:
            r.update(kind="udp", sport=int(d["udp.srcport"]),
                     dport=int(d["udp.dstport"]))
        else:
            r["kind"] = "other"
        rows.append(r)
    return rows


ICMP_ERROR_TYPES = {4: {3, 4, 5, 11, 12}, 6: {1, 2, 3, 4}}


class CorpusTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.corpus = recorded_captures(CAPDIR)
        cls.by_name = {os.path.basename(p): (p, m) for p, m in cls.corpus}

    def metas(self, side=None, scenario=None):
        for pcap, meta in self.corpus:
            if meta is None:
                continue
            if side and meta.get("side") != side:
                continue
            if scenario and meta.get("scenario") != scenario:
                continue
            yield pcap, meta

    # -- structure ------------------------------------------------------

    def test_corpus_complete(self):
        names = set(os.listdir(CAPDIR))
        for scen, delays, versions in [(s, d, (4, 6)) for s, d in SCENARIOS.items()] + \
                [(s, d, (4,)) for s, d in SCENARIOS_V4.items()]:
            for v in versions:
                for d in delays:
                    for side in ("client", "server"):
                        n = "%s-v%d-d%d-%s.pcap" % (scen, v, d, side)
                        self.assertIn(n, names, "missing capture " + n)
        for scen, (delays, ext) in SCENARIOS_MIDDLE.items():
            for v in (4, 6):
                for d in delays:
                    n = "%s-v%d-d%d-middle%s" % (scen, v, d, ext)
                    self.assertIn(n, names, "missing capture " + n)

    def test_every_capture_has_a_valid_sidecar(self):
        self.assertTrue(self.corpus, "no captures found in " + CAPDIR)
        for pcap, meta in self.corpus:
            with self.subTest(capture=os.path.basename(pcap)):
                self.assertIsNotNone(meta, "no sidecar for " + pcap)
                missing = REQUIRED_KEYS - set(meta)
                self.assertFalse(missing, "sidecar lacks %s" % missing)
                self.assertEqual(meta["capture"], os.path.basename(pcap))
                self.assertIn(meta["side"], SIDES)
                self.assertIn(meta["ip_version"], (4, 6))
                self.assertIsInstance(meta["one_way_delay_ms"], (int, float))
                self.assertIsInstance(meta["protocols"], list)
                self.assertIn("drop", meta["wire"])
                self.assertTrue(meta["connections"], "no connections listed")
                for c in meta["connections"]:
                    self.assertFalse(CONN_KEYS - set(c),
                                     "connection lacks %s" % (CONN_KEYS -
                                                              set(c)))
                    self.assertIn(c["transport"], ("tcp", "udp"))
                    self.assertIn(c["outcome"], OUTCOMES)
                    if "expected_irtt_s" in c:
                        self.assertAlmostEqual(
                            c["expected_irtt_s"],
                            2 * meta["one_way_delay_ms"] / 1000.0, places=6)

    def test_every_sidecar_has_a_capture(self):
        for js in glob.glob(os.path.join(CAPDIR, "*.json")):
            with open(js) as f:
                meta = json.load(f)
            with self.subTest(sidecar=os.path.basename(js)):
                self.assertIn("capture", meta)
                self.assertTrue(os.path.exists(os.path.join(
                    CAPDIR, meta["capture"])), meta["capture"])

    def test_captures_are_readable(self):
        for pcap, meta in self.corpus:
            with self.subTest(capture=os.path.basename(pcap)):
                r = subprocess.run(["capinfos", "-c", "-M", pcap],
                                   stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE,
                                   universal_newlines=True)
                self.assertEqual(r.returncode, 0, r.stderr)
                count = [l for l in r.stdout.splitlines()
                         if "Number of packets" in l]
                self.assertTrue(count, r.stdout)
                n = int(count[0].split(":")[1].strip())
                self.assertGreater(n, 0)
                self.assertEqual(len(packets(pcap)), n)

    def test_corpus_size(self):
        total = 0
        for dirpath, _, files in os.walk(CAPDIR):
            for f in files:
                total += os.path.getsize(os.path.join(dirpath, f))
        self.assertLess(total, MAX_CORPUS_BYTES)

    def test_client_and_server_sides_describe_the_same_connections(self):
        for pcap, meta in self.metas(side="client"):
            other = meta["capture"].replace("-client.", "-server.")
            with self.subTest(capture=meta["capture"]):
                self.assertIn(other, self.by_name)
                smeta = self.by_name[other][1]
                self.assertIsNotNone(smeta, "no sidecar for " + other)
                key = lambda c: (c["transport"], c["client_port"],
                                 c["server_port"])
                cl = {key(c) for c in meta["connections"]
                      if not c.get("ports_source")}
                sv = {key(c) for c in smeta["connections"]
                      if not c.get("ports_source")}
                self.assertEqual(cl, sv)
                self.assertEqual(meta["one_way_delay_ms"],
                                 smeta["one_way_delay_ms"])

    # -- handshake timing -------------------------------------------------

    def test_initial_rtt_matches_wire_delay(self):
        checked = set()
        for pcap, meta in self.metas():
            d = meta["one_way_delay_ms"]
            # the client and the middle see the whole round trip; a file
            # out of time order is checked by test_reorder_file_order
            if not d or meta["side"] == "server" or meta.get("file_order"):
                continue
            out = tshark(pcap, "-T", "fields", "-e", "tcp.stream",
                         "-e", "tcp.srcport", "-e", "tcp.dstport",
                         "-e", "tcp.analysis.initial_rtt")
            irtt = {}
            ports = {}
            for line in out.splitlines():
                f = line.split("\t")
                if len(f) < 4 or not f[0]:
                    continue
                ports.setdefault(f[0], {int(f[1]), int(f[2])})
                if f[3] and f[0] not in irtt:
                    irtt[f[0]] = float(f[3])
            # A reused port pair (port-reuse) is one stream per use, in order.
            used = {}
            for c in meta["connections"]:
                if c["transport"] != "tcp" or c["outcome"] not in (
                        "established", "established_after_retry"):
                    continue
                pair = frozenset((c["client_port"], c["server_port"]))
                use = used.get(pair, 0)
                used[pair] = use + 1
                with self.subTest(capture=meta["capture"],
                                  port=c["client_port"], use=use + 1):
                    self.assertIn("expected_irtt_s", c)
                    streams = sorted((s for s, p in ports.items() if p == pair), key=int)
                    self.assertEqual(len(streams), sum(
                        1 for o in meta["connections"] if o["transport"] == "tcp" and
                        frozenset((o["client_port"], o["server_port"])) == pair),
                        "one stream per connection on these ports")
                    stream = streams[use]
                    self.assertIn(stream, irtt, "no initial_rtt")
                    self.assertLessEqual(
                        abs(irtt[stream] - 2 * d / 1000.0),
                        IRTT_TOLERANCE_S,
                        "iRTT %.4f s vs 2 x %s ms" % (irtt[stream], d))
                    checked.add((meta["ip_version"], d))
        for v in (4, 6):
            for d in (5, 40):
                self.assertIn((v, d), checked,
                              "no iRTT checked for v%d delay %d" % (v, d))

    @unittest.skipIf(wireshark_xy() >= (4, 4), "Wireshark 4.4+ splits these handshakes into two "
                     "tcp.streams (tests/lib/corpus.py: checked_here)")
    def test_reorder_file_order(self):
        """reorder-*: the sidecar's handshake frames are the client's SYN, the
        server's SYN/ACK and the client's pure ACK (tshark's fields), some
        SYN/ACK comes before its SYN in the file, and the handshake's times
        (ACK minus SYN, whatever the file order) are 2 x the wire delay."""
        n = 0
        for pcap, meta in self.metas(scenario="reorder"):
            out = tshark(pcap, "-T", "fields", "-e", "frame.number",
                         "-e", "frame.time_epoch", "-e", "frame.interface_id",
                         "-e", "tcp.srcport", "-e", "tcp.dstport",
                         "-e", "tcp.flags.syn", "-e", "tcp.flags.ack",
                         "-e", "tcp.len", "-e", "tcp.stream")
            frames = {}
            for line in out.splitlines():
                f = line.split("\t")
                frames[int(f[0])] = {
                    "t": float(f[1]), "interface": int(f[2]),
                    "ports": (int(f[3]), int(f[4])),
                    "syn": field_is_true(f[5]), "ack": field_is_true(f[6]),
                    "len": int(f[7]), "stream": f[8]}
            before = 0
            with self.subTest(capture=meta["capture"]):
                self.assertTrue(meta["file_order"])
                for c in meta["connections"]:
                    hf = c["handshake_frames"]
                    cs, sc = (c["client_port"], c["server_port"]), \
                        (c["server_port"], c["client_port"])
                    syn, synack, ack = (frames[hf[k]] for k in
                                        ("syn", "synack", "ack"))
                    self.assertEqual((syn["ports"], syn["syn"], syn["ack"]),
                                     (cs, True, False))
                    self.assertEqual((synack["ports"], synack["syn"],
                                      synack["ack"]), (sc, True, True))
                    self.assertEqual((ack["ports"], ack["syn"], ack["ack"],
                                      ack["len"]), (cs, False, True, 0))
                    self.assertEqual(len({syn["stream"], synack["stream"],
                                          ack["stream"]}), 1)
                    # the SYN/ACK arrived on the server-side port after the
                    # SYN arrived on the client-side port
                    self.assertLess(syn["t"], synack["t"])
                    self.assertLess(synack["t"], ack["t"])
                    self.assertEqual(c["synack_before_syn"],
                                     hf["synack"] < hf["syn"])
                    before += hf["synack"] < hf["syn"]
                    self.assertLessEqual(
                        abs(ack["t"] - syn["t"] - c["expected_irtt_s"]),
                        IRTT_TOLERANCE_S)
                    self.assertAlmostEqual(c["expected_irtt_s"],
                                           2 * meta["one_way_delay_ms"] / 1000.0)
                self.assertGreater(before, 0, "no SYN/ACK before its SYN")
                numbers = sorted(frames)
                self.assertTrue(any(frames[b]["t"] < frames[a]["t"] for a, b in
                                    zip(numbers, numbers[1:])),
                                "the file is in time order")
                n += 1
        self.assertEqual(n, 2)

    def test_vlan_tags(self):
        """vlan-*: every frame on the client link carries 802.1Q VLAN 42,
        every frame on the server link 802.1ad S-VLAN 100 outside 802.1Q
        C-VLAN 42, as the sidecar says."""
        n = 0
        for pcap, meta in self.metas(scenario="vlan"):
            with self.subTest(capture=meta["capture"]):
                out = tshark(pcap, "-T", "fields", "-e", "eth.type",
                             "-e", "ieee8021ad.id", "-e", "vlan.etype",
                             "-e", "vlan.id", "-E", "occurrence=a",
                             "-E", "aggregator=,")
                expected = set()
                tags = meta["vlan_tags"]
                outer = "0x%04x" % int(tags[0]["tpid"], 16)
                if len(tags) == 1:
                    expected.add((outer, "", "0x%04x" % 0x0800, str(tags[0]["vid"])))
                    expected.add((outer, "", "0x%04x" % 0x86DD, str(tags[0]["vid"])))
                else:
                    for et in (0x0800, 0x86DD):
                        expected.add((outer, str(tags[0]["vid"]), "0x%04x" % et,
                                      str(tags[1]["vid"])))
                rows = {tuple(line.split("\t")) for line in out.splitlines()}
                self.assertTrue(rows)
                self.assertLessEqual(rows, expected)
                n += 1
        self.assertEqual(n, 4)

    def test_gre_mirror(self):
        """gre-*: every frame is a GRE (Transparent Ethernet Bridging) copy
        from the mirror to the collector with the connection inside."""
        n = 0
        for pcap, meta in self.metas(scenario="gre"):
            with self.subTest(capture=meta["capture"]):
                out = tshark(pcap, "-T", "fields", "-e", "ip.src", "-e",
                             "ip.dst", "-e", "gre.proto", "-e",
                             "frame.protocols", "-E", "occurrence=f")
                rows = {tuple(line.split("\t")[:3]) for line in
                        out.splitlines()}
                self.assertEqual(rows, {(meta["outer"]["src"],
                                         meta["outer"]["dst"],
                                         meta["outer"]["gre_protocol"])})
                inner = "ipv6" if meta["ip_version"] == 6 else "ip"
                for line in out.splitlines():
                    self.assertIn(":gre:eth:ethertype:%s:tcp" % inner, line)
                n += 1
        self.assertEqual(n, 2)

    # -- protocols -------------------------------------------------------

    def test_bittorrent_is_recognised(self):
        seen_utp = seen_tcp = 0
        for pcap, meta in self.metas(scenario="bittorrent"):
            with self.subTest(capture=meta["capture"]):
                self.assertTrue(has_child(phs_paths(pcap), "tcp",
                                          "bittorrent"))
                seen_tcp += 1
                if "bt-utp" in meta["protocols"]:
                    self.assertFalse(has_child(phs_paths(pcap), "udp",
                                               "bt-utp"),
                                     "bt-utp is off by default in tshark")
                    paths = phs_paths(pcap, "--enable-heuristic", "bt_utp_udp")
                    self.assertTrue(has_child(paths, "udp", "bt-utp"))
                    self.assertTrue(has_child(paths, "bt-utp", "bittorrent"))
                    seen_utp += 1
                if "bt-dht" in meta["protocols"]:
                    self.assertTrue(has_child(phs_paths(pcap), "udp",
                                              "bt-dht"))
        self.assertGreaterEqual(seen_tcp, 4)
        self.assertGreaterEqual(seen_utp, 2)

    def test_rdp_is_recognised(self):
        n = 0
        for pcap, meta in self.metas(scenario="rdp"):
            with self.subTest(capture=meta["capture"]):
                self.assertTrue(has_child(phs_paths(pcap), "tcp", "rdp"))
                n += 1
        self.assertGreaterEqual(n, 4)

    def test_listed_protocols_are_present(self):
        for pcap, meta in self.corpus:
            if meta is None:
                continue
            with self.subTest(capture=meta["capture"]):
                names = set()
                for p in phs_paths(pcap, "--enable-heuristic", "bt_utp_udp"):
                    names.update(p)
                for proto in meta["protocols"]:
                    self.assertIn(proto, names)

    # -- outcomes ------------------------------------------------------

    def check_connection(self, meta, rows, c, use=0):
        """use: which connection on these endpoints (port-reuse), in order."""
        v = meta["ip_version"]
        cl, cp, sv, sp = (c["client"], c["client_port"], c["server"],
                          c["server_port"])
        tr = c["transport"]
        fwd = [r for r in rows if r["kind"] == tr and r["src"] == cl and
               r["sport"] == cp and r["dst"] == sv and r["dport"] == sp]
        rev = [r for r in rows if r["kind"] == tr and r["src"] == sv and
               r["sport"] == sp and r["dst"] == cl and r["dport"] == cp]
        if tr == "tcp":
            streams = sorted({r["stream"] for r in fwd + rev}, key=int)
            if len(streams) > 1:
                fwd = [r for r in fwd if r["stream"] == streams[use]]
                rev = [r for r in rev if r["stream"] == streams[use]]
        icmps = [r for r in rows if r["kind"] == "icmp" and
                 r["type"] in ICMP_ERROR_TYPES[v] and r["dst"] == cl and
                 r["q_transport"] == tr and r["q_sport"] == cp and
                 r["q_dport"] == sp]
        syns = [r for r in fwd if r["syn"] and not r["ack"]] \
            if tr == "tcp" else []
        if tr == "tcp":
            self.assertEqual(len(syns), c["syn_count"], "SYN count")
        out = c["outcome"]
        if out in ("established", "established_after_retry"):
            if tr == "tcp":
                self.assertTrue([r for r in rev if r["syn"] and r["ack"]],
                                "no SYN-ACK from the server")
            else:
                self.assertTrue(rev, "no datagram from the server")
            self.assertFalse(icmps)
            if out == "established_after_retry":
                self.assertGreaterEqual(c["syn_count"], 2)
        elif out == "half_open":
            self.assertTrue(tr == "tcp" and
                            [r for r in rev if r["syn"] and r["ack"]],
                            "no SYN-ACK from the server")
            self.assertFalse([r for r in fwd if r["ack"] and not r["rst"]
                              and not r["syn"]],
                             "the client completed the handshake")
        elif out == "refused":
            self.assertTrue([r for r in rev if r["rst"]], "no RST")
            self.assertFalse([r for r in rev if r["syn"]], "SYN-ACK seen")
        elif out == "icmp_rejected":
            self.assertTrue(icmps, "no ICMP error quoting the client port")
            self.assertIsNotNone(c["icmp"])
            for r in icmps:
                self.assertEqual(r["src"], c["icmp"]["from"])
                self.assertEqual(r["type"], c["icmp"]["type"])
                self.assertEqual(r["code"], c["icmp"]["code"])
            if "icmp_count" in c:
                self.assertEqual(len(icmps), c["icmp_count"])
            self.assertFalse(rev, "the server answered")
        elif out == "unanswered":
            self.assertFalse(rev, "the server answered")
            self.assertFalse(icmps, "an ICMP error reached this point")
            if tr == "tcp":
                self.assertTrue(fwd)
                self.assertEqual(len(fwd), len(syns), "non-SYN from client")
            elif "client_datagrams" in c:
                self.assertEqual(len(fwd), c["client_datagrams"])
        else:
            self.fail("outcome %s not covered by the corpus checks" % out)

    def test_outcomes_match_packets(self):
        seen = set()
        for pcap, meta in self.corpus:
            if meta is None:
                continue
            rows = packets(pcap)
            uses = {}
            for c in meta["connections"]:
                tup = (c["transport"], c["client_port"], c["server_port"])
                uses[tup] = uses.get(tup, -1) + 1
                with self.subTest(capture=meta["capture"],
                                  conn="%s/%s->%s" % tup, use=uses[tup]):
                    self.check_connection(meta, rows, c, uses[tup])
                    seen.add((meta["side"], c["outcome"], c["transport"]))
        for need in [("client", "established", "tcp"),
                     ("client", "established_after_retry", "tcp"),
                     ("client", "refused", "tcp"),
                     ("client", "icmp_rejected", "tcp"),
                     ("client", "icmp_rejected", "udp"),
                     ("client", "unanswered", "tcp"),
                     ("client", "unanswered", "udp"),
                     ("server", "icmp_rejected", "tcp"),
                     ("server", "unanswered", "tcp")]:
            self.assertIn(need, seen)

    def test_icmp_lost_differs_between_sides(self):
        n = 0
        for pcap, meta in self.metas(side="client", scenario="icmp-lost"):
            smeta = self.by_name[meta["capture"].replace("-client.",
                                                         "-server.")][1]
            with self.subTest(capture=meta["capture"]):
                self.assertEqual(meta["wire"]["drop"],
                                 "ICMP errors server->client")
                for c, s in zip(meta["connections"], smeta["connections"]):
                    self.assertEqual(c["outcome"], "unanswered")
                    self.assertEqual(s["outcome"], "icmp_rejected")
                n += 1
        self.assertEqual(n, 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
