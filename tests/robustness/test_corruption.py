"""Bad input: every recorded capture corrupted by editcap -E at three rates
with five seeds each, cut short at three snap lengths (headers cut
mid-way), and cut in the middle of a packet; every pktan report, the
Connection Outcomes dialog tree and the packet marks run on each in one
tshark. In the sanitizer build (tests/run.sh sanitize) this is where
AddressSanitizer and UBSan would speak: no crash, no sanitizer report, exit
status 0 (or tshark's own error for a file cut mid-packet), and every
report drawn whole.

Also random packets from Wireshark's own randpkt (when installed: Debian's
wireshark-common ships it): one capture per packet type that reaches the
pktan taps, plus one of random types. randpkt takes no seed, so a capture
that fails is kept in the build folder (robustness-failures/) for the
report to name and to reproduce."""
import glob
import os
import shutil
import subprocess
import sys
import unittest
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from wireshark_user import WiresharkUser, env_setting  # noqa: E402

RATES = ("0.005", "0.02", "0.1")
SEEDS = range(1, 6)
SNAPLENS = ("30", "42", "58")  # inside the IP header, the TCP header, the TCP options
REPORTS = ["-z", "pktan,rtt", "-z", "pktan,conn,format=json", "-z", "pktan,dests,view=servers",
           "-z", "pktan,dests", "-z", "pktan_conn,tree", "-z", "pktan,unexpected",
           "-z", "pktan_unexpected,tree",
           "-o", "pktan.mark_packets:always", "-Y",
           "pktan.conn.outcome or pktan.rtt.slow or pktan.unexpected"]
TITLES = ("PktAn Handshake RTT", '"report": "conn"', "PktAn Destinations and Ports (view=servers)",
          "PktAn Destinations and Ports (view=packets)", "PktAn/Connection Outcomes",
          "PktAn Unexpected Protocols", "PktAn/Unexpected Protocols")

# randpkt types whose packets carry IP, TCP, UDP or ICMP for the taps ("tcp"
# is Token Ring/LLC/IP/TCP, "eth" random Ethernet payloads), and "-r": a
# random type per packet. RANDPKT_COUNT packets of at most RANDPKT_BYTES.
RANDPKT_TYPES = ("eth", "ip", "ipv6", "tcp", "udp", "icmp", "dns", "sctp", "-r")
RANDPKT_COUNT = "10000"
RANDPKT_BYTES = "400"

user = None


def setUpModule():
    global user
    user = WiresharkUser()
    user.install()


def tearDownModule():
    user.cleanup()


def variants(pcap, out_dir):
    """[(path, cut mid-packet)] of damaged copies of pcap."""
    base = os.path.join(out_dir, os.path.splitext(os.path.basename(pcap))[0])
    made = []
    for rate in RATES:
        for seed in SEEDS:
            path = f"{base}-E{rate}-s{seed}.pcap"
            subprocess.run(["editcap", "-E", rate, "--seed", str(seed), pcap, path],
                           check=True, capture_output=True)
            made.append((path, False))
    for snap in SNAPLENS:
        path = f"{base}-snap{snap}.pcap"
        subprocess.run(["editcap", "-s", snap, pcap, path], check=True, capture_output=True)
        made.append((path, False))
    data = open(pcap, "rb").read()
    path = f"{base}-cut.pcap"
    with open(path, "wb") as f:
        f.write(data[:24 + (len(data) - 24) * 2 // 3 + 7])  # mid-packet, past the header
    made.append((path, True))
    for p, _ in made:
        os.chmod(p, 0o644)
    return made


class Corruption(unittest.TestCase):
    def test_every_capture_damaged(self):
        captures = sorted(glob.glob(os.path.join(env_setting("PKTAN_SOURCE_DIR"), "captures",
                                                 "*.pcap*")))  # pcap and pcapng
        self.assertGreater(len(captures), 40)
        damaged = []
        for pcap in captures:
            damaged += variants(pcap, user.stage)

        def run(item):
            path, cut = item
            proc = user.tshark("-r", path, "-q", *REPORTS)  # raises on a sanitizer report
            return path, cut, proc

        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            results = list(pool.map(run, damaged))
        for path, cut, proc in results:
            with self.subTest(capture=os.path.basename(path)):
                if cut:
                    self.assertEqual(proc.returncode, 2, proc.stderr)
                    self.assertIn("cut short in the middle of a packet", proc.stderr)
                else:
                    self.assertEqual(proc.returncode, 0, proc.stderr)
                for title in TITLES:
                    self.assertIn(title, proc.stdout)
        print(f"{len(results)} damaged captures from {len(captures)}, all reports drawn, "
              "no sanitizer report", file=sys.stderr)


    @unittest.skipUnless(shutil.which("randpkt"), "randpkt is not installed")
    def test_randpkt_captures(self):
        made = []
        for kind in RANDPKT_TYPES:
            path = os.path.join(user.stage, f"randpkt-{kind.strip('-')}.pcap")
            type_args = ["-r"] if kind == "-r" else ["-t", kind]
            subprocess.run(["randpkt", "-b", RANDPKT_BYTES, "-c", RANDPKT_COUNT] + type_args + [path],
                           check=True, capture_output=True)
            os.chmod(path, 0o644)
            made.append(path)

        def run(path):
            try:
                return path, user.tshark("-r", path, "-q", *REPORTS), None
            except AssertionError as e:  # a sanitizer report
                return path, None, e

        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            results = list(pool.map(run, made))
        failed = []
        for path, proc, error in results:
            ok = error is None and proc.returncode == 0 and all(t in proc.stdout for t in TITLES)
            if not ok:
                keep = os.path.join(env_setting("PKTAN_BINARY_DIR"), "robustness-failures")
                os.makedirs(keep, exist_ok=True)
                shutil.copy(path, keep)
                failed.append((os.path.join(keep, os.path.basename(path)),
                               str(error) if error else f"exit {proc.returncode}: "
                               f"{proc.stderr[-2000:]}"))
        self.assertEqual(failed, [], "randpkt captures that failed (kept to reproduce)")
        print(f"{len(made)} randpkt captures of {RANDPKT_COUNT} packets, all reports drawn, "
              "no sanitizer report", file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
