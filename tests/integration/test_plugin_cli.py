"""The plugin in the real tshark: per-user install, -G plugins, -z help,
and one-line errors for every kind of bad -z argument."""
import json
import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from wireshark_user import WiresharkUser, write_empty_pcap, env_setting  # noqa: E402

REPORTS = ("rtt", "conn", "unexpected", "dests")
user = None
capture = None


def setUpModule():
    global user, capture
    user = WiresharkUser()
    user.install()
    capture = write_empty_pcap(os.path.join(user.stage, "empty.pcap"))


def tearDownModule():
    user.cleanup()


class PluginLoads(unittest.TestCase):
    def test_listed_with_version_from_user_folder(self):
        proc = user.tshark("-G", "plugins")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        rows = [line.split("\t") for line in proc.stdout.splitlines()]
        pktan = [[c.strip() for c in r] for r in rows if r[0].strip() == "pktan.so"]
        self.assertEqual(len(pktan), 1, proc.stdout)
        name, version, _kind, path = pktan[0]
        self.assertEqual(version, env_setting("PKTAN_VERSION"))
        self.assertEqual(path, os.path.join(user.plugin_dir, "pktan.so"))

    def test_z_help_lists_the_four_reports(self):
        proc = user.tshark("-z", "help")
        listed = {line.strip() for line in (proc.stdout + proc.stderr).splitlines()}
        for report in REPORTS:
            self.assertIn(f"pktan,{report}", listed)

    def test_protocol_registered(self):
        proc = user.tshark("-G", "protocols")
        # 4.0: name, short name, filter name; 4.4 adds enabled/heuristic flags.
        rows = [line.split("\t")[:3] for line in proc.stdout.splitlines()]
        self.assertIn(["PktAn capture analyses", "PKTAN", "pktan"], rows)


class BadArguments(unittest.TestCase):
    def assert_one_line_error(self, zarg, *named):
        proc = user.tshark("-r", capture, "-q", "-z", zarg)
        self.assertNotEqual(proc.returncode, 0, f"{zarg} was accepted")
        lines = proc.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, proc.stderr)
        for part in named:
            self.assertIn(part, lines[0])
        self.assertEqual(proc.stdout, "")
        return lines[0]

    def test_bad_format(self):
        line = self.assert_one_line_error("pktan,rtt,format=xml", "format=xml")
        self.assertIn("expected text, csv or json", line)

    def test_bad_values(self):
        self.assert_one_line_error("pktan,rtt,top=many", "top=many")
        self.assert_one_line_error("pktan,dests,host=10.0.0.999", "host=10.0.0.999")
        self.assert_one_line_error("pktan,dests,view=everything", "view=everything")
        self.assert_one_line_error("pktan,rtt,out=", "out=")

    def test_unknown_option(self):
        self.assert_one_line_error("pktan,conn,formt=json", "unknown option", "formt=json")

    def test_option_of_another_report(self):
        self.assert_one_line_error("pktan,rtt,allowlist=/tmp/x", "allowlist=/tmp/x",
                                   "pktan,unexpected")

    def test_unknown_report(self):
        # Caught by pktan's catch-all prefix, not tshark's multi-line list.
        self.assert_one_line_error("pktan,rdp", "unknown report 'rdp'")
        self.assert_one_line_error("pktan,rttx", "unknown report 'rttx'")

    def test_invalid_filter(self):
        self.assert_one_line_error("pktan,dests,format=csv,tcp.port==", "invalid display filter",
                                   "tcp.port==")
        self.assert_one_line_error("pktan,dests,no_such_proto", "no_such_proto")

    def test_valid_filter_with_commas_reaches_the_report(self):
        proc = user.tshark("-r", capture, "-q", "-z", "pktan,rtt,format=json,tcp.port in {80,443}")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(json.loads(proc.stdout)["filter"], "tcp.port in {80,443}")


class EveryReportRuns(unittest.TestCase):
    """Each report, on an empty capture, in each format: exit status 0 and
    output that parses (a JSON object naming the report, a CSV header)."""

    def test_each_report_in_each_format(self):
        for report in REPORTS:
            for fmt in ("text", "csv", "json"):
                with self.subTest(report=report, format=fmt):
                    proc = user.tshark("-r", capture, "-q", "-z", f"pktan,{report},format={fmt}")
                    self.assertEqual(proc.returncode, 0, proc.stderr)
                    if fmt == "json":
                        self.assertEqual(json.loads(proc.stdout)["report"], report)
                    elif fmt == "csv":
                        self.assertTrue(proc.stdout.split("\r\n")[0])
                    else:
                        self.assertIn("PktAn", proc.stdout)


class PerUserInstall(unittest.TestCase):
    def test_uninstall_removes_the_plugin(self):
        other = WiresharkUser()
        try:
            other.install()
            self.assertIn("pktan.so", other.tshark("-G", "plugins").stdout)
            proc = other.uninstall()
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertFalse(os.path.exists(os.path.join(other.plugin_dir, "pktan.so")))
            self.assertNotIn("pktan.so", other.tshark("-G", "plugins").stdout)
            # Without the plugin, the prefix is unknown to tshark.
            self.assertNotIn("pktan,rtt", other.tshark("-z", "help").stderr)
        finally:
            other.cleanup()

    @unittest.skipUnless(os.geteuid() == 0, "needs root")
    def test_root_install_warns(self):
        home = os.path.join(user.root, "roothome")
        os.mkdir(home)
        proc = subprocess.run(
            ["bash", os.path.join(env_setting("PKTAN_SOURCE_DIR"), "packaging", "user-install.sh"),
             "install", "--xy", user.xy, env_setting("PKTAN_PLUGIN")],
            capture_output=True, text=True, env={"HOME": home, "PATH": os.environ["PATH"]})
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertRegex(proc.stderr, r"root ignore per-user plugins")
        self.assertTrue(os.path.exists(os.path.join(
            home, ".local/lib/wireshark/plugins", user.xy, "epan/pktan.so")))

    def test_installer_rejects_bad_version(self):
        proc = subprocess.run(
            ["bash", os.path.join(env_setting("PKTAN_SOURCE_DIR"), "packaging", "user-install.sh"),
             "install", "--xy", "4", env_setting("PKTAN_PLUGIN")],
            capture_output=True, text=True)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("X.Y", proc.stderr)


class SystemLayoutInstall(unittest.TestCase):
    """cmake --install puts the plugin in Wireshark's global plugin folder;
    staged with DESTDIR and loaded from there by pointing tshark at it."""

    def test_install_and_uninstall_with_destdir(self):
        build = env_setting("PKTAN_BINARY_DIR")
        destdir = os.path.join(user.root, "destdir")
        env = dict(os.environ, DESTDIR=destdir)
        proc = subprocess.run(["cmake", "--install", build], capture_output=True, text=True, env=env)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        installed = [os.path.join(d, f) for d, _, fs in os.walk(destdir) for f in fs]
        self.assertEqual(len(installed), 1, installed)
        self.assertTrue(re.search(rf"/wireshark/plugins/{re.escape(user.xy)}/epan/pktan\.so$",
                                  installed[0]), installed[0])
        for d, _, _ in os.walk(destdir):
            os.chmod(d, 0o755)
        # WIRESHARK_PLUGIN_DIR names the folder holding X.Y/epan/.
        plugins_root = os.path.dirname(os.path.dirname(os.path.dirname(installed[0])))
        fresh = WiresharkUser()  # nothing installed per user
        try:
            listed = fresh.tshark("-G", "plugins", extra_env={"WIRESHARK_PLUGIN_DIR": plugins_root})
            self.assertIn(installed[0], listed.stdout)
        finally:
            fresh.cleanup()
        proc = subprocess.run(["cmake", "--build", build, "--target", "uninstall"],
                              capture_output=True, text=True, env=env)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertFalse(os.path.exists(installed[0]))


if __name__ == "__main__":
    unittest.main(verbosity=2)
