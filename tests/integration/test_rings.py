"""Many files as one: a generated capture cut into a ring of files with
editcap -c (as dumpcap -b packets: or a multi-file Network Watcher capture
leaves it), merged back with mergecap, gives exactly the reports of the
unsplit capture, and every handshake the generator made, including the
connections whose packets the cut put in different files. Each file read
alone loses those. (The live test does the same with a real dumpcap -b
ring.)"""
import csv
import glob
import json
import os
import subprocess
import sys
import unittest
from collections import Counter

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from corpus import generate  # noqa: E402
from wireshark_user import WiresharkUser  # noqa: E402

CONNECTIONS, SEED = 3000, 21
PACKETS_PER_FILE = 4000
REPORTS = ("pktan,rtt", "pktan,rtt,format=json", "pktan,conn", "pktan,conn,format=json",
           "pktan,dests", "pktan,dests,view=servers,format=json", "pktan,unexpected,format=json")

user = None


def setUpModule():
    global user
    user = WiresharkUser()
    user.install()


def tearDownModule():
    user.cleanup()


def report(path, zarg):
    proc = user.tshark("-r", path, "-q", "-z", zarg)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


class Rings(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.unsplit, cls.truth = generate(user, CONNECTIONS, SEED)
        ring = os.path.join(user.stage, "ring.pcap")
        subprocess.run(["editcap", "-c", str(PACKETS_PER_FILE), cls.unsplit, ring], check=True,
                       capture_output=True)
        # editcap names them ring_00000_<time>.pcap, ring_00001_..., in order.
        cls.files = sorted(glob.glob(os.path.join(user.stage, "ring_*.pcap")))
        for f in cls.files:
            os.chmod(f, 0o644)
        cls.merged = os.path.join(user.stage, "merged.pcapng")
        subprocess.run(["mergecap", "-w", cls.merged] + cls.files, check=True, capture_output=True)
        os.chmod(cls.merged, 0o644)
        with open(cls.truth["conn_list"]) as f:
            cls.conns = [r for r in csv.DictReader(f, delimiter="\t") if r["transport"] == "tcp"]

    def test_ring_has_split_connections(self):
        self.assertEqual(len(self.files), -(-self.truth["packets"] // PACKETS_PER_FILE))
        split = [c for c in self.conns if c["handshake_ack_frame"] and
                 (int(c["first_frame"]) - 1) // PACKETS_PER_FILE !=
                 (int(c["handshake_ack_frame"]) - 1) // PACKETS_PER_FILE]
        self.assertGreater(len(split), 5, "no handshake crosses a file boundary")

    def test_merged_equals_unsplit(self):
        for zarg in REPORTS:
            with self.subTest(report=zarg):
                self.assertEqual(report(self.merged, zarg), report(self.unsplit, zarg))

    def test_merged_against_generator_truth(self):
        rtt = json.loads(report(self.merged, "pktan,rtt,format=json"))
        self.assertEqual(rtt["summary"]["handshakes"], self.truth["tcp_handshakes_completed"])
        truth_irtt = {(c["client"], int(c["client_port"]), int(c["handshake_ack_frame"])):
                      round(float(c["irtt_seconds"]) * 1e9) for c in self.conns if c["irtt_seconds"]}
        ours = {(c["client"], c["client_port"], c["ack_frame"]): round(c["irtt"] * 1e9)
                for c in rtt["connections"]}
        self.assertEqual(ours, truth_irtt)
        conn = json.loads(report(self.merged, "pktan,conn,format=json"))
        tcp = Counter(a["outcome"] for a in conn["attempts"] if a["transport"] == "tcp")
        self.assertEqual(tcp, Counter({k: v for k, v in self.truth["summary"].items() if v}))

    def test_files_alone_lose_split_handshakes(self):
        alone = sum(json.loads(report(f, "pktan,rtt,format=json"))["summary"]["handshakes"]
                    for f in self.files)
        self.assertLess(alone, self.truth["tcp_handshakes_completed"])


if __name__ == "__main__":
    unittest.main()
