"""-z pktan,unexpected against Wireshark's own view of every recorded capture
and of a generated one, under four allowlists (none, the two example
policies, and one that allows everything the corpus holds):

- the oracle reads each frame's layers as Wireshark dissects them
  (frame.protocols, with Wireshark's own bt-utp heuristic switched on, so
  that uTP is named by Wireshark and not by pktan's own recogniser) and
  applies the documented rules itself: baseline, a rule allows what its
  protocol carries, carriers, families, unidentified payload, ICMP quotes;
  each conversation (tcp.stream / udp.stream) counts whole for the first
  protocol that broke the policy. Protocols, conversations, packets, bytes,
  first frames and endpoints must equal the report's;
- every protocol `-z io,phs` shows is allowed, in the baseline, carried
  inside an allowed protocol, or accounted for in the report;
- nothing a rule allows is flagged;
- the recorded BitTorrent (TCP, uTP, DHT) and RDP conversations, counted
  from the sidecars, are flagged under the workstation example policy;
- bad policy input (file, preference, UAT row) stops tshark with one line;
- the UAT, from -o and from the profile file, changes the report;
- pktan.unexpected marks every packet of the flagged conversations and
  expert info the first of each (tshark -2)."""
import csv
import io
import ipaddress
import json
import os
import shutil
import sys
import unittest
from collections import Counter, defaultdict

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from corpus import ReportCorpus  # noqa: E402
from wireshark_user import env_setting, field_is_true  # noqa: E402

corpus = ReportCorpus(2000, 23)
user, captures, generated = None, [], None
POLICIES = {}

# The documented policy (README "Unexpected protocols"), written down again
# here rather than read from the plugin.
BASELINE = {"eth", "ethertype", "sll", "vlan", "ieee8021ad", "llc", "arp", "mpls", "ppp",
            "pppoes", "null", "ip", "ipv6", "ipv6.hopopts", "ipv6.routing", "ipv6.fraghdr",
            "ipv6.dstopts", "icmp", "icmpv6", "igmp", "tcp", "udp", "udplite", "sctp", "dccp",
            "gre", "vxlan", "geneve", "erspan", "nsh"}
ALWAYS = {"frame", "pktan", "_ws.malformed", "_ws.short", "_ws.unreassembled", "_ws.expert"}
# io,phs also shows TCP's reassembly as a protocol of its own
PHS_ONLY = {"tcp.segments"}
CARRIERS = {"tpkt", "cotp", "t125", "t124"}
FAMILY = {"bt-utp": "bittorrent", "bt-dht": "bittorrent", "bt-tracker": "bittorrent",
          "rdpudp": "rdp"}
EVERYTHING = "http\nssh\nbittorrent\nrdp\ndata\ndns\ntls\nsmtp\nimf\n"


def setUpModule():
    global user, captures, generated
    user, captures, generated = corpus.start()
    source = env_setting("PKTAN_SOURCE_DIR")
    for name in ("workstation", "web-server"):
        POLICIES[name] = user.stage_file(os.path.join(source, "packaging", "policies",
                                                      f"{name}.txt"))
    POLICIES["empty"] = write_stage("empty.txt", "# nothing but the baseline\n")
    POLICIES["everything"] = write_stage("everything.txt", EVERYTHING)


def tearDownModule():
    corpus.stop()


def write_stage(name, text, mode=0o644):
    path = os.path.join(user.stage, name)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)
    return path


class Observation:
    """One capture seen once: Wireshark's protocol hierarchy and the report
    under every policy from a single tshark run (several -z pktan,... in one
    pass, each written to its own out=), and Wireshark's own per-frame
    fields from a second run."""
    cache = {}

    @classmethod
    def of(cls, path):
        if path not in cls.cache:
            cls.cache[path] = cls(path)
        return cls.cache[path]

    def __init__(self, path):
        out = os.path.join(user.home, "out")
        os.makedirs(out, exist_ok=True)
        if user.account:
            shutil.chown(out, user=user.account)
        args = ["-r", path, "-q", "-z", "io,phs"]
        outputs = {}
        for name, policy in POLICIES.items():
            outputs[name] = os.path.join(out, f"{os.path.basename(path)}-{name}.json")
            args += ["-z", f"pktan,unexpected,format=json,out={outputs[name]},allowlist={policy}"]
        proc = user.tshark(*args)
        assert proc.returncode == 0, proc.stderr
        self.phs = phs_protocols(proc.stdout)
        self.reports = {}
        for name, f in outputs.items():
            with open(f) as report:
                self.reports[name] = json.load(report)
        self.frames = list(frames(path))


def unexpected(path, *options, fmt="json", extra=()):
    proc = user.tshark("-r", path, "-q", *extra, "-z",
                       ",".join(("pktan,unexpected", f"format={fmt}") + options))
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout) if fmt == "json" else proc.stdout


# ---- the oracle --------------------------------------------------------------

def parse_rules(path):
    rules = []
    with open(path) as f:
        lines = f.read().splitlines()
    for line in lines:
        line = line.split("#", 1)[0].split()
        if not line:
            continue
        rule = {"protocol": line[0], "ports": None, "nets": None}
        for word in line[1:]:
            key, _, value = word.partition("=")
            if key == "port":
                rule["ports"] = [tuple(int(x) for x in (p.split("-") * 2)[:2])
                                 for p in value.split(",")]
            else:
                rule["nets"] = [ipaddress.ip_network(n) for n in value.split(",")]
        rules.append(rule)
    return rules


def covers(rule, server_port, client, server):
    if rule["ports"] and not any(lo <= server_port <= hi for lo, hi in rule["ports"]):
        return False
    if rule["nets"]:
        ends = [ipaddress.ip_address(a) for a in (client, server) if a]
        return any(a in n for n in rule["nets"] for a in ends if a.version == n.version)
    return True


def allowed(rules, protocol, ends):
    names = {protocol, FAMILY.get(protocol, protocol)}
    return any(r["protocol"] in names and covers(r, *ends) for r in rules)


def judge(layers, rules, ends):
    """(kind, reported protocol, chain) of one frame, kind None when allowed."""
    carrier = None
    for i, p in enumerate(layers):
        if p in ALWAYS:
            continue
        if p in BASELINE:
            if p in ("icmp", "icmpv6"):
                return None, None, None
            continue
        if allowed(rules, p, ends):
            return "rule", None, None
        if p in CARRIERS:
            carrier = i if carrier is None else carrier
            continue
        start = i if carrier is None else carrier
        if p == "data":
            return ("carrier", layers[carrier], layers[start:]) if carrier is not None \
                else ("unidentified", "data", layers[start:])
        return "named", FAMILY.get(p, p), layers[start:]
    if carrier is not None:
        return "carrier", layers[carrier], layers[carrier:]
    return None, None, None


RANK = {None: 0, "rule": 0, "unidentified": 1, "carrier": 2, "named": 3}
FIELDS = ("frame.number", "frame.protocols", "frame.len", "ip.src", "ip.dst", "ipv6.src",
          "ipv6.dst", "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport", "tcp.stream",
          "udp.stream", "tcp.flags.syn", "tcp.flags.ack", "ip.proto", "ipv6.nxt")


def frames(path):
    """Wireshark's fields per frame, innermost occurrence of each."""
    args = ["-r", path, "--enable-heuristic", "bt_utp_udp", "-T", "fields", "-E",
            "occurrence=l"]
    for f in FIELDS:
        args += ["-e", f]
    proc = user.tshark(*args)
    assert proc.returncode == 0, proc.stderr
    for line in proc.stdout.splitlines():
        yield dict(zip(FIELDS, line.split("\t")))


def conversation_of(f):
    """(key, src, sport, dst, dport, hint) of a frame's innermost conversation."""
    layers = f["frame.protocols"].split(":")
    if "icmp" in layers or "icmpv6" in layers:
        cut = layers.index("icmp" if "icmp" in layers else "icmpv6")
        layers = layers[:cut]
        transport = "icmp"
    else:
        transport = next((p for p in reversed(layers) if p in ("tcp", "udp")), None)
    # the innermost IP header is the last ip/ipv6 layer before the cut
    v6 = next((p for p in reversed(layers) if p in ("ip", "ipv6")), None) == "ipv6"
    src, dst = (f["ipv6.src"], f["ipv6.dst"]) if v6 else (f["ip.src"], f["ip.dst"])
    if transport == "icmp":
        # occurrence=l gave the quoted header's addresses: use the first
        return ("icmp", "first-ip", f["frame.number"]), None, 0, None, 0, None
    if transport in ("tcp", "udp"):
        sport, dport = int(f[f"{transport}.srcport"]), int(f[f"{transport}.dstport"])
        stream = f[f"{transport}.stream"]
        hint = None
        if transport == "tcp" and field_is_true(f["tcp.flags.syn"]):
            hint = "src" if field_is_true(f["tcp.flags.ack"]) else "dst"
        key = (transport, stream)
        return key, src, sport, dst, dport, hint
    if not src:
        return ("link",), None, 0, None, 0, None
    proto = f["ipv6.nxt"] if v6 else f["ip.proto"]
    return ("ip", proto, frozenset((src, dst))), src, 0, dst, 0, None


def oracle(path, rules):
    convs = {}
    for f in Observation.of(path).frames:
        key, src, sport, dst, dport, hint = conversation_of(f)
        if key[0] == "icmp":
            continue  # ICMP errors: baseline, their own traffic
        c = convs.get(key)
        if c is None:
            c = convs[key] = {"frames": [], "bytes": 0, "first_dst": (dst, dport),
                              "server": None, "ends": {(src, sport), (dst, dport)},
                              "flag": None, "protocol": None, "flag_frame": None,
                              "transport": key[0], "saw_rule": False}
        c["frames"].append(int(f["frame.number"]))
        c.setdefault("layers", set()).update(f["frame.protocols"].split(":"))
        c["bytes"] += int(f["frame.len"])
        if hint:
            c["server"] = (dst, dport) if hint == "dst" else (src, sport)
        server = server_of(c)
        client = next(iter(c["ends"] - {server}), server)
        kind, protocol, _ = judge(f["frame.protocols"].split(":"), rules,
                                  (server[1], client[0], server[0]))
        if kind == "named" and protocol == "tls" and c["saw_rule"]:
            kind = "rule"  # an allowed protocol switched to TLS (RDP on 4.4+)
        c["saw_rule"] |= kind == "rule"
        if "bt-utp" in f["frame.protocols"] and c.setdefault("utp_from", src) != src:
            # pktan recognises uTP itself once both directions carried it
            c.setdefault("utp_confirmed", int(f["frame.number"]))
        if c["flag"] != "named" and RANK[kind] > RANK[c["flag"]]:
            c["flag"], c["protocol"], c["flag_frame"] = kind, protocol, int(f["frame.number"])
    return convs


def server_of(c):
    if c["server"]:
        return c["server"]
    ends = sorted(c["ends"], key=lambda e: e[1])
    if len(ends) == 2 and ends[0][1] != ends[1][1]:
        return ends[0]
    return c["first_dst"]


def counts(c):
    """Named, or a bare carrier in a conversation no rule allowed."""
    return c["flag"] == "named" or (c["flag"] == "carrier" and not c["saw_rule"])


def expected_protocols(convs):
    out = defaultdict(lambda: {"conversations": 0, "packets": 0, "bytes": 0, "first_frame": None,
                               "endpoints": Counter()})
    for c in convs.values():
        if not counts(c):
            continue
        p = out[c["protocol"]]
        p["conversations"] += 1
        p["packets"] += len(c["frames"])
        p["bytes"] += c["bytes"]
        p["first_frame"] = min(filter(None, (p["first_frame"], c["flag_frame"])))
        server = server_of(c)
        client = next(iter(c["ends"] - {server}), server)
        p["endpoints"][(c["transport"], client[0], server[0], server[1])] += len(c["frames"])
    return out


def report_protocols(report):
    out = {}
    for p in report["protocols"]:
        out[p["protocol"]] = {
            "conversations": p["conversations"], "packets": p["packets"], "bytes": p["bytes"],
            "first_frame": p["first_frame"],
            "endpoints": Counter({(e["transport"], e["client"], e["server"], e["server_port"]):
                                  e["packets"] for e in p["endpoints"]})}
    return out


def every_capture():
    return [(p, t) for p, t in captures] + [(generated[0], None)]


class AgainstWireshark(unittest.TestCase):
    def test_protocols_conversations_packets(self):
        for path, _ in every_capture():
            seen = Observation.of(path)
            for name, policy in POLICIES.items():
                with self.subTest(capture=os.path.basename(path), policy=name):
                    expected = expected_protocols(oracle(path, parse_rules(policy)))
                    self.assertEqual(report_protocols(seen.reports[name]), dict(expected))

    def test_phs_protocols_accounted_for(self):
        """Every protocol io,phs shows is allowed, baseline, carried inside
        an allowed protocol, or in the report (by name or in a chain)."""
        for path, _ in every_capture():
            seen = Observation.of(path)
            for name, policy in POLICIES.items():
                with self.subTest(capture=os.path.basename(path), policy=name):
                    rules = parse_rules(policy)
                    report = seen.reports[name]
                    named = {p["protocol"] for p in report["protocols"]}
                    in_chains = {layer for p in report["protocols"] for chain in p["chains"]
                                 for layer in chain.split(":")}
                    carried = carried_inside_allowed(seen.frames, rules)
                    # every packet of a flagged conversation is in the report
                    # under its protocol (RDP's TLS records, say)
                    carried |= {p for c in oracle(path, rules).values() if counts(c)
                                for p in c["layers"]}
                    for p in seen.phs:
                        # io,phs shows carriers Wireshark 4.4+ leaves out of
                        # frame.protocols (tpkt): accounted when what they
                        # carry is allowed or reported
                        ok = (p in BASELINE or p in ALWAYS or p in PHS_ONLY
                              or (p in CARRIERS and (named or carried))
                              or any(r["protocol"] in (p, FAMILY.get(p)) for r in rules)
                              or p in carried or p in named or p in in_chains
                              or (p == "data" and (report["unidentified"] or "bt-utp" in in_chains)))
                        self.assertTrue(ok, f"{p} is neither allowed nor reported")
                    self.assertGreater(report["summary"]["conversations"], 0)

    def test_nothing_allowed_is_flagged(self):
        for path, _ in every_capture():
            seen = Observation.of(path)
            for name, policy in POLICIES.items():
                rules = parse_rules(policy)
                with self.subTest(capture=os.path.basename(path), policy=name):
                    for p in seen.reports[name]["protocols"]:
                        for e in p["endpoints"]:
                            self.assertFalse(allowed(rules, p["protocol"],
                                                     (e["server_port"], e["client"], e["server"])),
                                             (p["protocol"], e))


def phs_protocols(text):
    names = set()
    for line in text.splitlines():
        words = line.split()
        if len(words) >= 3 and words[1].startswith("frames:"):
            names.add(words[0])
    assert "eth" in names or "sll" in names, text
    return names


def carried_inside_allowed(frame_list, rules):
    """Protocols after an allowed one in some frame, and the carriers
    (tpkt, cotp) before one."""
    carried = set()
    for f in frame_list:
        layers = f["frame.protocols"].split(":")
        for i, p in enumerate(layers):
            if p not in BASELINE and any(r["protocol"] in (p, FAMILY.get(p)) for r in rules):
                carried.update(layers[i + 1:])
                carried.update(l for l in layers[:i] if l in CARRIERS)
                break
    return carried


class RecordedTruth(unittest.TestCase):
    def test_bittorrent_and_rdp_under_the_workstation_policy(self):
        """The sidecars' BitTorrent (TCP, uTP, DHT) and RDP connections are
        the report's conversations for bittorrent and rdp."""
        checked = 0
        for path, truth in captures:
            if truth is None or truth["scenario"] not in ("bittorrent", "rdp"):
                continue
            with self.subTest(capture=os.path.basename(path)):
                report = unexpected(path, f"allowlist={POLICIES['workstation']}")
                got = Counter()
                for p in report["protocols"]:
                    for e in p["endpoints"]:
                        got[(p["protocol"], e["transport"], e["client"], e["server"],
                             e["server_port"])] += e["conversations"]
                expected = Counter((FAMILY.get(c["protocol"], c["protocol"]), c["transport"],
                                    c["client"], c["server"], c["server_port"])
                                   for c in truth["connections"]
                                   if c["protocol"] in ("bittorrent", "bt-utp", "bt-dht", "rdp"))
                self.assertEqual(got, expected)
                self.assertTrue(expected)
                checked += 1
        self.assertEqual(checked, 8)

    def test_utp_without_wireshark_heuristic(self):
        """pktan names the uTP flow although Wireshark shows it as data."""
        path = next(p for p, _ in captures if os.path.basename(p) == "bittorrent-v4-d5-client.pcap")
        report = unexpected(path, f"allowlist={POLICIES['workstation']}")
        chains = report["protocols"][0]["chains"]
        self.assertIn("bt-utp", chains)
        self.assertEqual(report["unidentified"], [])

    def test_unidentified_payload(self):
        """The UDP probes of reject-icmp carry bytes no dissector knows."""
        path = next(p for p, _ in captures if os.path.basename(p) == "reject-icmp-v4-d5-client.pcap")
        report = unexpected(path, f"allowlist={POLICIES['empty']}")
        self.assertEqual([(u["transport"], u["server_port"], u["conversations"])
                          for u in report["unidentified"]], [("udp", 9083, 1)])


class Formats(unittest.TestCase):
    def test_csv_rows_and_json_keys(self):
        path = generated[0]
        report = unexpected(path, f"allowlist={POLICIES['empty']}")
        for key in ("report", "pktan_version", "wireshark_version", "filter", "allowlist",
                    "protocols", "unidentified"):
            self.assertIn(key, report)
        self.assertEqual(set(report["allowlist"]), {"source", "rules", "baseline"})
        for p in report["protocols"]:
            for key in ("protocol", "name", "conversations", "packets", "bytes", "first_frame",
                        "first_time", "last_time", "endpoints"):
                self.assertIn(key, p)
        rows = list(csv.DictReader(io.StringIO(unexpected(path, f"allowlist={POLICIES['empty']}",
                                                          fmt="csv"))))
        self.assertEqual(len(rows), sum(len(p["endpoints"]) for p in report["protocols"])
                         + len(report["unidentified"]))
        self.assertEqual(sum(int(r["packets"]) for r in rows if r["protocol"] != "data"),
                         sum(p["packets"] for p in report["protocols"]))

    def test_text_and_filter(self):
        path = generated[0]
        text = unexpected(path, "top=2", f"allowlist={POLICIES['empty']}", fmt="text")
        self.assertIn("PktAn Unexpected Protocols", text)
        self.assertIn("rows not shown", text)
        filtered = unexpected(path, f"allowlist={POLICIES['empty']}", "tcp.port == 3389")
        self.assertEqual([p["protocol"] for p in filtered["protocols"]], ["rdp"])
        self.assertEqual(filtered["filter"], "tcp.port == 3389")


class BadInput(unittest.TestCase):
    def fails(self, args, *expected):
        path = captures[0][0]
        proc = user.tshark("-r", path, "-q", *args)
        self.assertNotEqual(proc.returncode, 0)
        lines = [l for l in proc.stderr.splitlines() if l.strip()]
        for text in expected:
            self.assertTrue(any(text in l for l in lines), proc.stderr)
        return proc

    def test_bad_allowlist_files(self):
        cases = {
            "typo.txt": ("http\nssh port=22\nhtp\n", ":3: unknown protocol 'htp'"),
            "cidr.txt": ("ssh addr=10.0.0.1/8\n", ":1: '10.0.0.1/8' has bits set after the prefix"),
            "prefix.txt": ("ssh addr=fd00::/200\n", ":1: bad prefix length '/200'"),
            "addr.txt": ("ssh addr=10.0.0.300\n", ":1: bad address '10.0.0.300'"),
            "port.txt": ("dns port=70000\n", ":1: bad port '70000'"),
            "range.txt": ("dns port=90-80\n", ":1: bad port range '90-80'"),
            "field.txt": ("dns ports=53\n", ":1: unexpected 'ports=53'"),
            "binary.txt": ("dns\n\0\1\2", ": contains a NUL byte"),
        }
        for name, (text, message) in cases.items():
            with self.subTest(name):
                path = write_stage(name, text)
                proc = self.fails(["-z", f"pktan,unexpected,allowlist={path}"], path + message)
                self.assertEqual(len(proc.stderr.strip().splitlines()), 1, proc.stderr)

    def test_unreadable_and_missing_file(self):
        locked = write_stage("locked.txt", "http\n", mode=0o000)
        self.fails(["-z", f"pktan,unexpected,allowlist={locked}"],
                   f"{locked}: cannot read the allowlist")
        self.fails(["-z", "pktan,unexpected,allowlist=/nonexistent/policy.txt"],
                   "/nonexistent/policy.txt: cannot read the allowlist")

    def test_bad_preference_file(self):
        path = write_stage("pref-typo.txt", "http\nrdpp\n")
        self.fails(["-o", f"pktan.allowlist_file:{path}", "-z", "pktan,unexpected"],
                   f"{path}:2: unknown protocol 'rdpp'")

    def test_bad_uat_rows(self):
        self.fails(["-o", 'uat:pktan_allowlist:"sshh","","",""', "-z", "pktan,unexpected"],
                   "unknown protocol 'sshh'")
        self.fails(["-o", 'uat:pktan_allowlist:"ssh","22,x","",""', "-z", "pktan,unexpected"],
                   "bad port 'x'")
        self.fails(["-o", 'uat:pktan_allowlist:"ssh","","10.0.0.0/40",""', "-z",
                    "pktan,unexpected"], "bad prefix length '/40'")

    def test_unknown_option(self):
        self.fails(["-z", "pktan,unexpected,alowlist=/tmp/x"], "alowlist")


def capture(name):
    return next(p for p, _ in captures if os.path.basename(p) == name)


class AllowlistSources(unittest.TestCase):
    def test_uat_from_the_command_line(self):
        path = capture("rdp-v4-d5-client.pcap")
        self.assertEqual([p["protocol"] for p in unexpected(path)["protocols"]], ["rdp"])
        report = unexpected(path, extra=("-o", 'uat:pktan_allowlist:"rdp","3389","",""'))
        self.assertEqual(report["protocols"], [])
        report = unexpected(path, extra=("-o", 'uat:pktan_allowlist:"rdp","3390","",""'))
        self.assertEqual([p["protocol"] for p in report["protocols"]], ["rdp"])

    def test_uat_from_the_profile_file(self):
        """The table as Wireshark saves it in the profile: editing it changes
        the report."""
        path = capture("ssh-v4-d5-client.pcap")
        profile = os.path.join(user.home, ".config", "wireshark")
        os.makedirs(profile, exist_ok=True)
        uat = os.path.join(profile, "pktan_allowlist")
        try:
            self.assertEqual([p["protocol"] for p in unexpected(path)["protocols"]], ["ssh"])
            with open(uat, "w") as f:
                f.write('# This file is automatically generated, DO NOT MODIFY.\n'
                        '"ssh","22","10.99.0.0/24","admins"\n')
            for d in (os.path.join(user.home, ".config"), profile, uat):
                shutil.chown(d, user=user.account or os.getuid())
            report = unexpected(path)
            self.assertEqual(report["protocols"], [])
            self.assertEqual(report["allowlist"]["rules"][0]["rule"], "ssh port=22 addr=10.99.0.0/24")
        finally:
            shutil.rmtree(os.path.join(user.home, ".config"), ignore_errors=True)

    def test_override_and_preference_file(self):
        path = capture("http-v4-d5-client.pcap")
        allow_http = write_stage("http.txt", "http port=8080\n")
        self.assertEqual(unexpected(path, extra=("-o", f"pktan.allowlist_file:{allow_http}"))
                         ["protocols"], [])
        # allowlist= replaces table and file for this report
        report = unexpected(path, f"allowlist={POLICIES['empty']}",
                            extra=("-o", f"pktan.allowlist_file:{allow_http}"))
        self.assertEqual([p["protocol"] for p in report["protocols"]], ["http"])

    def test_baseline_off(self):
        path = capture("http-v4-d5-client.pcap")
        report = unexpected(path, f"allowlist={POLICIES['everything']}",
                            extra=("-o", "pktan.allowlist_baseline:FALSE"))
        self.assertFalse(report["allowlist"]["baseline"])
        self.assertEqual(report["protocols"][0]["protocol"], "eth")


class Marks(unittest.TestCase):
    def test_packets_of_flagged_conversations(self):
        """tshark (one pass): every packet of a flagged conversation from the
        one that broke the policy on carries pktan.unexpected, and that one
        the expert-info warning. (Wireshark marks the earlier packets too
        once the file is read; the GUI check shows it.)"""
        for name in ("bittorrent-v4-d5-client.pcap", "rdp-v6-d5-server.pcap",
                     "http-v4-d5-client.pcap", "tunnels-v4-d5-client.pcap"):
            path = capture(name)
            with self.subTest(capture=name):
                convs = oracle(path, parse_rules(POLICIES["workstation"]))
                for c in convs.values():
                    if c.get("utp_confirmed") and c["flag_frame"] < c["utp_confirmed"]:
                        c["flag_frame"] = c["utp_confirmed"]
                flagged = {n: c["protocol"] for c in convs.values() if counts(c)
                           for n in c["frames"] if n >= c["flag_frame"]}
                firsts = {c["flag_frame"] for c in convs.values() if counts(c)}
                proc = user.tshark("-r", path, "-o", "pktan.mark_packets:always", "-o",
                                   f"pktan.allowlist_file:{POLICIES['workstation']}", "-Y",
                                   "pktan.unexpected", "-T", "fields", "-e", "frame.number",
                                   "-e", "pktan.unexpected", "-e", "_ws.expert.message",
                                   "-E", "aggregator=|")
                self.assertEqual(proc.returncode, 0, proc.stderr)
                rows = [l.split("\t") for l in proc.stdout.splitlines()]
                marked = {int(f): p for f, p, _ in rows}
                self.assertEqual((sorted(set(marked) - set(flagged)),
                                  sorted(set(flagged) - set(marked))), ([], []))
                self.assertEqual(marked, flagged)
                experts = {int(f) for f, _, m in rows if "Unexpected protocol" in m}
                self.assertEqual(experts, firsts)
                if name.startswith("bittorrent"):
                    self.assertGreater(len(flagged), 100)

    def test_filter_by_protocol(self):
        path = capture("bittorrent-v4-d5-client.pcap")
        proc = user.tshark("-r", path, "-o", "pktan.mark_packets:always", "-Y",
                           'pktan.unexpected == "bittorrent"', "-T", "fields", "-e",
                           "frame.number")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        report = unexpected(path)
        row = next(p for p in report["protocols"] if p["protocol"] == "bittorrent")
        self.assertGreater(len(proc.stdout.split()), 0)
        self.assertLessEqual(len(proc.stdout.split()), row["packets"])


if __name__ == "__main__":
    unittest.main()
