"""Live capture: tshark -i on a veth in network namespaces, with traffic this
test makes, and -z pktan,rtt, -z pktan,conn, -z pktan,dests in the same
live run, which also saves what it captured (-w). A dumpcap ring
(-b packets:) of the same interface runs beside it.

Checked against the ground truth of the traffic (what the client saw: which
connections were established, which refused, which datagram was rejected by
ICMP, from which local ports) and against Wireshark reading the file the
same run saved (tcp.analysis.initial_rtt, -z dests,tree and
-z ipv6_dests,tree); the ring, merged with mergecap, gives the same reports.

The namespaces, the HTTP server and how the capture gets its privileges
without running Wireshark as root: tests/lib/live_network.py.

Needs root (to make the namespaces); skipped otherwise."""
import glob
import json
import os
import select
import shutil
import subprocess
import sys
import time
import unittest
from collections import Counter

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from live_network import CLIENT4, HTTP_PORT, SERVER4, SERVER6, LiveNetwork, why_not_here  # noqa: E402
from stats_tree_text import tree_counts  # noqa: E402
from wireshark_user import WiresharkUser  # noqa: E402

CLOSED_PORT, CLOSED_UDP_PORT = 8081, 9083
CAPTURE_SECONDS = 6
RING_PACKETS = 2  # packets per ring file: every handshake (3 packets) crosses files

# What the client does; it prints what it saw, as JSON (the ground truth).
CLIENT = r"""
import http.client, json, socket, sys, time
server4, server6, http_port, closed_port, udp_port = sys.argv[1:6]
seen = []
for host, family in ((server4, 4), (server4, 4), (server6, 6)):
    c = http.client.HTTPConnection(host, int(http_port), timeout=5)
    c.connect()
    port = c.sock.getsockname()[1]
    c.request("GET", "/")
    status = c.getresponse().status
    c.close()
    seen.append({"transport": "tcp", "server": host, "server_port": int(http_port),
                 "client_port": port, "outcome": "established", "http_status": status})
    time.sleep(0.05)
for _ in range(2):
    s = socket.socket()
    s.bind((sys.argv[6], 0))
    port = s.getsockname()[1]
    try:
        s.connect((server4, int(closed_port)))
        outcome = "established"
    except ConnectionRefusedError:
        outcome = "refused"
    s.close()
    seen.append({"transport": "tcp", "server": server4, "server_port": int(closed_port),
                 "client_port": port, "outcome": outcome})
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.connect((server4, int(udp_port)))
u.settimeout(2)
u.send(b"hello")
try:
    u.recv(100)
    outcome = "answered"
except ConnectionRefusedError:  # the ICMP port unreachable reached the socket
    outcome = "icmp_rejected"
seen.append({"transport": "udp", "server": server4, "server_port": int(udp_port),
             "client_port": u.getsockname()[1], "outcome": outcome})
print(json.dumps(seen))
"""


class LiveCapture(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        reason = why_not_here()
        if reason:
            raise unittest.SkipTest(reason)
        cls.user = WiresharkUser()
        cls.user.install()
        cls.net = LiveNetwork(cls.user, "live")
        try:
            cls.net.start()
            cls.capture()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.net.stop()
        cls.user.cleanup()

    @classmethod
    def capture(cls):
        home = cls.user.home
        cls.saved = os.path.join(home, "live.pcapng")
        cls.ring_dir = os.path.join(home, "ring")
        cls.out = {name: os.path.join(home, f"{name}.json") for name in ("rtt", "conn", "dests")}
        os.mkdir(cls.ring_dir)
        shutil.chown(cls.ring_dir, user=cls.user.account) if cls.user.account else None
        ring = subprocess.Popen(cls.net.as_capturer(
            ["dumpcap", "-i", cls.net.client_if, "-a", f"duration:{CAPTURE_SECONDS}",
             "-b", f"packets:{RING_PACKETS}", "-w", os.path.join(cls.ring_dir, "ring.pcapng")]),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        live = subprocess.Popen(cls.net.as_capturer(
            ["tshark", "-i", cls.net.client_if, "-a", f"duration:{CAPTURE_SECONDS}", "-w", cls.saved, "-q",
             "-z", f"pktan,rtt,format=json,out={cls.out['rtt']}",
             "-z", f"pktan,conn,format=json,out={cls.out['conn']}",
             "-z", f"pktan,dests,format=json,out={cls.out['dests']}",
             "-z", "pktan,conn"]),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # Traffic only once both are capturing.
        cls.live_err = wait_for(live, "Capturing on")
        cls.ring_err = wait_for(ring, "Capturing on") if ring.poll() is None else ""
        time.sleep(0.5)
        client = subprocess.run(
            cls.net.in_client(sys.executable, "-c", CLIENT, SERVER4, SERVER6, str(HTTP_PORT),
                  str(CLOSED_PORT), str(CLOSED_UDP_PORT), CLIENT4),
            capture_output=True, text=True, timeout=60)
        if client.returncode != 0:
            raise AssertionError(f"client failed:\n{client.stderr}")
        cls.truth = json.loads(client.stdout)
        cls.live_out, err = live.communicate(timeout=CAPTURE_SECONDS + 120)
        cls.live_err += err
        cls.live_rc = live.returncode
        cls.ring_out, err = ring.communicate(timeout=CAPTURE_SECONDS + 120)
        cls.ring_err += err
        cls.ring_rc = ring.returncode

    def report(self, name):
        with open(self.out[name]) as f:
            return json.load(f)

    def read_report(self, path, zarg):
        proc = self.user.tshark("-r", path, "-q", "-z", zarg)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return json.loads(proc.stdout)

    # ---- the live run ------------------------------------------------------

    def test_live_run(self):
        self.assertEqual(self.live_rc, 0, self.live_err)
        self.assertIn("PktAn Connection Outcomes", self.live_out)
        for name in self.out:
            self.assertTrue(os.path.exists(self.out[name]), f"{name}: no report written")
        # The traffic went as planned (else the checks below prove little).
        self.assertEqual(Counter(t["outcome"] for t in self.truth),
                         Counter({"established": 3, "refused": 2, "icmp_rejected": 1}))

    def test_conn_against_traffic(self):
        """Every attempt the client made, with the outcome it saw, and
        nothing else."""
        report = self.report("conn")
        ours = Counter((a["transport"], a["client_port"], a["server"], a["server_port"],
                        a["outcome"]) for a in report["attempts"])
        truth = Counter((t["transport"], t["client_port"], t["server"], t["server_port"],
                         t["outcome"]) for t in self.truth)
        self.assertEqual(ours, truth)
        icmp = [a for a in report["attempts"] if a["outcome"] == "icmp_rejected"]
        self.assertEqual([(a["icmp"]["type"], a["icmp"]["code"], a["icmp"]["from"]) for a in icmp],
                         [(3, 3, SERVER4)])
        self.assertEqual(report["summary"]["attempts"], len(self.truth))

    def test_rtt_against_traffic_and_wireshark(self):
        """One handshake per established connection, each equal to
        Wireshark's tcp.analysis.initial_rtt in the file the run saved."""
        report = self.report("rtt")
        established = {t["client_port"] for t in self.truth if t["outcome"] == "established"}
        self.assertEqual(report["summary"]["handshakes"], len(established))
        self.assertEqual({c["client_port"] for c in report["connections"]}, established)
        proc = self.user.tshark("-r", self.saved, "-Y", "tcp.analysis.initial_rtt and not tcp.flags.reset==1",
                                "-T", "fields", "-e", "tcp.stream", "-e", "frame.number",
                                "-e", "tcp.analysis.initial_rtt")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        wireshark = {}
        for line in proc.stdout.splitlines():
            stream, frame, irtt = line.split("\t")
            wireshark.setdefault(int(stream), (int(frame), irtt))
        self.assertEqual(len(wireshark), len(established))
        for c in report["connections"]:
            frame, irtt = wireshark[c["stream"]]
            self.assertEqual(c["ack_frame"], frame)
            self.assertEqual(round(c["irtt"] * 1e9), round(float(irtt) * 1e9), c)

    def test_dests_against_wireshark(self):
        """Every destination row equal to Wireshark's Destinations and Ports
        on the saved file, and the servers the client used among them."""
        report = self.report("dests")
        ours = Counter()
        for dest in report["destinations"]:
            for port in dest["ports"]:
                ptype = port["transport"] if port["transport"] in ("TCP", "UDP") else "NONE"
                ours[(dest["address"], ptype, port["port"])] += port["packets"]
        wireshark = Counter()
        for tree in ("dests,tree", "ipv6_dests,tree"):
            for k, v in tree_counts(self.user, self.saved, tree).items():
                if len(k) == 3:
                    wireshark[(k[0], k[1], int(k[2]))] += v
        self.assertEqual(ours, wireshark)
        for t in self.truth:
            self.assertGreater(ours[(t["server"], t["transport"].upper(), t["server_port"])], 0, t)

    # ---- the dumpcap ring ----------------------------------------------------

    def test_ring_merged_equals_live(self):
        """The ring's files merged with mergecap give the reports the live
        run gave, connections crossing the ring's files included. The two
        captures started apart, so frame numbers may be offset and a
        neighbour discovery packet may be in one only: compared are the
        attempts and handshakes without their frame numbers, and the TCP and
        UDP destinations."""
        self.assertEqual(self.ring_rc, 0, self.ring_err)
        files = sorted(glob.glob(os.path.join(self.ring_dir, "ring_*.pcapng")))
        self.assertGreater(len(files), 3, "the ring should have several files")
        merged = os.path.join(self.user.home, "ring-merged.pcapng")
        # mergecap needs no plugin: run it directly (with the sanitizer
        # runtimes preloaded, Wireshark's uninstrumented tools can hang).
        subprocess.run(["mergecap", "-w", merged] + files, check=True, capture_output=True)
        os.chmod(merged, 0o644)

        def frameless(rows):
            """Without frame numbers and times: the two capture sockets
            stamp the same packet microseconds apart."""
            timed = ("irtt", "syn_synack", "synack_ack", "connect_time", "answer_delay")
            return [{k: v for k, v in r.items() if "frame" not in k and k not in timed}
                    for r in rows]

        for zarg, key in (("pktan,conn,format=json", "attempts"),
                          ("pktan,rtt,format=json", "connections")):
            live = self.read_report(self.saved, zarg)[key]
            ring = self.read_report(merged, zarg)[key]
            self.assertEqual(len(ring), len(self.truth if key == "attempts" else
                                            [t for t in self.truth if t["outcome"] == "established"]))
            self.assertEqual(frameless(ring), frameless(live), zarg)

        def transport_rows(report):
            return {(d["address"], p["transport"], p["port"]): (p["packets"], p["bytes"])
                    for d in report["destinations"] for p in d["ports"]
                    if p["transport"] in ("TCP", "UDP")}

        self.assertEqual(transport_rows(self.read_report(merged, "pktan,dests,format=json")),
                         transport_rows(self.report("dests")))
        # A connection crossed a file boundary: its packets are in two files.
        per_file = [self.read_report(f, "pktan,rtt,format=json")["summary"]["handshakes"]
                    for f in files]
        self.assertLess(sum(per_file), len([t for t in self.truth if t["outcome"] == "established"]),
                        "no handshake was split by the ring, so merging proved nothing")


def wait_for(proc, text, timeout=60):
    """Reads proc's standard error until a line holds text; returns it all."""
    seen, deadline = "", time.monotonic() + timeout
    while text not in seen:
        if proc.poll() is not None or time.monotonic() > deadline:
            rest = proc.stderr.read() if proc.poll() is not None else ""
            raise AssertionError(f"'{text}' never came:\n{seen}{rest}")
        ready, _, _ = select.select([proc.stderr], [], [], 0.5)
        if ready:
            seen += proc.stderr.readline()
    return seen


if __name__ == "__main__":
    unittest.main()
