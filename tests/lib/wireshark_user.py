"""Runs the real tshark/wireshark with pktan installed per user.

Wireshark run as root loads no per-user plugins, so under root (CI, the
machines here) every run goes through an unprivileged account this module
creates; as an ordinary user it runs as that user. Each WiresharkUser has its
own temporary HOME into which packaging/user-install.sh installs the plugin
exactly as a user would.

Configuration comes from the environment ctest sets (tests/integration/
CMakeLists.txt): PKTAN_PLUGIN, PKTAN_XY, PKTAN_SOURCE_DIR, PKTAN_PRELOAD.
"""
import fcntl
import os
import pwd
import shutil
import subprocess
import tempfile

TEST_ACCOUNT = "pktan-test"
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")


def env_setting(name):
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"{name} is not set; run this test through ctest")
    return value


def ensure_account():
    """Returns the name of the unprivileged account tests run Wireshark as.
    Test modules run in parallel: one creates it, under a lock, the others
    wait for it."""
    if os.geteuid() != 0:
        return None
    with open("/tmp/.pktan-test-account.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            pwd.getpwnam(TEST_ACCOUNT)
        except KeyError:
            subprocess.run(["useradd", "--system", "--no-create-home", "--shell",
                            "/usr/sbin/nologin", TEST_ACCOUNT], check=True)
    return TEST_ACCOUNT


class WiresharkUser:
    """A user with a fresh HOME; install() puts pktan in its plugin folder."""

    def __init__(self):
        self.account = ensure_account()
        self.root = tempfile.mkdtemp(prefix="pktan-user-")
        os.chmod(self.root, 0o755)
        self.home = os.path.join(self.root, "home")
        os.mkdir(self.home)
        self.stage = os.path.join(self.root, "stage")
        os.mkdir(self.stage)
        os.chmod(self.stage, 0o755)
        self.extcap_dir = os.path.join(self.root, "no-extcap")
        os.mkdir(self.extcap_dir)
        os.chmod(self.extcap_dir, 0o755)
        if self.account:
            shutil.chown(self.home, user=self.account)
        os.chmod(self.home, 0o700)
        self.xy = env_setting("PKTAN_XY")
        self.source_dir = env_setting("PKTAN_SOURCE_DIR")
        self.plugin_dir = os.path.join(self.home, ".local", "lib", "wireshark",
                                       "plugins", self.xy, "epan")
        self._outputs = {}

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)

    def stage_file(self, path, name=None):
        """Copies path where the test account can read it; returns the copy."""
        dest = os.path.join(self.stage, name or os.path.basename(path))
        shutil.copyfile(path, dest)
        os.chmod(dest, 0o644)
        return dest

    def command(self, argv, extra_env=None):
        """argv as this user, with HOME set and sanitizer runtimes preloaded
        when the plugin was built with them."""
        env = {"HOME": self.home, "LC_ALL": "C.UTF-8",
               "PATH": "/usr/local/bin:/usr/bin:/bin",
               # No extcap helpers: tshark would spawn each one (with the
               # sanitizer preload inherited, where they hang) for nothing
               # pktan needs.
               "WIRESHARK_EXTCAP_DIR": self.extcap_dir}
        preload = os.environ.get("PKTAN_PRELOAD")
        if preload:
            env["LD_PRELOAD"] = preload
            # tshark itself leaks at exit by design; leaks in pktan's core
            # are caught by the unit tests, which run under LeakSanitizer.
            env["ASAN_OPTIONS"] = "detect_leaks=0:abort_on_error=1"
            env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
        env.update(extra_env or {})
        env_args = ["env", "-i"] + [f"{k}={v}" for k, v in env.items()]
        if self.account:
            return ["runuser", "-u", self.account, "--"] + env_args + list(argv)
        return env_args + list(argv)

    def run(self, argv, extra_env=None, timeout=600, check_sanitizers=True):
        proc = subprocess.run(self.command(argv, extra_env), capture_output=True,
                              text=True, timeout=timeout, cwd=self.stage)
        if check_sanitizers:
            for mark in SANITIZER_MARKS:
                if mark in proc.stderr:
                    raise AssertionError(f"sanitizer report from {argv}:\n{proc.stderr}")
        return proc

    def install(self):
        """Installs the built plugin with the project's per-user installer,
        run as the user itself."""
        plugin = self.stage_file(env_setting("PKTAN_PLUGIN"))
        installer = self.stage_file(os.path.join(self.source_dir, "packaging",
                                                 "user-install.sh"))
        proc = self.run(["bash", installer, "install", "--xy", self.xy, plugin])
        if proc.returncode != 0:
            raise AssertionError(f"per-user install failed:\n{proc.stderr}")
        return proc

    def uninstall(self):
        installer = self.stage_file(os.path.join(self.source_dir, "packaging",
                                                 "user-install.sh"))
        return self.run(["bash", installer, "uninstall", "--xy", self.xy])

    def tshark(self, *args, **kwargs):
        return self.run(["tshark"] + list(args), **kwargs)

    def tshark_output(self, *args):
        """Standard output of a tshark run that must succeed and writes no
        file, run once per argument list: the report tests read the same
        report, or the same Wireshark fields, in several tests, and on the
        recorded captures each run is mostly tshark's start (about 0.5 s).
        Captures in the stage are never changed in place."""
        if args not in self._outputs:
            self._outputs[args] = self._tshark_stdout(*args)
        return self._outputs[args]

    def _tshark_stdout(self, *args):
        proc = self.tshark(*args)
        assert proc.returncode == 0, f"tshark {' '.join(args)}:\n{proc.stderr}"
        return proc.stdout

    def reports_of_one_run(self, path, zargs, *options):
        """([the output of each pktan report in zargs], standard output) of
        one tshark run on path, run once per argument list like
        tshark_output: each report writes a file of its own (out=), so that
        standard output holds only what options print (stats trees:
        parse_tree_sections). The report tests check every capture with
        several reports, and a run on a recorded capture is mostly tshark's
        start."""
        key = ("reports", path, tuple(zargs)) + options
        if key not in self._outputs:
            files = [os.path.join(self.home, f"report-{len(self._outputs)}-{i}.out")
                     for i in range(len(zargs))]
            stdout = self._tshark_stdout("-r", path, "-q", *options,
                                         *sum((["-z", f"{z},out={f}"]
                                               for z, f in zip(zargs, files)), []))
            texts = []
            for f in files:
                with open(f, encoding="utf-8") as report:
                    texts.append(report.read())
                os.remove(f)
            self._outputs[key] = (texts, stdout)
        return self._outputs[key]

    def field_occurrences(self, path, fields, *options):
        """[{field: [every occurrence's value]}] per frame of path, from one
        (cached) `tshark -T fields` run with options (a -Y filter, say)."""
        out = self.tshark_output("-r", path, *options, "-T", "fields",
                                 *sum((["-e", f] for f in fields), []),
                                 "-E", "occurrence=a", "-E", "aggregator=,")
        return [dict(zip(fields, (v.split(",") if v else [] for v in line.split("\t"))))
                for line in out.splitlines()]


def field_is_true(value):
    """A boolean field's value as tshark prints it: 1 in 4.0, True from 4.4."""
    return value in ("1", "True")


EMPTY_PCAP = bytes.fromhex("d4c3b2a1020004000000000000000000ffff000001000000")


def write_empty_pcap(path):
    """A valid pcap with no packets: enough for tshark to open a file and
    start the -z handlers."""
    with open(path, "wb") as f:
        f.write(EMPTY_PCAP)
    os.chmod(path, 0o644)
    return path


if __name__ == "__main__":
    # The compat chroot's archive check runs tshark as the test account
    # after ctest, whose labels need not include a test that made it.
    print(ensure_account() or pwd.getpwuid(os.geteuid()).pw_name)
