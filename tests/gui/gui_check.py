"""GUI check: the real Wireshark (wireshark-qt) under Xvfb, run as an
unprivileged user with pktan installed per user:
  - loads the plugin and lists it in Help > About Wireshark > Plugins
    (docs/gui-about-plugins.png);
  - opens Statistics > PktAn > Destinations and Ports and > Handshake RTT
    on a recorded capture (docs/gui-dests-dialog.png, docs/gui-rtt-dialog.png),
    and > Connection Outcomes on the client side of seed 003
    (docs/gui-conn-dialog.png);
  - applies the display filter pktan.conn.outcome there once the file is
    read (docs/gui-conn-marks.png: the packets that decided the failures);
  - opens > Unexpected Protocols on the BitTorrent capture with an empty
    Allowed protocols table and with one that the profile file says allows
    the tracker's HTTP (docs/gui-unexpected-dialog.png,
    docs/gui-unexpected-uat.png), and filters pktan.unexpected ==
    "bittorrent" (docs/gui-unexpected-marks.png);
  - captures live on a veth (wireshark -i IF -k, tests/lib/live_network.py)
    with > Handshake RTT open, and reads the dialog (its Copy, from the
    clipboard) after Apply as HTTP connections are made: it counts them
    while the capture goes on (docs/gui-live-rtt-1.png, -2.png).
Screenshots are for a person to look at; the test asserts that the GUI
process mapped pktan.so from the user's plugin folder (/proc/PID/maps) and
that each dialog's window appeared."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from live_network import LiveNetwork, why_not_here  # noqa: E402
from stats_tree_text import parse_tree_text  # noqa: E402
from wireshark_user import WiresharkUser, env_setting  # noqa: E402


# The Statistics > PktAn entries, in the order the menu shows them; the
# Tools > PktAn ones are the same with " (live)".
PKTAN_DIALOGS = sorted(["Connection Outcomes", "Destinations and Ports", "Handshake RTT",
                        "Unexpected Protocols"])


def free_display():
    for n in range(90, 140):
        if not os.path.exists(f"/tmp/.X11-unix/X{n}") and not os.path.exists(f"/tmp/.X{n}-lock"):
            return f":{n}"
    raise RuntimeError("no free X display number")


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class Desktop:
    """An Xvfb display and xdotool/import driving it."""

    def __init__(self):
        self.display = free_display()
        self.xvfb = subprocess.Popen(["Xvfb", self.display, "-screen", "0", "1280x900x24",
                                      "-ac", "-nolisten", "tcp"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.env = dict(os.environ, DISPLAY=self.display)
        wait_for(lambda: os.path.exists(f"/tmp/.X11-unix/X{self.display[1:]}"), 20, "Xvfb")

    def x(self, *argv):
        return subprocess.run(list(argv), capture_output=True, text=True, env=self.env)

    def windows(self, name):
        out = self.x("xdotool", "search", "--name", name).stdout.split()
        return out

    def key(self, window, *keys):
        self.x("xdotool", "windowfocus", "--sync", window)
        for k in keys:
            self.x("xdotool", "key", "--window", window, k)
            time.sleep(0.4)

    def screenshot(self, path):
        proc = self.x("import", "-window", "root", path)
        if proc.returncode != 0:
            raise AssertionError(f"screenshot failed: {proc.stderr}")

    def close(self):
        self.xvfb.terminate()
        self.xvfb.wait(timeout=10)


class GuiSession(unittest.TestCase):
    """wireshark -r CAPTURE under Xvfb as the test account, with helpers."""
    CAPTURE = "http-v4-d5-client.pcap"

    def setUp(self):
        self.user = WiresharkUser()
        self.user.install()
        self.prepare_profile()
        self.desktop = Desktop()
        runtime = os.path.join(self.user.home, "runtime")
        self.user.run(["mkdir", "-m", "700", runtime])
        gui_env = {"DISPLAY": self.desktop.display, "XDG_RUNTIME_DIR": runtime,
                   "QT_QPA_PLATFORM": "xcb"}
        self.log = tempfile.TemporaryFile(mode="w+")
        self.gui = subprocess.Popen(self.gui_command(gui_env),
                                    stdout=self.log, stderr=subprocess.STDOUT)

    def gui_command(self, gui_env):
        """wireshark reading CAPTURE."""
        self.capture = self.user.stage_file(os.path.join(
            env_setting("PKTAN_SOURCE_DIR"), "captures", self.CAPTURE))
        return self.user.command(["wireshark", "-r", self.capture], gui_env)

    def prepare_profile(self):
        """Before Wireshark starts: files to put in the user's profile."""

    def write_profile_file(self, name, text):
        """A file in the default profile, as Wireshark itself saves it."""
        folder = os.path.join(self.user.home, ".config", "wireshark")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, name)
        with open(path, "w") as f:
            f.write(text)
        if self.user.account:
            for p in (os.path.dirname(folder), folder, path):
                shutil.chown(p, user=self.user.account)

    def tearDown(self):
        subprocess.run(["pkill", "-u", self.user.account, "-x", "wireshark"]
                       if self.user.account else ["kill", str(self.gui.pid)])
        try:
            self.gui.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.gui.kill()
        self.desktop.close()
        self.user.cleanup()

    def wireshark_pid(self):
        proc = subprocess.run(["pgrep", "-n", "-x", "wireshark"] +
                              (["-u", self.user.account] if self.user.account else []),
                              capture_output=True, text=True)
        return proc.stdout.strip()

    def open_pktan_dialog(self, title):
        """Statistics > PktAn > title, by keyboard: PktAn is the last entry
        of the Statistics menu (Up wraps to it), its items are sorted."""
        main = self.main_window()
        steps = ["Down"] * PKTAN_DIALOGS.index(title)
        self.desktop.key(main, "alt+s", "Up", "Right", *steps, "Return")
        wait_for(lambda: self.desktop.windows(title), 30, f"the {title} dialog")
        time.sleep(2)

    def open_live_window(self, title):
        """Tools > PktAn > title (live), by keyboard: PktAn is the last entry
        of the Tools menu, its items are sorted."""
        main = self.main_window()
        steps = ["Down"] * PKTAN_DIALOGS.index(title)
        self.desktop.key(main, "alt+t", "Up", "Right", *steps, "Return")
        name = f"{title} (live)"
        return wait_for(lambda: self.desktop.windows(re.escape(name)), 30,
                        f"the {name} window")[0]

    def window_text(self, window):
        self.desktop.x("xdotool", "windowactivate", "--sync", window)
        self.desktop.x("xdotool", "mousemove", "--window", window, "150", "120", "click", "1")
        time.sleep(0.3)
        for key in ("ctrl+a", "ctrl+c"):
            self.desktop.x("xdotool", "key", key)
            time.sleep(0.3)
        return self.desktop.x("xclip", "-o", "-selection", "clipboard").stdout

    def apply_display_filter(self, text):
        """Types a display filter into the main window once the file is read."""
        main = self.main_window()
        time.sleep(2)
        self.desktop.key(main, "ctrl+slash")
        time.sleep(1)
        self.desktop.x("xdotool", "type", "--delay", "40", text)
        self.desktop.key(main, "Return")
        time.sleep(3)

    def main_window_title(self):
        return os.path.splitext(self.CAPTURE)[0]

    def main_window(self):
        title = self.main_window_title()
        return wait_for(lambda: self.desktop.windows(title), 60, "the main window")[0]

    def save_screenshot(self, name):
        docs = os.path.join(env_setting("PKTAN_SOURCE_DIR"), "docs")
        os.makedirs(docs, exist_ok=True)
        shot = os.path.join(docs, name)
        self.desktop.screenshot(shot)
        self.assertGreater(os.path.getsize(shot), 10000)
        self.assertIsNone(self.gui.poll(), "wireshark exited early")



class GuiLoadsPlugins(GuiSession):
    def test_about_dialog_lists_pktan(self):
        main = self.main_window()
        pid = wait_for(self.wireshark_pid, 10, "the wireshark process")
        with open(f"/proc/{pid}/maps") as f:
            mapped = f.read()
        self.assertIn(os.path.join(self.user.plugin_dir, "pktan.so"), mapped,
                      "the GUI did not load pktan.so from the per-user plugin folder")

        self.desktop.key(main, "alt+h", "a")
        about = wait_for(lambda: self.desktop.windows("About Wireshark"), 20, "About Wireshark")[0]
        # Tabs: Wireshark, Authors, Folders, Plugins.
        self.desktop.key(about, "ctrl+Tab", "ctrl+Tab", "ctrl+Tab")
        time.sleep(1)
        self.save_screenshot("gui-about-plugins.png")

    def test_destinations_and_ports_dialog(self):
        self.open_pktan_dialog("Destinations and Ports")
        self.save_screenshot("gui-dests-dialog.png")

    def test_handshake_rtt_dialog(self):
        self.open_pktan_dialog("Handshake RTT")
        self.save_screenshot("gui-rtt-dialog.png")


class LiveWindowsOnAFile(GuiSession):
    """Each Tools > PktAn > REPORT (live) window on a recorded capture shows
    what tshark -z pktan,REPORT prints for it; each is closed (which
    removes its listeners) before the next opens."""
    CAPTURE = "bittorrent-v4-d5-client.pcap"
    CLI = {"Connection Outcomes": "conn", "Destinations and Ports": "dests",
           "Handshake RTT": "rtt", "Unexpected Protocols": "unexpected"}

    def tshark_report(self, report):
        proc = self.user.run(["tshark", "-r", self.capture, "-q", "-z", f"pktan,{report}"])
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return proc.stdout

    def test_windows_show_the_cli_reports(self):
        self.main_window()
        time.sleep(3)
        for title in PKTAN_DIALOGS:
            expected = [line.rstrip() for line in self.tshark_report(self.CLI[title]).splitlines()]
            window = self.open_live_window(title)
            shown = wait_for(lambda: [line.rstrip() for line in
                                      self.window_text(window).splitlines()] == expected and
                             expected, 20, f"the {title} (live) window to show the report")
            self.assertTrue(any(line.startswith(f"PktAn {title}") for line in shown), shown)
            self.desktop.x("xdotool", "windowactivate", "--sync", window)
            self.desktop.x("xdotool", "key", "Escape")
            wait_for(lambda: not self.desktop.windows(re.escape(f"{title} (live)")), 20,
                     f"the {title} (live) window to close")
        self.assertIsNone(self.gui.poll(), "wireshark stopped")


class FailedConnections(GuiSession):
    """The client side of seed 003 (SYNs unanswered, UDP unanswered)."""
    CAPTURE = "icmp-lost-v4-d5-client.pcap"

    def test_connection_outcomes_dialog(self):
        self.open_pktan_dialog("Connection Outcomes")
        self.save_screenshot("gui-conn-dialog.png")

    def test_outcome_marks_in_the_packet_list(self):
        """After the file is read, the display filter pktan.conn.outcome keeps
        the packets that decided the failed attempts: here the last
        unanswered SYN and the unanswered datagram."""
        self.apply_display_filter("pktan.conn.outcome")
        self.save_screenshot("gui-conn-marks.png")


class UnexpectedProtocols(GuiSession):
    """The client side of the BitTorrent scenario (tracker over HTTP,
    BitTorrent over TCP, uTP and DHT), with the Allowed protocols table
    (the UAT) as the profile file holds it."""
    CAPTURE = "bittorrent-v4-d5-client.pcap"
    UAT = None

    def prepare_profile(self):
        if self.UAT is not None:
            self.write_profile_file("pktan_allowlist", self.UAT)

    def dialog_shot(self, name):
        self.open_pktan_dialog("Unexpected Protocols")
        self.save_screenshot(name)
        return os.path.join(env_setting("PKTAN_SOURCE_DIR"), "docs", name)


class UnexpectedWithEmptyTable(UnexpectedProtocols):
    def test_unexpected_protocols_dialog(self):
        """No rules: http (the tracker) and bittorrent are both listed."""
        self.dialog_shot("gui-unexpected-dialog.png")

    def test_unexpected_marks_in_the_packet_list(self):
        """After the file is read, pktan.unexpected == "bittorrent" keeps
        every packet of the BitTorrent conversations, also the ones before
        the packet that showed BitTorrent."""
        self.apply_display_filter('pktan.unexpected == "bittorrent"')
        self.save_screenshot("gui-unexpected-marks.png")


class UnexpectedWithTrackerAllowed(UnexpectedProtocols):
    """The same capture after "http" was added to the table in the profile:
    the tracker's HTTP is no longer listed (compare the two screenshots)."""
    UAT = ('# This file is automatically generated, DO NOT MODIFY.\n'
           '"http","6969","","the tracker"\n')

    def test_uat_edit_changes_the_dialog(self):
        edited = self.dialog_shot("gui-unexpected-uat.png")
        empty = os.path.join(env_setting("PKTAN_SOURCE_DIR"), "docs", "gui-unexpected-dialog.png")
        if os.path.exists(empty):
            with open(edited, "rb") as a, open(empty, "rb") as b:
                self.assertNotEqual(a.read(), b.read())


class LiveCapture(GuiSession):
    """Wireshark capturing on a veth (tests/lib/live_network.py), its tap
    update timer at 1 s rather than 3."""
    TAG = "gui"

    def setUp(self):
        reason = why_not_here()
        if reason:
            self.skipTest(reason)
        if shutil.which("xclip") is None:
            self.skipTest("xclip is not installed")
        self.net = None
        super().setUp()

    def gui_command(self, gui_env):
        self.net = LiveNetwork(self.user, self.TAG)
        self.net.start()
        return self.net.as_capturer(["wireshark", "-o", "statistics.update_interval:1000",
                                     "-i", self.net.client_if, "-k"], gui_env)

    def main_window_title(self):
        return self.net.client_if

    def tearDown(self):
        try:
            super().tearDown()
        finally:
            if self.user.account:
                subprocess.run(["pkill", "-u", self.user.account, "-x", "dumpcap"])
            if self.net:
                self.net.stop()


class LiveCaptureDialog(LiveCapture):
    """The capture with Statistics > PktAn > Handshake RTT open. Wireshark's statistics-tree
    dialogs fill themselves when opened and when Apply is pressed, then let
    go of their tap (ui/qt/stats_tree_dialog.cpp, fillTree), so during a
    capture they show what was captured by their last Apply. The dialog is
    read through its Copy (the tree as text, on the clipboard) after 2 and
    then 3 more HTTP connections, each time after Apply, while the capture
    goes on."""

    def dialog_counts(self, dialog):
        """The dialog's tree as its Copy puts it on the clipboard: the
        context menu of the tree (the Menu key), its first entry. The menu
        is a window of its own, so the keys that pick the entry go to
        whatever has the focus (XTEST), not to the dialog."""
        self.desktop.x("xdotool", "windowactivate", "--sync", dialog)
        self.desktop.key(dialog, "Menu")
        for key in ("Down", "Return"):
            self.desktop.x("xdotool", "key", key)
            time.sleep(0.3)
        time.sleep(0.7)
        text = self.desktop.x("xclip", "-o", "-selection", "clipboard").stdout
        return parse_tree_text(text), text

    def handshakes(self, counts):
        return sum(v for k, v in counts.items() if len(k) == 1)

    def test_rtt_dialog_during_capture(self):
        self.main_window()
        time.sleep(3)
        self.open_pktan_dialog("Handshake RTT")
        dialog = self.desktop.windows("Handshake RTT")[0]
        made = 0
        for round_no, connections in ((1, 2), (2, 3)):
            made += len(self.net.http_gets(connections))
            time.sleep(1)
            self.desktop.key(dialog, "Return")  # Apply, the default button
            deadline = time.monotonic() + 20
            while True:
                counts, text = self.dialog_counts(dialog)
                if self.handshakes(counts) == made or time.monotonic() > deadline:
                    break
                time.sleep(1)
            self.save_screenshot(f"gui-live-rtt-{round_no}.png")
            self.assertEqual(self.handshakes(counts), made,
                             f"after {made} connections the dialog showed:\n{text}")
        self.assertIsNone(self.gui.poll(), "wireshark stopped")


class LiveReportWindow(LiveCapture):
    """The capture with Tools > PktAn > Handshake RTT
    (live) open: the -z report's text in a window that stays subscribed to
    its taps, so Wireshark's tap update timer redraws it as packets arrive.
    Nothing is pressed in it: it is read (click in the text, select all,
    copy) after 2 and then 3 more HTTP connections and must count them
    (docs/gui-live-window-1.png, -2.png)."""

    TAG = "glw"

    def test_rtt_window_follows_the_capture(self):
        self.main_window()
        time.sleep(3)
        window = self.open_live_window("Handshake RTT")
        made = 0
        for round_no, connections in ((1, 2), (2, 3)):
            made += len(self.net.http_gets(connections))
            expected = f"{made} handshakes, 0 incomplete"
            deadline = time.monotonic() + 20
            while True:
                text = self.window_text(window)
                if expected in text or time.monotonic() > deadline:
                    break
                time.sleep(1)
            self.save_screenshot(f"gui-live-window-{round_no}.png")
            self.assertIn(expected, text, f"after {made} connections the window showed:\n{text}")
        self.assertIsNone(self.gui.poll(), "wireshark stopped")


if __name__ == "__main__":
    unittest.main(verbosity=2)
