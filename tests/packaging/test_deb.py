"""The Debian package (packaging/build-deb.sh): lintian reports no error;
`dpkg -i` puts pktan in Wireshark's system plugin folder, so that an
unprivileged user with a fresh HOME and no per-user install gets the pktan
reports in `tshark -z help`; `dpkg -r` removes every file it installed.

Root only (dpkg). While the package is installed every Wireshark on the
machine loads it, so this test runs alone (RUN_SERIAL) and removes the
package whatever happens."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from wireshark_user import WiresharkUser, env_setting  # noqa: E402

REPORTS = ("rtt", "conn", "unexpected", "dests")


def run(argv, **kwargs):
    return subprocess.run(argv, capture_output=True, text=True, **kwargs)


@unittest.skipUnless(os.geteuid() == 0, "dpkg -i needs root")
class DebianPackage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.out = tempfile.mkdtemp(prefix="pktan-deb-")
        proc = run(["bash", os.path.join(env_setting("PKTAN_SOURCE_DIR"), "packaging", "build-deb.sh"),
                    cls.out])
        if proc.returncode != 0:
            raise AssertionError(f"build-deb.sh failed:\n{proc.stdout}\n{proc.stderr}")
        cls.deb = proc.stdout.strip().splitlines()[-1]
        cls.package = run(["dpkg-deb", "-f", cls.deb, "Package"], check=True).stdout.strip()
        if run(["dpkg-query", "-W", cls.package]).returncode == 0:
            raise AssertionError(f"{cls.package} is already installed; remove it first (dpkg -r)")

    @classmethod
    def tearDownClass(cls):
        run(["dpkg", "-r", cls.package])
        shutil.rmtree(cls.out, ignore_errors=True)

    def test_package_fields(self):
        xy = env_setting("PKTAN_XY")
        self.assertEqual(self.package, f"pktan-wireshark-{xy}")
        depends = run(["dpkg-deb", "-f", self.deb, "Depends"], check=True).stdout
        # the exact libwireshark ABI package this was built against, within X.Y
        solib = os.path.realpath(run(["sh", "-c", "echo /usr/lib/*/libwireshark.so"],
                                     check=True).stdout.strip())
        abi = run(["dpkg-query", "-S", solib], check=True).stdout.split(":")[0]
        major, minor = xy.split(".")
        self.assertIn(f"{abi} (>= {xy}~)", depends)
        self.assertIn(f"{abi} (<< {major}.{int(minor) + 1}~)", depends)
        files = run(["dpkg-deb", "-c", self.deb], check=True).stdout
        self.assertRegex(files, rf"\./usr/lib/[^/]+/wireshark/plugins/{re.escape(xy)}/epan/pktan\.so\n")

    def test_lintian_reports_no_errors(self):
        proc = run(["lintian", self.deb])
        print(proc.stdout, proc.stderr, file=sys.stderr)
        errors = [line for line in proc.stdout.splitlines() if line.startswith("E:")]
        self.assertEqual(errors, [])
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)

    def test_install_loads_system_wide_and_remove_cleans(self):
        proc = run(["dpkg", "-i", self.deb])
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        installed = [f for f in run(["dpkg", "-L", self.package], check=True).stdout.splitlines()
                     if os.path.isfile(f)]
        plugin = [f for f in installed if f.endswith("/epan/pktan.so")]
        self.assertEqual(len(plugin), 1, installed)

        user = WiresharkUser()  # fresh HOME, nothing installed per user
        try:
            self.assertFalse(os.path.exists(user.plugin_dir))
            proc = user.tshark("-z", "help")
            listed = {line.strip() for line in (proc.stdout + proc.stderr).splitlines()}
            for report in REPORTS:
                self.assertIn(f"pktan,{report}", listed)
            proc = user.tshark("-G", "plugins")
            rows = [[c.strip() for c in line.split("\t")] for line in proc.stdout.splitlines()]
            pktan = [r for r in rows if r[0] == "pktan.so"]
            self.assertEqual(len(pktan), 1, proc.stdout)
            self.assertEqual(pktan[0][1], env_setting("PKTAN_VERSION"))
            self.assertEqual(pktan[0][-1], plugin[0])
            print("tshark -G plugins:", "\t".join(pktan[0]), file=sys.stderr)
        finally:
            user.cleanup()

        proc = run(["dpkg", "-r", self.package])
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertEqual([f for f in installed if os.path.exists(f)], [])
        self.assertNotEqual(run(["dpkg-query", "-W", "-f=${Status}", self.package]).stdout,
                            "install ok installed")
        user = WiresharkUser()
        try:
            proc = user.tshark("-z", "help")
            self.assertNotIn("pktan,rtt", proc.stdout + proc.stderr)
        finally:
            user.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)
