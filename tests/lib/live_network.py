"""A client and a server network namespace joined by a veth pair, an HTTP
server in the server one, and capture commands for the test account in the
client one: the live tests of tshark (tests/integration/test_live.py) and
of the GUI (tests/gui/gui_check.py) share them.

Capturing needs CAP_NET_RAW, and Wireshark run as root loads no per-user
plugins. So the capture runs as the unprivileged test account inside the
client namespace (ip netns exec), started by setpriv with CAP_NET_RAW and
CAP_NET_ADMIN as inheritable and ambient capabilities: they pass through
execve to tshark or wireshark and on to the dumpcap it starts, only for
this process tree, with nothing changed on the system (no setcap on
dumpcap, no group). Wireshark decides "special privileges" from the user
and group ids, which stay the test account's, so the per-user plugin still
loads. Needs root."""
import os
import pwd
import shutil
import subprocess
import sys
import time

CLIENT4, SERVER4 = "10.98.0.1", "10.98.0.2"
CLIENT6, SERVER6 = "fd00:98::1", "fd00:98::2"
HTTP_PORT = 8080


def sh(*argv):
    subprocess.run(argv, check=True, capture_output=True)


def in_ns(ns, *argv):
    return ["ip", "netns", "exec", ns] + list(argv)


def why_not_here():
    """Why namespaces cannot be made here, or None."""
    if os.geteuid() != 0:
        return "needs root to make network namespaces"
    if shutil.which("ip") is None:
        return "iproute2 (ip) is not installed"
    probe = f"pktan-live-probe{os.getpid()}"
    made = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
    if made.returncode != 0:
        return f"cannot make a network namespace here: {made.stderr.strip()}"
    subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    return None


class LiveNetwork:
    def __init__(self, user, tag):
        pid = os.getpid()
        self.user = user
        self.client_ns, self.server_ns = f"pktan-{tag}-c{pid}", f"pktan-{tag}-s{pid}"
        self.client_if, self.server_if = f"p{tag[:3]}{pid}c", f"p{tag[:3]}{pid}s"
        self.server = None

    def start(self):
        sh("ip", "netns", "add", self.client_ns)
        sh("ip", "netns", "add", self.server_ns)
        sh("ip", "link", "add", self.client_if, "netns", self.client_ns, "type", "veth",
           "peer", "name", self.server_if, "netns", self.server_ns)
        for ns, dev, a4, a6 in ((self.client_ns, self.client_if, CLIENT4, CLIENT6),
                                (self.server_ns, self.server_if, SERVER4, SERVER6)):
            sh(*in_ns(ns, "ip", "addr", "add", f"{a4}/24", "dev", dev))
            sh(*in_ns(ns, "ip", "addr", "add", f"{a6}/64", "dev", dev, "nodad"))
            sh(*in_ns(ns, "ip", "link", "set", dev, "up"))
            sh(*in_ns(ns, "ip", "link", "set", "lo", "up"))
        self.start_http_server()

    def start_http_server(self):
        www = os.path.join(self.user.root, "www")
        os.makedirs(www, exist_ok=True)
        with open(os.path.join(www, "index.html"), "w") as f:
            f.write("<html><body>pktan live test</body></html>\n")
        # "::" is dual-stack in http.server: IPv4 and IPv6 on one socket.
        self.server = subprocess.Popen(
            in_ns(self.server_ns, sys.executable, "-m", "http.server", str(HTTP_PORT),
                  "--bind", "::", "--directory", www),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while subprocess.run(in_ns(self.server_ns, "ss", "-Hltn", f"sport = :{HTTP_PORT}"),
                             capture_output=True, text=True).stdout.strip() == "":
            if time.monotonic() > deadline:
                raise AssertionError("http.server did not start")
            time.sleep(0.1)

    def stop(self):
        if self.server:
            self.server.kill()
            self.server.wait()
            self.server = None
        for ns in (self.client_ns, self.server_ns):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)

    def as_capturer(self, argv, extra_env=None):
        """argv run in the client namespace as the test account, with the
        capture capabilities inherited."""
        cmd = self.user.command(argv, extra_env)
        if self.user.account:
            pw = pwd.getpwnam(self.user.account)
            cmd = cmd[cmd.index("--") + 1:]  # drop runuser: setpriv switches user
            cmd = ["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}", "--clear-groups",
                   "--inh-caps=+net_raw,+net_admin", "--ambient-caps=+net_raw,+net_admin",
                   "--"] + cmd
        return in_ns(self.client_ns, *cmd)

    def in_client(self, *argv):
        return in_ns(self.client_ns, *argv)

    def http_gets(self, count, server=SERVER4):
        """count HTTP connections from the client, one after the other;
        returns the client ports used."""
        script = ("import http.client, sys\n"
                  "for _ in range(int(sys.argv[3])):\n"
                  "    c = http.client.HTTPConnection(sys.argv[1], int(sys.argv[2]), timeout=5)\n"
                  "    c.connect(); print(c.sock.getsockname()[1])\n"
                  "    c.request('GET', '/'); c.getresponse().read(); c.close()\n")
        proc = subprocess.run(self.in_client(sys.executable, "-c", script, server,
                                             str(HTTP_PORT), str(count)),
                              capture_output=True, text=True, timeout=60)
        if proc.returncode != 0:
            raise AssertionError(f"client failed:\n{proc.stderr}")
        return [int(p) for p in proc.stdout.split()]
