"""The captures the report integration tests run on, staged where the
unprivileged test account can read them."""
import glob
import json
import os
import subprocess

from wireshark_user import env_setting


def stage_recorded(user):
    """[(staged pcap, sidecar truth or None)] for every recorded capture."""
    staged = []
    for pcap in sorted(glob.glob(os.path.join(env_setting("PKTAN_SOURCE_DIR"), "captures",
                                              "*.pcap*"))):
        sidecar = os.path.splitext(pcap)[0] + ".json"
        truth = json.load(open(sidecar)) if os.path.exists(sidecar) else None
        staged.append((user.stage_file(pcap), truth))
    return staged


def generate(user, connections, seed):
    """(pcap, truth) from pktan-gen, written into the user's stage."""
    path = os.path.join(user.stage, f"gen{connections}-{seed}.pcap")
    truth = os.path.join(user.stage, f"gen{connections}-{seed}.json")
    subprocess.run([env_setting("PKTAN_GEN"), "--connections", str(connections), "--seed",
                    str(seed), "--out", path, "--truth", truth], check=True, capture_output=True)
    os.chmod(path, 0o644)
    return path, json.load(open(truth))
