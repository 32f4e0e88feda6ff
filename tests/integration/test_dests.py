"""-z pktan,dests against Wireshark's own Destinations and Ports
(-z dests,tree and -z ipv6_dests,tree) on every recorded capture and on a
generated 10 000-connection capture; view=servers and host= against the
captures' ground truth sidecars and tshark's packet counts."""
import csv
import struct
import io
import json
import os
import sys
import unittest
from collections import Counter, defaultdict

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from corpus import ReportCorpus, WITH_FRAME_RECORDS  # noqa: E402
from stats_tree_text import parse_tree_sections  # noqa: E402
from wireshark_user import env_setting  # noqa: E402

# Wireshark's port_type_to_str() names; transports without ports are "NONE".
WIRESHARK_PORT_TYPES = {"TCP", "UDP", "SCTP", "DCCP"}
corpus = ReportCorpus(10000, 7)
user, captures = None, []


def setUpModule():
    global user, captures
    user, recorded, generated = corpus.start()
    captures = recorded + [(generated[0], None)]


def tearDownModule():
    corpus.stop()


# Every capture is checked with pktan,dests in JSON in both views, with the
# dialog's tree and with Wireshark's two Destinations and Ports trees: one
# tshark run for all of them (and one more for the views read as frame
# records), most of which is tshark's start on a recorded capture.
VIEWS = ((), ("view=servers",))
TREES = ("pktan_dests,tree", "dests,tree", "ipv6_dests,tree")


def capture_run(path, together=()):
    """({view options: report}, [(tree title, counts)]) of path; the trees
    only without together."""
    trees = () if together else sum((["-z", tree] for tree in TREES), [])
    texts, stdout = user.reports_of_one_run(
        path, [",".join(("pktan,dests", "format=json") + view) for view in VIEWS],
        *trees, *together)
    return dict(zip(VIEWS, map(json.loads, texts))), parse_tree_sections(stdout)


def tree_of(path, title_start):
    trees = [counts for title, counts in capture_run(path)[1] if title.startswith(title_start)]
    assert len(trees) == 1, f"one {title_start} tree expected, got {len(trees)}"
    return trees[0]


def wireshark_dests(path, family):
    """{(address, port type, port): packets} from Wireshark's IPv4 or IPv6
    Destinations and Ports tree (family "IPv4" or "IPv6")."""
    return {(k[0], k[1], int(k[2])): v for k, v in tree_of(path, family).items() if len(k) == 3}


def pktan_json(path, *options, together=()):
    if options in VIEWS:
        return capture_run(path, together)[0][options]
    return json.loads(user.tshark_output(
        "-r", path, "-q", "-z", ",".join(("pktan,dests", "format=json") + options), *together))


def as_wireshark_rows(report):
    """Our rows keyed the way Wireshark's tree keys them."""
    rows = {}
    for dest in report["destinations"]:
        for port in dest["ports"]:
            ptype = port["transport"] if port["transport"] in WIRESHARK_PORT_TYPES else "NONE"
            key = (dest["address"], ptype, port["port"])
            rows[key] = rows.get(key, 0) + port["packets"]
    return rows


def headers_outside_icmp(path):
    """Every ip.version, tcp.srcport, udp.srcport and vxlan.vni of each
    frame that is no ICMP error (whose quoted headers the report does not
    count): one tshark run serves the functions below."""
    return user.field_occurrences(path, ("ip.version", "tcp.srcport", "udp.srcport", "vxlan.vni"),
                                  "-Y", "not icmp and not icmpv6")


def ip_headers_per_frame(path):
    """{number of IP headers in a frame}. Wireshark gives IPv6 headers an
    ip.version too."""
    return {len(f["ip.version"]) for f in headers_outside_icmp(path) if f["ip.version"]}


def transport_headers(path):
    """TCP and UDP headers, counted one by one (a VXLAN frame holds two)."""
    return sum(len(f["tcp.srcport"]) + len(f["udp.srcport"]) for f in headers_outside_icmp(path))


def vxlan_servers(path):
    """Counter of (outer server address, "UDP", 4789) per VXLAN udp.stream:
    each direction of a Linux VXLAN tunnel is its own UDP flow to 4789. Read
    only from captures with a VXLAN header outside ICMP (a tunnel that
    carried nothing but ICMP would be missed, and the servers check would
    fail, not pass)."""
    if not any(f["vxlan.vni"] for f in headers_outside_icmp(path)):
        return Counter()
    out = user.tshark_output("-r", path, "-Y", "vxlan", "-T", "fields", "-e", "udp.stream",
                             "-e", "ip.dst", "-E", "occurrence=f")
    streams = dict(line.split("\t") for line in out.splitlines())
    return Counter((dst, "UDP", 4789) for dst in streams.values())


def tshark_count(path, display_filter):
    return len(user.tshark_output("-r", path, "-Y", display_filter, "-T", "fields",
                                  "-e", "frame.number").split())


class PacketsViewEqualsWireshark(unittest.TestCase):
    def test_every_capture(self):
        self.check_every_capture(())

    def test_every_capture_read_as_frame_records(self):
        self.check_every_capture(WITH_FRAME_RECORDS)

    def check_every_capture(self, together):
        self.assertGreater(len(captures), 10)
        for path, _ in captures:
            with self.subTest(capture=os.path.basename(path)):
                ours = as_wireshark_rows(pktan_json(path, together=together))
                v4 = {k: v for k, v in ours.items() if ":" not in k[0]}
                v6 = {k: v for k, v in ours.items() if ":" in k[0]}
                wireshark_v4 = wireshark_dests(path, "IPv4")
                wireshark_v6 = wireshark_dests(path, "IPv6")
                # IPv6 inside IPv4 (gre-v6): both count a frame once per IP
                # header under the address its transport header is seen
                # with, the inner one. Wireshark's IPv4 tree holds the outer
                # IPv4 header's count, named by the inner IPv6 addresses;
                # pktan's IPv6 rows hold both counts.
                inner_v6 = {k: v for k, v in wireshark_v4.items() if ":" in k[0]}
                if inner_v6:
                    self.assertEqual(inner_v6, wireshark_v6)
                    wireshark_v4 = {k: v for k, v in wireshark_v4.items() if ":" not in k[0]}
                    wireshark_v6 = {k: v + inner_v6[k] for k, v in wireshark_v6.items()}
                self.assertTrue(wireshark_v4 or wireshark_v6, "Wireshark counted nothing")
                self.assertEqual(v4, wireshark_v4)
                self.assertEqual(v6, wireshark_v6)

    def test_text_csv_json_agree(self):
        path = next(p for p, t in captures if t and t["scenario"] == "http")
        report = pktan_json(path)
        proc = user.tshark("-r", path, "-q", "-z", "pktan,dests,format=csv")
        rows = list(csv.DictReader(io.StringIO(proc.stdout)))
        self.assertEqual(sum(int(r["packets"]) for r in rows), report["packets"])
        self.assertEqual(sum(int(r["bytes"]) for r in rows), report["bytes"])
        self.assertEqual(report["packets"], tshark_count(path, "ip or ipv6"))
        text = user.tshark("-r", path, "-q", "-z", "pktan,dests").stdout
        self.assertIn(f"{report['packets']} packets, {report['bytes']} bytes", text)
        for dest in report["destinations"]:
            self.assertIn(dest["address"], text)


class DialogTree(unittest.TestCase):
    """Statistics > PktAn > Destinations and Ports is a stats tree, which
    tshark can print too (-z pktan_dests,tree): same numbers as the report,
    except that the tree counts a frame once where the report, like
    Wireshark's dests,tree, counts it once per IP header (tunnels)."""

    def test_tree_equals_report(self):
        for path, _ in captures:
            with self.subTest(capture=os.path.basename(path)):
                report = pktan_json(path)
                tree = tree_of(path, "PktAn")
                per_frame = ip_headers_per_frame(path) - {0}
                self.assertLessEqual(len(per_frame), 1, "mixed encapsulations")
                headers = per_frame.pop() if per_frame else 1
                expected = {}
                for dest in report["destinations"]:
                    expected[(dest["address"],)] = dest["packets"]
                    for port in dest["ports"]:
                        transport = (dest["address"], port["transport"])
                        expected[transport] = expected.get(transport, 0) + port["packets"]
                        if port["transport"] in WIRESHARK_PORT_TYPES:
                            name = str(port["port"]) + (f" ({port['service']})"
                                                        if port["service"] else "")
                            expected[transport + (name,)] = port["packets"]
                self.assertEqual(tree, {k: v // headers for k, v in expected.items()})


class ServersView(unittest.TestCase):
    def test_servers_are_the_sidecars_servers(self):
        self.check_servers(())

    def test_servers_read_as_frame_records(self):
        self.check_servers(WITH_FRAME_RECORDS)

    def check_servers(self, together):
        checked = 0
        for path, truth in captures:
            if not truth or not truth.get("connections"):
                continue
            with self.subTest(capture=os.path.basename(path)):
                expected = Counter((c["server"], c["transport"].upper(), c["server_port"])
                                   for c in truth["connections"]) + vxlan_servers(path)
                report = pktan_json(path, "view=servers", together=together)
                self.assertEqual(report["view"], "servers")
                got = Counter()
                for dest in report["destinations"]:
                    for port in dest["ports"]:
                        if port["transport"] in ("TCP", "UDP"):
                            got[(dest["address"], port["transport"], port["port"])] += \
                                port["conversations"]
                # Every connection the script made, on its server endpoint (a
                # reused 4-tuple twice); a client port never appears as a server.
                self.assertEqual(got, expected)
                packets = sum(p["packets"] for d in report["destinations"] for p in d["ports"]
                              if p["transport"] in ("TCP", "UDP"))
                self.assertEqual(packets, transport_headers(path))
                checked += 1
        self.assertGreater(checked, 5)


    def test_syn_names_the_server_above_the_clients_port(self):
        """A recorded HTTP capture with the server's port 8080 rewritten to
        50000, above the clients' ports (40001...): the lower-port rule
        would pick the clients, the handshake says the server."""
        source, truth = next((p, t) for p, t in captures
                             if t and t["scenario"] == "http" and t["ip_version"] == 4)
        path = rewrite_tcp_port(source, 8080, 50000)
        report = pktan_json(path, "view=servers")
        rows = [(d["address"], p["port"], p["conversations"])
                for d in report["destinations"] for p in d["ports"]]
        self.assertEqual(rows, [(truth["server"], 50000, len(truth["connections"]))])


def rewrite_tcp_port(path, old, new):
    """A copy of a pcap (Ethernet, IPv4/IPv6) with TCP port old replaced by
    new in both directions. Checksums are left stale: Wireshark does not
    check them by default."""
    with open(path, "rb") as f:
        data = bytearray(f.read())
    endian = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    offset = 24
    while offset + 16 <= len(data):
        caplen = struct.unpack_from(endian + "I", data, offset + 8)[0]
        frame = offset + 16
        ethertype = struct.unpack_from(">H", data, frame + 12)[0]
        ip = frame + 14
        if ethertype == 0x0800 and data[ip + 9] == 6:
            tcp = ip + (data[ip] & 0x0F) * 4
        elif ethertype == 0x86DD and data[ip + 6] == 6:
            tcp = ip + 40
        else:
            tcp = None
        if tcp is not None:
            for field in (tcp, tcp + 2):
                if struct.unpack_from(">H", data, field)[0] == old:
                    struct.pack_into(">H", data, field, new)
        offset = frame + caplen
    out = os.path.join(user.stage, f"port{new}-" + os.path.basename(path))
    with open(out, "wb") as f:
        f.write(data)
    os.chmod(out, 0o644)
    return out


class HostOption(unittest.TestCase):
    def test_only_packets_sent_by_host(self):
        for path, truth in captures:
            if not truth or truth["scenario"] != "http":
                continue
            with self.subTest(capture=os.path.basename(path)):
                client = truth["client"]
                report = pktan_json(path, f"host={client}")
                self.assertEqual(report["host"], client)
                field = "ipv6.src" if ":" in client else "ip.src"
                self.assertEqual(report["packets"], tshark_count(path, f"{field}=={client}"))
                self.assertNotIn(client, [d["address"] for d in report["destinations"]])
                self.assertIn(truth["server"], [d["address"] for d in report["destinations"]])

    def test_servers_view_with_host_keeps_both_directions(self):
        path, truth = next((p, t) for p, t in captures if t and t["scenario"] == "http")
        report = pktan_json(path, "view=servers", f"host={truth['client']}")
        self.assertEqual([d["address"] for d in report["destinations"]], [truth["server"]])
        self.assertEqual(report["packets"], tshark_count(path, "tcp"))


class OptionsAndFilter(unittest.TestCase):
    def test_display_filter_and_sort_and_top(self):
        path = captures[-1][0]  # the generated capture: many destinations
        full = pktan_json(path)
        only_rdp = pktan_json(path, "tcp.port==3389")
        self.assertEqual(only_rdp["filter"], "tcp.port==3389")
        self.assertEqual(only_rdp["packets"], tshark_count(path, "(ip or ipv6) and tcp.port==3389"))
        self.assertLess(only_rdp["packets"], full["packets"])
        by_bytes = pktan_json(path, "sort=bytes")
        sizes = [d["bytes"] for d in by_bytes["destinations"]]
        self.assertEqual(sizes, sorted(sizes, reverse=True))
        counts = [d["packets"] for d in full["destinations"]]
        self.assertEqual(counts, sorted(counts, reverse=True))
        text = user.tshark("-r", path, "-q", "-z", "pktan,dests,top=3").stdout
        more = len(full["destinations"]) - 3
        self.assertIn(f"... {more} more destinations not shown", text)

    def test_out_path(self):
        path = captures[0][0]
        out = os.path.join(user.home, "dests.json")
        proc = user.tshark("-r", path, "-q", "-z", f"pktan,dests,format=json,out={out}")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout, "")
        proc = user.run(["cat", out])
        self.assertEqual(json.loads(proc.stdout)["report"], "dests")

    def test_unwritable_out_path(self):
        proc = user.tshark("-r", captures[0][0], "-q", "-z", "pktan,dests,out=/nonexistent/x.json")
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(len(proc.stderr.strip().splitlines()), 1, proc.stderr)
        self.assertIn("out=/nonexistent/x.json", proc.stderr)

    def test_json_envelope(self):
        report = pktan_json(captures[0][0])
        for key in ("report", "pktan_version", "wireshark_version", "filter", "view", "host",
                    "destinations"):
            self.assertIn(key, report)
        self.assertEqual(report["pktan_version"], env_setting("PKTAN_VERSION"))
        self.assertIsNone(report["filter"])
        self.assertIsNone(report["host"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
