"""The release archive (packaging/release.sh): its install.sh, run by an
unprivileged user in a fresh HOME, puts the plugins where that user's
Wireshark loads them; it refuses a Wireshark of another X.Y with a clear
message; --uninstall removes what it installed."""
import glob
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from wireshark_user import WiresharkUser, env_setting  # noqa: E402

REPORTS = ("rtt", "conn", "unexpected", "dests")
user = None
archive_dir = None
out_dir = None


def setUpModule():
    global user, archive_dir, out_dir
    user = WiresharkUser()
    out_dir = tempfile.mkdtemp(prefix="pktan-release-")
    proc = subprocess.run(["bash", os.path.join(env_setting("PKTAN_SOURCE_DIR"), "packaging", "release.sh"),
                           env_setting("PKTAN_BINARY_DIR"), out_dir],
                          capture_output=True, text=True, check=True)
    archive = proc.stdout.strip().splitlines()[-1]
    with tarfile.open(archive) as tar:
        try:
            tar.extractall(user.stage, filter="data")
        except TypeError:  # Python without extraction filters
            tar.extractall(user.stage)
    (archive_dir,) = glob.glob(os.path.join(user.stage, "pktan-*"))
    for root, dirs, files in os.walk(archive_dir):
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o755)


def tearDownModule():
    user.cleanup()
    shutil.rmtree(out_dir, ignore_errors=True)


class Archive(unittest.TestCase):
    def test_contents(self):
        xy = env_setting("PKTAN_XY")
        name = os.path.basename(archive_dir)
        self.assertRegex(name, rf"^pktan-{env_setting('PKTAN_VERSION')}-wireshark-{xy}-linux-")
        self.assertTrue(os.path.isfile(os.path.join(archive_dir, "plugins", "pktan.so")))
        for f in ("README.md", "install.sh", "WIRESHARK_VERSION"):
            self.assertTrue(os.path.isfile(os.path.join(archive_dir, f)), f)
        with open(os.path.join(archive_dir, "WIRESHARK_VERSION")) as f:
            self.assertEqual(f.read().strip(), xy)
        policies = os.path.join(env_setting("PKTAN_SOURCE_DIR"), "packaging", "policies")
        if os.path.isdir(policies):
            for p in os.listdir(policies):
                self.assertTrue(os.path.exists(os.path.join(archive_dir, "policies", p)), p)

    def test_install_in_fresh_home_then_uninstall(self):
        installer = os.path.join(archive_dir, "install.sh")
        proc = user.run(["bash", installer])
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn(os.path.join(user.plugin_dir, "pktan.so"), proc.stdout)

        plugins = user.tshark("-G", "plugins")
        rows = [[c.strip() for c in line.split("\t")] for line in plugins.stdout.splitlines()]
        pktan = [r for r in rows if r[0] == "pktan.so"]
        self.assertEqual(len(pktan), 1, plugins.stdout)
        self.assertEqual(pktan[0][1], env_setting("PKTAN_VERSION"))
        self.assertEqual(pktan[0][-1], os.path.join(user.plugin_dir, "pktan.so"))
        helptext = user.tshark("-z", "help")
        listed = {line.strip() for line in (helptext.stdout + helptext.stderr).splitlines()}
        for report in REPORTS:
            self.assertIn(f"pktan,{report}", listed)

        proc = user.run(["bash", installer, "--uninstall"])
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertFalse(os.path.exists(os.path.join(user.plugin_dir, "pktan.so")))
        plugins = user.tshark("-G", "plugins")
        self.assertNotIn("pktan.so", plugins.stdout)

    def test_refuses_another_wireshark(self):
        # The same archive, labelled for another X.Y: the installed
        # Wireshark would not load it, so install.sh must refuse.
        other = os.path.join(user.stage, "other-xy")
        shutil.copytree(archive_dir, other)
        os.chmod(other, 0o755)
        with open(os.path.join(other, "WIRESHARK_VERSION"), "w") as f:
            f.write("3.6\n")
        proc = user.run(["bash", os.path.join(other, "install.sh")])
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout, "")
        xy = env_setting("PKTAN_XY")
        self.assertIn(f"this archive is for Wireshark 3.6, but the installed Wireshark is {xy}",
                      proc.stderr)
        self.assertFalse(os.path.exists(os.path.join(user.home, ".local", "lib", "wireshark",
                                                     "plugins", "3.6")))


if __name__ == "__main__":
    unittest.main(verbosity=2)
