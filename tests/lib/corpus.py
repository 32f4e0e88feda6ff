"""The captures the report integration tests run on, staged where the
unprivileged test account can read them."""
import glob
import json
import os
import subprocess

from wireshark_user import WiresharkUser, env_setting


def wireshark_xy():
    return tuple(int(x) for x in os.environ.get("PKTAN_XY", "4.0").split("."))


def checked_here(pcap):
    """False for the captures this Wireshark cannot be checked on: in the
    reorder captures a SYN/ACK (and the server's FIN) were written before
    their SYN, and from 4.4 Wireshark's TCP dissector starts a new
    tcp.stream at that SYN (4.0 keeps one stream). pktan follows tcp.stream,
    so there the handshake is split; they are checked on 4.0 (README,
    Wireshark versions)."""
    return not (wireshark_xy() >= (4, 4) and os.path.basename(pcap).startswith("reorder-"))


def recorded_captures(capture_dir):
    """[(pcap, sidecar truth or None)] for every recorded capture in
    capture_dir this Wireshark can be checked on, by name."""
    captures = []
    for pcap in sorted(glob.glob(os.path.join(capture_dir, "*.pcap*"))):
        if not checked_here(pcap):
            continue
        sidecar = os.path.splitext(pcap)[0] + ".json"
        truth = None
        if os.path.exists(sidecar):
            with open(sidecar) as f:
                truth = json.load(f)
        captures.append((pcap, truth))
    return captures


def stage_recorded(user):
    """recorded_captures() of the source tree, staged where the test
    account can read them."""
    return [(user.stage_file(pcap), truth) for pcap, truth in
            recorded_captures(os.path.join(env_setting("PKTAN_SOURCE_DIR"), "captures"))]


def generate(user, connections, seed):
    """(pcap, truth) from pktan-gen, written into the user's stage."""
    path = os.path.join(user.stage, f"gen{connections}-{seed}.pcap")
    truth = os.path.join(user.stage, f"gen{connections}-{seed}.json")
    subprocess.run([env_setting("PKTAN_GEN"), "--connections", str(connections), "--seed",
                    str(seed), "--out", path, "--truth", truth], check=True, capture_output=True)
    os.chmod(path, 0o644)
    with open(truth) as f:
        return path, json.load(f)


# With pktan,unexpected in the same tshark (and display filter), the other
# reports read most frames as one frame record each, queued at the frame tap
# (plugins/pktan/frame_record.h), instead of tap record by tap record: tests
# add these arguments to check that path against the same truth.
WITH_FRAME_RECORDS = ("-z", "pktan,unexpected,out=/dev/null")


class ReportCorpus:
    """What a report test module runs on: the test account with pktan
    installed per user, every recorded capture and one generated capture."""

    def __init__(self, connections, seed):
        self.connections, self.seed = connections, seed
        self.user, self.captures, self.generated = None, [], None

    def start(self):
        """(user, [(pcap, sidecar)], (generated pcap, truth))"""
        self.user = WiresharkUser()
        self.user.install()
        self.captures = stage_recorded(self.user)
        self.generated = generate(self.user, self.connections, self.seed)
        return self.user, self.captures, self.generated

    def stop(self):
        self.user.cleanup()


class EveryCapture:
    """TestCase mixin: runs the case's check(path) on every recorded capture
    and on the generated one of the class attribute `corpus`."""

    def test_every_capture(self):
        for path, _ in self.corpus.captures:
            with self.subTest(capture=os.path.basename(path)):
                self.check(path)

    def test_generated_capture(self):
        self.check(self.corpus.generated[0])
