#!/usr/bin/env python3
"""Re-record pktan's real capture corpus from scratch.

Run as root:  python3 captures/record.py   (or: sudo python3 captures/record.py)

What it does
------------
* installs the Debian packages it needs when they are missing;
* builds three network namespaces, client ``pktan-pc``, wire ``pktan-pw`` and
  server ``pktan-ps``, joined by two veth pairs::

      pktan-pc: c0 <==veth==> wc :pktan-pw: ws <==veth==> s0 :pktan-ps
      10.99.0.1/24  fd00:99::1/64              10.99.0.2/24  fd00:99::2/64

  The addresses exist only inside these namespaces; no namespace has a
  default route, so nothing can leave the machine.
* runs a USERSPACE WIRE inside ``pktan-pw`` (this same file, ``--wire``):
  AF_PACKET raw sockets on ``wc`` and ``ws`` forward every Ethernet frame to
  the other side after a fixed one-way delay (a timer heap, so the two
  directions never block each other), optionally dropping selected frames
  (the first TCP SYN to one port, or ICMP/ICMPv6 errors going server->client);
* for every scenario records tcpdump on ``c0`` (client side) and on ``s0``
  (server side) at the same time and writes, next to each capture, a JSON
  sidecar with the ground truth of what the script did;
* for the vlan scenario tags frames in the kernel (tcx eBPF programs calling
  bpf_skb_vlan_push/pop: 802.1Q on the client link, QinQ on the server
  link); for gre the wire also sends a GRE-encapsulated copy of every frame
  it receives to a collector port (a remote mirror); for reorder dumpcap
  captures both wire ports into one pcapng (not in time order);
* removes the namespaces and every process it started on exit, even on error.

Everything except the Debian tools it drives is python3 standard library.
"""

import argparse
import hashlib
import heapq
import json
import os
import random
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PY = sys.executable or "python3"

# PKTAN_RECORD_NS renames the namespaces (pktan-pc, pktan-pw, pktan-ps), so
# that two work trees can record at the same time
NS_PREFIX = os.environ.get("PKTAN_RECORD_NS", "pktan")
NS_C, NS_W, NS_S = NS_PREFIX + "-pc", NS_PREFIX + "-pw", NS_PREFIX + "-ps"
IF_C, IF_WC, IF_WS, IF_S = "c0", "wc", "ws", "s0"
MAC = {IF_C: "02:99:00:00:00:01", IF_S: "02:99:00:00:00:02",
       IF_WC: "02:99:00:00:01:01", IF_WS: "02:99:00:00:01:02"}
# client2 is a second (secondary, IPv4 only) client address, used only by the
# second BitTorrent leecher: Transmission treats every peer from one IP
# address as one peer. (A second IPv6 address would win the kernel's source
# address selection for every other connection.)
ADDR = {4: {"client": "10.99.0.1", "server": "10.99.0.2", "plen": 24,
            "client2": "10.99.0.3"},
        6: {"client": "fd00:99::1", "server": "fd00:99::2", "plen": 64}}
CLIENT_SYN_RETRIES = 2
ICMP_PORT_UNREACH = {4: {"type": 3, "code": 3}, 6: {"type": 1, "code": 4}}

APT_ENV = dict(os.environ, DEBIAN_FRONTEND="noninteractive",
               # RUNLEVEL=1 keeps invoke-rc.d from starting sshd/xrdp services
               RUNLEVEL="1")
APT = ["apt-get", "-o", "DPkg::Lock::Timeout=600", "-y", "-q",
       "--no-install-recommends"]

# command -> Debian package
REQUIRED = {"ip": "iproute2", "tcpdump": "tcpdump", "curl": "curl",
            "ethtool": "ethtool", "iptables": "iptables",
            "ip6tables": "iptables", "ss": "iproute2"}
OPTIONAL = {"sshd": "openssh-server", "ssh": "openssh-client",
            "ssh-keygen": "openssh-client", "nc": "netcat-openbsd",
            "transmission-cli": "transmission-cli",
            "transmission-create": "transmission-cli",
            "xrdp": "xrdp", "xfreerdp": "freerdp2-x11", "Xvfb": "xvfb",
            "openssl": "openssl"}
SBIN_PATHS = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]


def log(*a):
    print("[record]", *a, file=sys.stderr, flush=True)


def which(cmd):
    p = shutil.which(cmd)
    if p:
        return p
    for d in SBIN_PATHS:
        c = os.path.join(d, cmd)
        if os.access(c, os.X_OK):
            return c
    return None


def ensure_packages():
    def missing(table):
        return sorted({pkg for cmd, pkg in table.items() if not which(cmd)})

    need = missing(REQUIRED) + missing(OPTIONAL)
    if not need:
        return
    log("installing missing Debian packages:", " ".join(need))
    ok = subprocess.call(APT + ["install"] + need, env=APT_ENV) == 0
    if not ok:
        subprocess.call(["apt-get", "-o", "DPkg::Lock::Timeout=600", "-q",
                         "update"], env=APT_ENV)
        for pkg in need:   # one at a time so one failure does not block all
            subprocess.call(APT + ["install", pkg], env=APT_ENV)
    still = missing(REQUIRED)
    if still:
        sys.exit("cannot install required packages: %s" % " ".join(still))


def run(cmd, check=True, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, **kw)
    if check and r.returncode != 0:
        raise RuntimeError("command failed (%d): %s\n%s%s" % (
            r.returncode, " ".join(cmd), r.stdout, r.stderr))
    return r


def nsrun(ns, cmd, check=True, **kw):
    return run(["ip", "netns", "exec", ns] + cmd, check=check, **kw)


def first_line(cmd):
    try:
        r = run(cmd, check=False)
        return (r.stdout + r.stderr).strip().splitlines()[0]
    except Exception:
        return "unknown"


# ---------------------------------------------------------------------------
# Process bookkeeping: every process we start is recorded and ended on exit.

PROCS = []


def spawn(ns, cmd, stdout=None, stderr=None, **kw):
    full = (["ip", "netns", "exec", ns] if ns else []) + cmd
    p = subprocess.Popen(full, stdout=stdout or subprocess.DEVNULL,
                         stderr=stderr or subprocess.DEVNULL,
                         start_new_session=True, **kw)
    PROCS.append(p)
    return p


def stop(p, sig=signal.SIGTERM, timeout=10):
    if p is None or p.poll() is not None:
        return
    try:
        os.killpg(p.pid, sig)
    except ProcessLookupError:
        return
    try:
        p.wait(timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait()


# ---------------------------------------------------------------------------
# Topology

def teardown():
    for p in reversed(PROCS):
        stop(p, timeout=5)
    for ns in (NS_C, NS_W, NS_S):
        if os.path.exists("/run/netns/" + ns):
            r = run(["ip", "netns", "pids", ns], check=False)
            for pid in r.stdout.split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            run(["ip", "netns", "del", ns], check=False)


def setup_topology():
    teardown()
    for ns in (NS_C, NS_W, NS_S):
        run(["ip", "netns", "add", ns])
        nsrun(ns, ["ip", "link", "set", "lo", "up"])
    sysctl = lambda ns, k, v: nsrun(ns, ["sysctl", "-q", "-w", "%s=%s" % (k, v)])
    for ns in (NS_C, NS_S):
        for scope in ("all", "default"):
            sysctl(ns, "net.ipv6.conf.%s.accept_dad" % scope, 0)
            sysctl(ns, "net.ipv6.conf.%s.dad_transmits" % scope, 0)
            sysctl(ns, "net.ipv6.conf.%s.router_solicitations" % scope, 0)
            sysctl(ns, "net.ipv6.conf.%s.accept_ra" % scope, 0)
    # the client gives up after the SYN and 2 retransmissions (3 SYNs): a
    # fixed count, whatever the kernel's retransmission timer schedule is
    sysctl(NS_C, "net.ipv4.tcp_syn_retries", CLIENT_SYN_RETRIES)
    # Newer kernels retransmit the first SYNs linearly (every 1 s) but still
    # give up after the time the doubling schedule would take (7 s for 2
    # retries), which sends more SYNs than tcp_syn_retries says. Ask for the
    # classic doubling schedule: SYNs at 0, 1, 3 s, give up at 7 s.
    if os.path.exists("/proc/sys/net/ipv4/tcp_syn_linear_timeouts"):
        sysctl(NS_C, "net.ipv4.tcp_syn_linear_timeouts", 0)
    for scope in ("all", "default"):   # the wire has no IP stack traffic
        sysctl(NS_W, "net.ipv6.conf.%s.disable_ipv6" % scope, 1)
    run(["ip", "link", "add", IF_C, "netns", NS_C, "address", MAC[IF_C],
         "type", "veth", "peer", "name", IF_WC, "netns", NS_W,
         "address", MAC[IF_WC]])
    run(["ip", "link", "add", IF_S, "netns", NS_S, "address", MAC[IF_S],
         "type", "veth", "peer", "name", IF_WS, "netns", NS_W,
         "address", MAC[IF_WS]])
    for ns, ifc in ((NS_C, IF_C), (NS_W, IF_WC), (NS_W, IF_WS), (NS_S, IF_S)):
        # no checksum offload / segmentation offload: forwarded frames must
        # carry finished checksums and MTU-sized segments
        nsrun(ns, ["ethtool", "-K", ifc, "tx", "off", "tso", "off", "gso",
                   "off", "gro", "off"], check=False)
        nsrun(ns, ["ip", "link", "set", ifc, "up"])
    for ifc in (IF_WC, IF_WS):
        nsrun(NS_W, ["ip", "link", "set", ifc, "promisc", "on"])
    for ns, ifc, me, peer, peer_if in ((NS_C, IF_C, "client", "server", IF_S),
                                       (NS_S, IF_S, "server", "client", IF_C)):
        for v in (4, 6):
            a = ADDR[v]
            extra = ["nodad"] if v == 6 else []
            nsrun(ns, ["ip", "addr", "add", "%s/%d" % (a[me], a["plen"]),
                       "dev", ifc] + extra)
            # static neighbours: no ARP/NDP chatter in the captures
            nsrun(ns, ["ip", "neigh", "replace", a[peer], "lladdr",
                       MAC[peer_if], "dev", ifc, "nud", "permanent"])
            if "client2" not in a:
                pass
            elif me == "client":
                nsrun(ns, ["ip", "addr", "add", "%s/%d" % (
                    a["client2"], a["plen"]), "dev", ifc] + extra)
            else:
                nsrun(ns, ["ip", "neigh", "replace", a["client2"], "lladdr",
                           MAC[peer_if], "dev", ifc, "nud", "permanent"])
    time.sleep(2.5)   # let link-up MLD reports die down before recording


# ---------------------------------------------------------------------------
# The userspace wire (runs inside NS_W as "record.py --wire ...")

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def frame_info(fr):
    """Return (ipver, proto, l4 offset) or None for non-IP frames."""
    if len(fr) < 14:
        return None
    et = struct.unpack("!H", fr[12:14])[0]
    if et == 0x0800 and len(fr) >= 34:
        ihl = (fr[14] & 0x0F) * 4
        return 4, fr[23], 14 + ihl
    if et == 0x86DD and len(fr) >= 54:
        return 6, fr[20], 54
    return None


# ---------------------------------------------------------------------------
# 802.1Q / 802.1ad tags pushed and popped by the kernel (runs inside a
# namespace as "record.py --vlan-tags IF:DIR:OPS ...")
#
# This kernel has no 8021q module (no VLAN devices) and no act_vlan tc
# action, but it has cls_bpf and tcx: a three-instruction eBPF program per
# hook calls the kernel's bpf_skb_vlan_push()/bpf_skb_vlan_pop() helpers
# (skb_vlan_push()/skb_vlan_pop(), what act_vlan and VLAN devices use).
# The programs are attached with bpf links, which the kernel removes when
# this helper exits.

SYS_BPF = {"x86_64": 321, "aarch64": 280}
BPF_PROG_LOAD, BPF_LINK_CREATE = 5, 28
BPF_PROG_TYPE_SCHED_CLS = 3
BPF_TCX = {"ingress": 46, "egress": 47}   # BPF_TCX_INGRESS / BPF_TCX_EGRESS
BPF_FUNC_SKB_VLAN_PUSH, BPF_FUNC_SKB_VLAN_POP = 18, 19
TCX_NEXT = -1


def _bpf_insn(op, dst=0, src=0, off=0, imm=0):
    return struct.pack("<BBhi", op, (src << 4) | dst, off, imm)


def vlan_program(ops):
    """eBPF bytecode: [("push", tpid, vid) | ("pop",)], in order."""
    code = _bpf_insn(0xBF, 6, 1)                          # r6 = skb
    for op in ops:
        code += _bpf_insn(0xBF, 1, 6)                     # r1 = skb
        if op[0] == "push":
            code += _bpf_insn(0xB7, 2, imm=socket.htons(op[1]))  # r2 = tpid
            code += _bpf_insn(0xB7, 3, imm=op[2])         # r3 = vid
            code += _bpf_insn(0x85, imm=BPF_FUNC_SKB_VLAN_PUSH)
        else:
            code += _bpf_insn(0x85, imm=BPF_FUNC_SKB_VLAN_POP)
    return code + _bpf_insn(0xB7, 0, imm=TCX_NEXT) + _bpf_insn(0x95)  # exit


def vlan_tags_main(args):
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    nr = SYS_BPF.get(os.uname().machine)
    if nr is None:
        sys.exit("--vlan-tags: unknown bpf() syscall number on this machine")

    def bpf(cmd, attr):
        buf = ctypes.create_string_buffer(attr, 128)
        r = libc.syscall(nr, cmd, buf, 128)
        if r < 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err))
        return r

    links = []
    for spec in args.vlan_tags:
        ifname, direction, opstext = spec.split(":")
        ops = []
        for o in opstext.split(","):
            if o == "pop":
                ops.append(("pop",))
            else:
                tpid, vid = o.split(".")
                ops.append(("push", int(tpid, 16), int(vid)))
        code = vlan_program(ops)
        insns = ctypes.create_string_buffer(code, len(code))
        lic = ctypes.create_string_buffer(b"GPL")
        logbuf = ctypes.create_string_buffer(1 << 16)
        attr = struct.pack("<IIQQIIQII16s", BPF_PROG_TYPE_SCHED_CLS,
                           len(code) // 8, ctypes.addressof(insns),
                           ctypes.addressof(lic), 1, len(logbuf),
                           ctypes.addressof(logbuf), 0, 0, b"pktan_vlan")
        try:
            prog = bpf(BPF_PROG_LOAD, attr)
        except OSError as e:
            sys.exit("bpf prog load failed: %s\n%s" % (
                e, logbuf.value.decode(errors="replace")))
        link = bpf(BPF_LINK_CREATE, struct.pack(
            "<IIII", prog, socket.if_nametoindex(ifname),
            BPF_TCX[direction], 0))
        os.close(prog)
        links.append(link)
    stop_flag = []
    signal.signal(signal.SIGTERM, lambda *a: stop_flag.append(1))
    signal.signal(signal.SIGINT, lambda *a: stop_flag.append(1))
    print("ready", flush=True)
    while not stop_flag:
        time.sleep(0.2)
    for link in links:        # closing the last link fd detaches it
        os.close(link)


# A remote mirror over GRE: what a switch's ERSPAN/RSPAN-over-GRE session
# (or Linux gretap, or Open vSwitch's GRE mirror) sends to a collector. The
# kernel here has no GRE (no ip_gre/gretap/erspan devices, no tunnel_key
# action), so the wire builds the outer headers itself: Ethernet, IPv4
# 10.99.1.1 -> 10.99.1.2, protocol 47, GRE without options carrying
# Transparent Ethernet Bridging (0x6558), then the mirrored frame unchanged.
IF_WM, IF_M = "wm", "m0"
MIRROR = {"mac": {IF_WM: "02:99:00:00:01:03", IF_M: "02:99:00:00:02:01"},
          "src": "10.99.1.1", "dst": "10.99.1.2", "gre_proto": 0x6558}


def ip_checksum(hdr):
    s = sum(struct.unpack("!%dH" % (len(hdr) // 2), hdr))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def gre_mirror_copy(fr, ident):
    gre = struct.pack("!HH", 0, MIRROR["gre_proto"])
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(gre) + len(fr),
                      ident & 0xFFFF, 0x4000, 64, 47, 0,
                      socket.inet_aton(MIRROR["src"]),
                      socket.inet_aton(MIRROR["dst"]))
    hdr = hdr[:10] + struct.pack("!H", ip_checksum(hdr)) + hdr[12:]
    mac = lambda m: bytes(int(x, 16) for x in m.split(":"))
    return mac(MIRROR["mac"][IF_M]) + mac(MIRROR["mac"][IF_WM]) + \
        b"\x08\x00" + hdr + gre + fr


def wire_main(args):
    socks = {}
    for name in (IF_WC, IF_WS):
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                          socket.htons(ETH_P_ALL))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        s.bind((name, ETH_P_ALL))
        s.setblocking(False)
        socks[name] = s
    other = {IF_WC: IF_WS, IF_WS: IF_WC}
    mirror = None
    if args.mirror_gre:
        mirror = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                               socket.htons(ETH_P_ALL))
        mirror.bind((args.mirror_gre, ETH_P_ALL))
    mirror_seq = 0
    delay = args.delay_ms / 1000.0
    heap = []
    seq = 0
    syn_seen = {}
    stats = {"forwarded": 0, "dropped": 0, "dropped_frames": []}
    stop_flag = []
    signal.signal(signal.SIGTERM, lambda *a: stop_flag.append(1))
    signal.signal(signal.SIGINT, lambda *a: stop_flag.append(1))
    fd2name = {s.fileno(): name for name, s in socks.items()}
    fds = list(fd2name)
    try:   # keep the wire's timing steady when the machine is busy
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(50))
    except (AttributeError, OSError):
        try:
            os.nice(-15)
        except OSError:
            pass
    print("ready", flush=True)

    def should_drop(ingress, fr):
        info = frame_info(fr)
        if info is None:
            return None
        ver, proto, off = info
        if args.drop_first_syn and ingress == IF_WC and proto == 6 \
                and len(fr) >= off + 14:
            dport = struct.unpack("!H", fr[off + 2:off + 4])[0]
            flags = fr[off + 13]
            if dport == args.drop_first_syn and flags & 0x02 and \
                    not flags & 0x10:
                n = syn_seen.get(dport, 0)
                syn_seen[dport] = n + 1
                if n == 0:
                    return "first SYN to port %d" % dport
        if args.drop_icmp_errors and ingress == IF_WS:
            if ver == 4 and proto == 1 and len(fr) > off and \
                    fr[off] in (3, 4, 5, 11, 12):
                return "ICMP error type %d" % fr[off]
            if ver == 6 and proto == 58 and len(fr) > off and fr[off] < 128:
                return "ICMPv6 error type %d" % fr[off]
        return None

    while not stop_flag:
        now = time.monotonic()
        while heap and heap[0][0] <= now:
            _, _, out, fr = heapq.heappop(heap)
            try:
                socks[out].send(fr)
                stats["forwarded"] += 1
            except OSError as e:
                print("send failed: %s" % e, file=sys.stderr, flush=True)
            now = time.monotonic()
        # select() takes microseconds (poll/epoll round up to whole ms)
        timeout = 0.2 if not heap else max(0.0, heap[0][0] - now)
        try:
            ready, _, _ = select.select(fds, [], [], timeout)
        except InterruptedError:
            continue
        t_rx = time.monotonic()
        for fd in ready:
            name = fd2name[fd]
            s = socks[name]
            while True:
                try:
                    fr, addr = s.recvfrom(65535)
                except BlockingIOError:
                    break
                if addr[2] == PACKET_OUTGOING:
                    continue          # our own transmission on this port
                why = should_drop(name, fr)
                if why:
                    stats["dropped"] += 1
                    stats["dropped_frames"].append(why)
                    continue
                if mirror is not None:
                    # the mirror copies what each port receives, at once
                    mirror_seq += 1
                    try:
                        mirror.send(gre_mirror_copy(fr, mirror_seq))
                        stats["mirrored"] = stats.get("mirrored", 0) + 1
                    except OSError as e:
                        print("mirror send failed: %s" % e, file=sys.stderr,
                              flush=True)
                if args.strip_vlan:
                    # a switch: the tags of the ingress port come off, the
                    # egress port's tc programs push their own
                    fr = untag(fr)
                seq += 1
                heapq.heappush(heap, (t_rx + delay, seq, other[name], fr))
    if args.stats:
        with open(args.stats, "w") as f:
            json.dump(stats, f)


# ---------------------------------------------------------------------------
# A tiny HTTP BitTorrent tracker (runs inside NS_S as "record.py --tracker")

def bencode(x):
    if isinstance(x, int):
        return b"i%de" % x
    if isinstance(x, str):
        x = x.encode()
    if isinstance(x, bytes):
        return b"%d:%s" % (len(x), x)
    if isinstance(x, list):
        return b"l" + b"".join(bencode(i) for i in x) + b"e"
    if isinstance(x, dict):
        return b"d" + b"".join(bencode(k) + bencode(x[k])
                               for k in sorted(x)) + b"e"
    raise TypeError(type(x))


def tracker_main(args):
    import http.server
    import urllib.parse

    seeds = {}

    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_GET(self):
            q = urllib.parse.urlparse(self.path)
            params = urllib.parse.parse_qs(q.query)
            ip = self.client_address[0]
            if ip.startswith("::ffff:"):
                ip = ip[7:]
            port = int(params.get("port", ["0"])[0])
            ev = params.get("event", [""])[0]
            if port == args.seed_port:
                if ev == "stopped":
                    seeds.pop((ip, port), None)
                else:
                    seeds[(ip, port)] = 1
            p4, p6 = b"", b""
            for (sip, sport) in seeds:
                if (sip, sport) == (ip, port):
                    continue
                if ":" in sip:
                    p6 += socket.inet_pton(socket.AF_INET6, sip) + \
                        struct.pack("!H", sport)
                else:
                    p4 += socket.inet_aton(sip) + struct.pack("!H", sport)
            body = bencode({"interval": 1800, "min interval": 1800,
                            "complete": len(seeds), "incomplete": 0,
                            "peers": p4, "peers6": p6})
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, fmt, *a):
            sys.stderr.write("tracker: " + (fmt % a) + "\n")

    class S(http.server.HTTPServer):
        address_family = socket.AF_INET6

        def server_bind(self):
            self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
            super().server_bind()

    srv = S(("::", args.port), H)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    print("ready", flush=True)
    srv.serve_forever()


# ---------------------------------------------------------------------------
# Minimal pcap reader (used only to list the ports that real BitTorrent/RDP
# implementations picked themselves; ports of everything else are chosen by
# this script)

VLAN_TPIDS = (0x8100, 0x88A8)


def untag(fr):
    """The frame without its 802.1Q/802.1ad tags (QinQ: all of them)."""
    while len(fr) >= 18 and struct.unpack("!H", fr[12:14])[0] in VLAN_TPIDS:
        fr = fr[:12] + fr[16:]
    return fr


def capture_records(path):
    """[(time, frame bytes, interface id)] of a pcap or pcapng file, in file
    order (pcapng: Enhanced Packet Blocks, per-interface if_tsresol)."""
    with open(path, "rb") as f:
        data = f.read()
    out = []
    if data[:4] == b"\x0a\x0d\x0d\x0a":          # pcapng
        off, e, resol = 0, "<", []
        while off + 12 <= len(data):
            btype = struct.unpack("<I", data[off:off + 4])[0]
            if btype == 0x0A0D0D0A:
                e = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" \
                    else ">"
                resol = []
            btype, blen = struct.unpack(e + "II", data[off:off + 8])
            body = data[off + 8:off + blen - 4]
            if btype == 1:                          # Interface Description
                r, o = 1e-6, 8
                while o + 4 <= len(body):
                    code, olen = struct.unpack(e + "HH", body[o:o + 4])
                    if code == 0:
                        break
                    if code == 9:                   # if_tsresol
                        v = body[o + 4]
                        r = 2.0 ** -(v & 0x7F) if v & 0x80 else 10.0 ** -v
                    o += 4 + (olen + 3) // 4 * 4
                resol.append(r)
            elif btype == 6:                        # Enhanced Packet
                ifid, hi, lo, incl = struct.unpack(e + "IIII", body[:16])
                out.append((((hi << 32) | lo) * resol[ifid],
                            body[20:20 + incl], ifid))
            off += blen
        return out
    e = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    nano = data[:4] in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack(e + "IIII", data[off:off + 16])
        out.append((sec + frac / (1e9 if nano else 1e6),
                    data[off + 16:off + 16 + incl], 0))
        off += 16 + incl
    return out


def read_pcap(path):
    """Per IP frame (VLAN tags skipped, tunnels not opened): addresses,
    protocol, ports, TCP flags, in file order."""
    out = []
    for t, fr, ifid in capture_records(path):
        fr = untag(fr)
        info = frame_info(fr)
        if info is None:
            continue
        ver, proto, l4 = info
        if ver == 4:
            src = socket.inet_ntop(socket.AF_INET, fr[26:30])
            dst = socket.inet_ntop(socket.AF_INET, fr[30:34])
        else:
            src = socket.inet_ntop(socket.AF_INET6, fr[22:38])
            dst = socket.inet_ntop(socket.AF_INET6, fr[38:54])
        rec = {"t": t, "ver": ver, "proto": proto, "src": src, "dst": dst,
               "interface": ifid}
        if proto in (6, 17) and len(fr) >= l4 + 8:
            rec["sport"], rec["dport"] = struct.unpack("!HH", fr[l4:l4 + 4])
            if proto == 6:
                rec["flags"] = fr[l4 + 13]
                doff = (fr[l4 + 12] >> 4) * 4
                rec["payload"] = len(fr) - l4 - doff
            else:
                rec["payload"] = len(fr) - l4 - 8
        out.append(rec)
    return out


def pcap_packet_count(path):
    return len(capture_records(path))


def _raw_frames(path):
    """[(time, frame without VLAN tags)]: the same packet compares equal on
    an 802.1Q link and on a QinQ link."""
    return [(t, untag(fr)) for t, fr, _ in capture_records(path)]


WIRE_JITTER_LIMIT_MS = 0.9


def handshake_excess_ms(client_pcap, server_pcap, delay_ms):
    """Largest extra one-way delay (beyond the configured one) of the first
    three frames of every TCP connection, matching identical frames between
    the client-side and the server-side capture. The iRTT that the corpus
    promises depends on exactly these frames."""
    def index(path):
        seen, first3, per_conn = {}, [], {}
        for t, fr in _raw_frames(path):
            body = fr[14:]
            n = seen.get(body, 0)
            seen[body] = n + 1
            info = frame_info(fr)
            key = (body, n)
            if info and info[1] == 6 and len(fr) >= info[2] + 4:
                ports = tuple(sorted(struct.unpack("!HH",
                                                   fr[info[2]:info[2] + 4])))
                k = per_conn.get(ports, 0)
                per_conn[ports] = k + 1
                if k < 3:
                    first3.append(key)
            index_map[path][key] = t
        return first3

    index_map = {client_pcap: {}, server_pcap: {}}
    hs = index(client_pcap)
    index(server_pcap)
    cmap, smap = index_map[client_pcap], index_map[server_pcap]
    worst = 0.0
    for key in hs:
        if key in smap:
            oneway = abs(smap[key] - cmap[key]) * 1000.0
            worst = max(worst, oneway - delay_ms)
    return worst


def observed_flows(pcap, client_ip):
    """TCP connections (by their SYN) and UDP flows (by first datagram)."""
    tcp, udp = {}, {}
    for r in read_pcap(pcap):
        if r["proto"] == 6 and "flags" in r:
            fl = r["flags"]
            if fl & 0x02 and not fl & 0x10:
                k = (r["src"], r["sport"], r["dst"], r["dport"])
                d = tcp.setdefault(k, {"syn": 0, "synack": False,
                                       "rst": False, "acked": False})
                d["syn"] += 1
            else:
                fk = (r["src"], r["sport"], r["dst"], r["dport"])
                k = (r["dst"], r["dport"], r["src"], r["sport"])
                if fk in tcp:
                    # the client's ACK completing the handshake
                    if fl & 0x10 and not fl & 0x04 and tcp[fk]["synack"]:
                        tcp[fk]["acked"] = True
                elif k in tcp:
                    if fl & 0x12 == 0x12:
                        tcp[k]["synack"] = True
                    if fl & 0x04:
                        tcp[k]["rst"] = True
        elif r["proto"] == 17 and "sport" in r:
            k = (r["src"], r["sport"], r["dst"], r["dport"])
            rk = (r["dst"], r["dport"], r["src"], r["sport"])
            if rk in udp:
                udp[rk]["answered"] = True
            else:
                udp.setdefault(k, {"answered": False, "datagrams": 0})
                udp[k]["datagrams"] += 1
    return tcp, udp


# ---------------------------------------------------------------------------
# Recording one scenario

class Wire:
    def __init__(self, workdir, delay_ms, drop_first_syn=None,
                 drop_icmp_errors=False, strip_vlan=False, mirror_gre=None):
        self.stats_path = os.path.join(workdir, "wire-stats.json")
        cmd = [PY, os.path.abspath(__file__), "--wire", "--delay-ms",
               str(delay_ms), "--stats", self.stats_path]
        if strip_vlan:
            cmd += ["--strip-vlan"]
        if mirror_gre:
            cmd += ["--mirror-gre", mirror_gre]
        if drop_first_syn:
            cmd += ["--drop-first-syn", str(drop_first_syn)]
        if drop_icmp_errors:
            cmd += ["--drop-icmp-errors"]
        self.p = spawn(NS_W, cmd, stdout=subprocess.PIPE,
                       stderr=open(os.path.join(workdir, "wire.log"), "a"))
        line = self.p.stdout.readline().decode().strip()
        if line != "ready":
            raise RuntimeError("wire did not start: %r" % line)

    def close(self):
        stop(self.p, signal.SIGTERM)
        try:
            with open(self.stats_path) as f:
                return json.load(f)
        except (OSError, ValueError):
            return {}


class Tcpdump:
    def __init__(self, ns, ifc, path, errpath):
        self.path = path
        self.interface = ifc
        self.errpath = errpath
        self.p = spawn(ns, ["tcpdump", "-i", ifc, "-s", "0", "-U",
                            "--immediate-mode", "-n",
                            "-Z", "root", "-w", path],
                       stderr=open(errpath, "w"))
        deadline = time.time() + 10
        while time.time() < deadline:
            with open(errpath) as f:
                if "listening on" in f.read():
                    return
            if self.p.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("tcpdump did not start on %s" % ifc)

    def close(self):
        stop(self.p, signal.SIGINT, timeout=15)


class Dumpcap:
    """dumpcap on several interfaces at once, each with its own capture
    filter, into one pcapng file (an Interface Description Block each)."""

    def __init__(self, ns, ifaces_filters, path, errpath):
        self.path = path
        self.interface = ",".join(i for i, _ in ifaces_filters)
        self.command = ["dumpcap", "-q"]
        for ifc, flt in ifaces_filters:
            self.command += ["-i", ifc, "-f", flt]
        self.command += ["-w", path]
        self.p = spawn(ns, self.command, stderr=open(errpath, "w"))
        deadline = time.time() + 10
        while time.time() < deadline:
            with open(errpath) as f:
                if "Capturing on" in f.read():
                    return
            if self.p.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("dumpcap did not start on %s" % self.interface)

    def close(self):
        stop(self.p, signal.SIGINT, timeout=15)


def wait_listen(ns, port, udp=False, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        r = nsrun(ns, ["ss", "-Hln" + ("u" if udp else "t"),
                       "sport = :%d" % port], check=False)
        if r.stdout.strip():
            return
        time.sleep(0.1)
    raise RuntimeError("nothing listening on port %d in %s" % (port, ns))


class Ports:
    """Deterministic, never reused client ports for one run."""

    def __init__(self, start=40001):
        self.n = start

    def take(self, k=1):
        p = list(range(self.n, self.n + k))
        self.n += k
        return p


def conn(transport, v, cport, sport, protocol, client_view, server_view,
         **extra):
    d = {"transport": transport, "client": ADDR[v]["client"],
         "client_port": cport, "server": ADDR[v]["server"],
         "server_port": sport, "protocol": protocol,
         "views": {"client": client_view, "server": server_view}}
    d.update(extra)
    return d


def view(outcome, syn_count, icmp=None, **extra):
    d = {"outcome": outcome, "syn_count": syn_count, "icmp": icmp}
    d.update(extra)
    return d


class Retry(Exception):
    """A real implementation stalled; the scenario may be recorded again."""


class Recorder:
    def __init__(self, outdir, workdir):
        self.outdir = outdir
        self.workdir = workdir
        self.ports = Ports()
        self.index = []

    def record(self, *a, attempts=3, **kw):
        for i in range(attempts):
            try:
                return self._record(*a, **kw)
            except Retry as e:
                log("attempt %d/%d failed: %s" % (i + 1, attempts, e))
                if i + 1 == attempts:
                    raise

    def _record(self, scenario, v, delay_ms, body, protocols, generator,
                drop_first_syn=None, drop_icmp_errors=False, notes=None,
                wire_opts=None, middle=None, sides=("client", "server"),
                side_meta=None):
        """middle: a function(tmp dir) starting a third capture between
        client and server (an object with path, interface, close());
        sides: the captures to keep; side_meta: extra sidecar fields."""
        base = "%s-v%d-d%d" % (scenario, v, delay_ms)
        log("recording", base)
        tmp = os.path.join(self.workdir, base)
        shutil.rmtree(tmp, ignore_errors=True)     # fresh files per attempt
        os.makedirs(tmp, exist_ok=True)
        wire = Wire(tmp, delay_ms, drop_first_syn, drop_icmp_errors,
                    **(wire_opts or {}))
        if drop_first_syn:
            wire_drop = "first SYN to port %d" % drop_first_syn
        elif drop_icmp_errors:
            wire_drop = "ICMP errors server->client"
        else:
            wire_drop = "none"
        caps = {}
        try:
            caps["client"] = Tcpdump(NS_C, IF_C, os.path.join(
                tmp, "client.pcap"), os.path.join(tmp, "tcpdump-c.log"))
            caps["server"] = Tcpdump(NS_S, IF_S, os.path.join(
                tmp, "server.pcap"), os.path.join(tmp, "tcpdump-s.log"))
            if middle:
                caps["middle"] = middle(tmp)
            time.sleep(0.3)
            result = body(v, delay_ms, tmp)
            # let the last frames cross the wire before stopping capture
            time.sleep(2 * delay_ms / 1000.0 + 1.2)
        finally:
            for c in caps.values():
                c.close()
            stats = wire.close()
        excess = handshake_excess_ms(caps["client"].path,
                                     caps["server"].path, delay_ms)
        if excess > WIRE_JITTER_LIMIT_MS:
            raise Retry("a handshake frame took %.2f ms longer than the "
                        "configured delay (limit %.1f ms)" %
                        (excess, WIRE_JITTER_LIMIT_MS))
        if callable(result):
            result = result(caps)
        conns = result
        for side in sides:
            name = "%s-%s" % (base, side)
            ext = os.path.splitext(caps[side].path)[1]
            pcap = os.path.join(self.outdir, name + ext)
            shutil.copyfile(caps[side].path, pcap)
            os.chmod(pcap, 0o644)
            side_conns = []
            for c in conns:
                vw = c["views"].get(side)
                if vw is None:
                    continue
                d = {k: c[k] for k in c if k != "views"}
                d.update(vw)
                # the client and the middle (the wire receives the SYN/ACK
                # one delay after the SYN and the ACK one more delay later)
                # see the whole round trip
                if (side in ("client", "middle") and d["transport"] == "tcp"
                        and d["outcome"] in ("established",
                                             "established_after_retry")):
                    d["expected_irtt_s"] = round(2 * delay_ms / 1000.0, 4)
                side_conns.append(d)
            meta = {
                "capture": name + ext,
                "scenario": scenario,
                "side": side,
                "capture_interface": {"client": IF_C, "server": IF_S}.get(
                    side) or caps[side].interface,
                "packets": pcap_packet_count(pcap),
                "ip_version": v,
                "one_way_delay_ms": delay_ms,
                "client": ADDR[v]["client"],
                "server": ADDR[v]["server"],
                "protocols": protocols,
                "generator": generator,
                "wire": {"drop": wire_drop,
                         "max_extra_handshake_delay_ms": round(excess, 3),
                         "frames_dropped": stats.get("dropped"),
                         "frames_forwarded": stats.get("forwarded")},
                "connections": side_conns,
            }
            if notes:
                meta["notes"] = notes
            meta.update((side_meta or {}).get(side, {}))
            with open(os.path.join(self.outdir, name + ".json"), "w") as f:
                json.dump(meta, f, indent=2)
                f.write("\n")
            self.index.append(meta)
        return conns


# ---------------------------------------------------------------------------
# Scenario bodies

def url(v, port, path="/"):
    host = ADDR[v]["server"]
    if v == 6:
        host = "[%s]" % host
    return "http://%s:%d%s" % (host, port, path)


def curl(v, cport, sport, path="/", connect_timeout=None, max_time=10):
    cmd = ["curl", "-g", "-s", "-o", "/dev/null", "-w", "%{http_code}",
           "--local-port", "%d-%d" % (cport, cport), "--max-time",
           str(max_time)]
    if connect_timeout:
        cmd += ["--connect-timeout", str(connect_timeout)]
    cmd.append(url(v, sport, path))
    r = nsrun(NS_C, cmd, check=False)
    return r.returncode, r.stdout.strip()


def udp_probe(v, cport, sport, payload=b"pktan udp probe\n", wait=1.0):
    """Send one datagram from an explicit port inside the client ns."""
    code = ("import socket,sys\n"
            "fam=socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET\n"
            "s=socket.socket(fam,socket.SOCK_DGRAM)\n"
            "s.bind((sys.argv[1],int(sys.argv[2])))\n"
            "s.connect((sys.argv[3],int(sys.argv[4])))\n"
            "s.settimeout(float(sys.argv[5]))\n"
            "s.send(sys.stdin.buffer.read())\n"
            "try:\n s.recv(2048); print('answered')\n"
            "except ConnectionRefusedError: print('refused')\n"
            "except socket.timeout: print('timeout')\n")
    r = nsrun(NS_C, [PY, "-c", code, ADDR[v]["client"], str(cport),
                     ADDR[v]["server"], str(sport), str(wait)],
              input=payload.decode(), check=False)
    return r.stdout.strip()


def iptables(v, args):
    nsrun(NS_S, ["iptables" if v == 4 else "ip6tables"] + args)


def flush_filters():
    for t in ("iptables", "ip6tables"):
        nsrun(NS_S, [t, "-F", "INPUT"], check=False)


class Servers:
    """Long-lived servers in the server namespace."""

    HTTP_PORT = 8080

    def __init__(self, workdir):
        self.workdir = workdir
        www = os.path.join(workdir, "www")
        os.makedirs(www, exist_ok=True)
        with open(os.path.join(www, "index.html"), "w") as f:
            f.write("<html><body><h1>pktan corpus</h1>\n" +
                    "<p>small test page</p>\n" * 20 + "</body></html>\n")
        rnd = random.Random(1234)
        with open(os.path.join(www, "data.bin"), "wb") as f:
            f.write(bytes(rnd.getrandbits(8) for _ in range(12000)))
        self.http = spawn(NS_S, [PY, "-m", "http.server", str(self.HTTP_PORT),
                                 "--bind", "::", "--directory", www],
                          stderr=open(os.path.join(workdir, "http.log"), "w"))
        wait_listen(NS_S, self.HTTP_PORT)


def body_http(rec, paths):
    def body(v, d, tmp):
        conns = []
        for path in paths:
            (cp,) = rec.ports.take()
            rc, code = curl(v, cp, Servers.HTTP_PORT, path)
            if rc != 0 or code != "200":
                raise RuntimeError("curl %s failed rc=%d code=%s" % (path, rc,
                                                                     code))
            conns.append(conn("tcp", v, cp, Servers.HTTP_PORT, "http",
                              view("established", 1), view("established", 1),
                              request="GET %s" % path, http_status=200))
            time.sleep(0.2)
        return conns
    return body


def body_refused(rec, port, n=2):
    def body(v, d, tmp):
        conns = []
        for _ in range(n):
            (cp,) = rec.ports.take()
            rc, _ = curl(v, cp, port, connect_timeout=3)
            if rc != 7:
                raise RuntimeError("expected curl rc 7 (refused), got %d" % rc)
            conns.append(conn("tcp", v, cp, port, None,
                              view("refused", 1), view("refused", 1),
                              intended_protocol="http"))
            time.sleep(0.2)
        return conns
    return body


def body_icmp_reject(rec, tcp_port, udp_port):
    def body(v, d, tmp):
        icmp = dict(ICMP_PORT_UNREACH[v], **{"from": ADDR[v]["server"]})
        (cp,) = rec.ports.take()
        rc, _ = curl(v, cp, tcp_port, connect_timeout=3)
        if rc != 7:
            raise RuntimeError("expected curl rc 7 (ICMP refused), got %d" % rc)
        conns = [conn("tcp", v, cp, tcp_port, None,
                      view("icmp_rejected", 1, icmp),
                      view("icmp_rejected", 1, icmp),
                      intended_protocol="http")]
        time.sleep(0.2)
        (up,) = rec.ports.take()
        res = udp_probe(v, up, udp_port)
        if res != "refused":
            raise RuntimeError("UDP probe: expected refused, got %r" % res)
        conns.append(conn("udp", v, up, udp_port, None,
                          view("icmp_rejected", 0, icmp, client_datagrams=1),
                          view("icmp_rejected", 0, icmp, client_datagrams=1)))
        return conns
    return body


# The client namespace has net.ipv4.tcp_syn_retries=2 (it applies to IPv6
# too) and doubling SYN timeouts: an unanswered connect sends exactly 3 SYNs
# (t = 0, 1, 3 s) and fails by itself at t = 7 s. curl's --connect-timeout is
# only a safety bound above that.
UNANSWERED_TIMEOUT = 12
UNANSWERED_SYNS = CLIENT_SYN_RETRIES + 1


def body_drop(rec, port):
    def body(v, d, tmp):
        (cp,) = rec.ports.take()
        rc, _ = curl(v, cp, port, connect_timeout=UNANSWERED_TIMEOUT)
        if rc not in (7, 28):
            raise RuntimeError("expected curl to fail connecting, got %d" % rc)
        return [conn("tcp", v, cp, port, None,
                     view("unanswered", UNANSWERED_SYNS),
                     view("unanswered", UNANSWERED_SYNS),
                     intended_protocol="http")]
    return body


def body_icmp_lost(rec, tcp_port, udp_port):
    def body(v, d, tmp):
        icmp = dict(ICMP_PORT_UNREACH[v], **{"from": ADDR[v]["server"]})
        (cp,) = rec.ports.take()
        rc, _ = curl(v, cp, tcp_port, connect_timeout=UNANSWERED_TIMEOUT)
        if rc not in (7, 28):
            raise RuntimeError("expected curl to fail connecting, got %d" % rc)
        conns = [conn("tcp", v, cp, tcp_port, None,
                      view("unanswered", UNANSWERED_SYNS),
                      view("icmp_rejected", UNANSWERED_SYNS, icmp,
                           icmp_count=UNANSWERED_SYNS),
                      intended_protocol="http")]
        (up,) = rec.ports.take()
        res = udp_probe(v, up, udp_port, wait=1.0)
        if res != "timeout":
            raise RuntimeError("UDP probe: expected timeout, got %r" % res)
        conns.append(conn("udp", v, up, udp_port, None,
                          view("unanswered", 0, client_datagrams=1),
                          view("icmp_rejected", 0, icmp, client_datagrams=1,
                               icmp_count=1)))
        return conns
    return body


def body_syn_retry(rec):
    def body(v, d, tmp):
        (cp,) = rec.ports.take()
        rc, code = curl(v, cp, Servers.HTTP_PORT, "/index.html", max_time=10)
        if rc != 0 or code != "200":
            raise RuntimeError("curl after SYN retry failed rc=%d" % rc)
        return [conn("tcp", v, cp, Servers.HTTP_PORT, "http",
                     view("established_after_retry", 2),
                     view("established", 1),
                     request="GET /index.html", http_status=200)]
    return body


def body_port_reuse(rec, n=2):
    """The same client port to the same server port, one connection after
    the other: one 4-tuple, two connections (two tcp.streams). The HTTP/1.0
    server closes first, so the client port is free at once."""
    def body(v, d, tmp):
        (cp,) = rec.ports.take()
        conns = []
        for i in range(n):
            rc, code = curl(v, cp, Servers.HTTP_PORT, "/index.html")
            if rc != 0 or code != "200":
                raise RuntimeError("curl (use %d of port %d) failed rc=%d" %
                                   (i + 1, cp, rc))
            conns.append(conn("tcp", v, cp, Servers.HTTP_PORT, "http",
                              view("established", 1), view("established", 1),
                              request="GET /index.html", http_status=200,
                              reuse=i + 1))
            time.sleep(0.5)
        return conns
    return body


# A VXLAN overlay (VNI 42 on UDP 4789, inner 10.99.30.0/24) between the two
# hosts: the encapsulation cloud packet mirroring and overlay networks use.
# (This kernel has no 8021q or GRE modules; VXLAN it has.)
TUNNELS = (("vxlan", "10.99.30"),)
TUNNEL_MAC = {"client": "02:99:00:00:10:01", "server": "02:99:00:00:10:02"}


def tunnels_up():
    outer = ADDR[4]
    for ns, me, peer, ifc in ((NS_C, "client", "server", IF_C),
                              (NS_S, "server", "client", IF_S)):
        net = TUNNELS[0][1]
        nsrun(ns, ["ip", "link", "add", "vx42", "address", TUNNEL_MAC[me],
                   "type", "vxlan", "id", "42", "local", outer[me], "remote",
                   outer[peer], "dstport", "4789", "dev", ifc])
        nsrun(ns, ["ip", "addr", "add", "%s.%s/24" % (
            net, "1" if me == "client" else "2"), "dev", "vx42"])
        nsrun(ns, ["ip", "link", "set", "vx42", "up"])
        # no ARP in the captures
        nsrun(ns, ["ip", "neigh", "replace", "%s.%s" % (
            net, "2" if me == "client" else "1"), "lladdr", TUNNEL_MAC[peer],
            "dev", "vx42", "nud", "permanent"])
    time.sleep(1.5)


def tunnels_down():
    for ns in (NS_C, NS_S):
        nsrun(ns, ["ip", "link", "del", "vx42"], check=False)


def body_tunnels(rec):
    def body(v, d, tmp):
        conns = []
        for kind, net in TUNNELS:
            (cp,) = rec.ports.take()
            cmd = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                   "--local-port", "%d-%d" % (cp, cp), "--max-time", "10",
                   "http://%s.2:%d/index.html" % (net, Servers.HTTP_PORT)]
            r = nsrun(NS_C, cmd, check=False)
            if r.returncode != 0 or r.stdout.strip() != "200":
                raise RuntimeError("curl over %s failed rc=%d" %
                                   (kind, r.returncode))
            c = conn("tcp", 4, cp, Servers.HTTP_PORT, "http",
                     view("established", 1), view("established", 1),
                     request="GET /index.html", http_status=200,
                     encapsulation=kind)
            c["client"], c["server"] = net + ".1", net + ".2"
            conns.append(c)
            time.sleep(0.2)
        return conns
    return body


# -- VLAN tags, a GRE mirror, a capture out of time order ---------------------

# Client link: an 802.1Q trunk carrying VLAN 42 (c0 and the wire's wc).
# Server link: QinQ, 802.1ad S-VLAN 100 outside 802.1Q C-VLAN 42 (s0, ws).
# Each host pushes its link's tags on egress and pops them on ingress; the
# wire strips whatever tags a frame arrives with and its ports push their
# own, like a switch. Captures on c0/s0 show the tags both ways (the packet
# taps run after tc egress and before tc ingress).
VLAN_C, VLAN_S_OUTER = 42, 100
VLAN_PROGRAMS = {
    NS_C: ["%s:egress:8100.%d" % (IF_C, VLAN_C), "%s:ingress:pop" % IF_C],
    NS_W: ["%s:egress:8100.%d" % (IF_WC, VLAN_C),
           "%s:egress:8100.%d,88a8.%d" % (IF_WS, VLAN_C, VLAN_S_OUTER)],
    NS_S: ["%s:egress:8100.%d,88a8.%d" % (IF_S, VLAN_C, VLAN_S_OUTER),
           "%s:ingress:pop,pop" % IF_S],
}
VLAN_SIDE_META = {
    "client": {"link": "802.1Q trunk, VLAN %d" % VLAN_C,
               "vlan_tags": [{"tpid": "0x8100", "vid": VLAN_C}]},
    "server": {"link": "QinQ: 802.1ad S-VLAN %d, 802.1Q C-VLAN %d" % (
        VLAN_S_OUTER, VLAN_C),
        "vlan_tags": [{"tpid": "0x88a8", "vid": VLAN_S_OUTER},
                      {"tpid": "0x8100", "vid": VLAN_C}]},
}


def vlan_up(workdir):
    procs = []
    for ns, specs in VLAN_PROGRAMS.items():
        p = spawn(ns, [PY, os.path.abspath(__file__), "--vlan-tags"] + specs,
                  stdout=subprocess.PIPE,
                  stderr=open(os.path.join(workdir, "vlan-%s.log" % ns), "w"))
        procs.append(p)
        if p.stdout.readline().decode().strip() != "ready":
            for q in procs:
                stop(q)
            raise RuntimeError("VLAN tag programs did not load in %s: %s" % (
                ns, open(os.path.join(workdir, "vlan-%s.log" % ns)).read()))
    return procs


def vlan_down(procs):
    for p in procs:
        stop(p)


def mirror_up():
    """The mirror's link from the wire (wm) to a collector port (m0) in the
    wire namespace, with room for the GRE overhead on full-sized frames."""
    run(["ip", "-n", NS_W, "link", "add", IF_WM, "address",
         MIRROR["mac"][IF_WM], "mtu", "9000", "type", "veth", "peer", "name",
         IF_M, "address", MIRROR["mac"][IF_M], "mtu", "9000"])
    for ifc in (IF_WM, IF_M):
        nsrun(NS_W, ["ethtool", "-K", ifc, "tx", "off", "tso", "off", "gso",
                     "off", "gro", "off"], check=False)
        nsrun(NS_W, ["ip", "link", "set", ifc, "up"])


def mirror_down():
    nsrun(NS_W, ["ip", "link", "del", IF_WM], check=False)


def with_middle(body):
    """The connections of body, seen the same way by a middle capture."""
    def wrapped(v, d, tmp):
        conns = body(v, d, tmp)
        for c in conns:
            c["views"]["middle"] = dict(c["views"]["server"])
        return conns
    return wrapped


def handshake_file_order(path, conns):
    """{(client port, server port): (SYN frame, SYN/ACK frame, ACK frame)}
    by position in the file (1-based, as Wireshark numbers frames) for the
    connections listed; also the set of port pairs of any other TCP."""
    want = {(c["client_port"], c["server_port"]) for c in conns}
    order, others = {}, set()
    for n, r in enumerate(read_pcap(path), 1):
        if r["proto"] != 6 or "flags" not in r:
            continue
        fl = r["flags"]
        fwd = (r["sport"], r["dport"])
        key = fwd if fwd in want else (r["dport"], r["sport"])
        if key not in want:
            others.add(tuple(sorted(fwd)))
            continue
        o = order.setdefault(key, [None, None, None])
        if fl & 0x12 == 0x02 and key == fwd and o[0] is None:
            o[0] = n
        elif fl & 0x12 == 0x12 and key != fwd and o[1] is None:
            o[1] = n
        elif fl & 0x17 == 0x10 and key == fwd and o[2] is None \
                and r["payload"] == 0 and o[1] is not None:
            o[2] = n
    return {k: tuple(v) for k, v in order.items()}, others


REORDER_CONNECTIONS = 3


def body_reorder(rec):
    """dumpcap in the wire namespace captures what arrives on ws (from the
    server) and on wc (from the client): two interfaces, one pcapng file.
    dumpcap reads each interface in its own thread and writes packets as
    each interface's kernel buffer hands them over (TPACKET_V3 blocks,
    retired by a timer per socket), so the file is not in time order: the
    SYN/ACK that arrived on ws ~5 ms after the SYN arrived on wc is written
    first whenever ws's block is handed over first. With ws opened first
    that is most handshakes."""
    def body(v, d, tmp):
        # On this kernel dumpcap's first buffer block per interface never
        # reaches the file; a warm-up connection fills it. If it does reach
        # the file it is listed like the others (or the take is retried).
        (warm,) = rec.ports.take()
        rc, code = curl(v, warm, Servers.HTTP_PORT, "/index.html")
        if rc != 0 or code != "200":
            raise RuntimeError("warm-up curl failed rc=%d" % rc)
        time.sleep(1.5)
        conns = []
        for _ in range(REORDER_CONNECTIONS):
            (cp,) = rec.ports.take()
            rc, code = curl(v, cp, Servers.HTTP_PORT, "/index.html")
            if rc != 0 or code != "200":
                raise RuntimeError("curl failed rc=%d code=%s" % (rc, code))
            conns.append(conn("tcp", v, cp, Servers.HTTP_PORT, "http",
                              view("established", 1), view("established", 1),
                              request="GET /index.html", http_status=200))
            time.sleep(0.3)

        def later(caps):
            c_warm = conn("tcp", v, warm, Servers.HTTP_PORT, "http",
                          view("established", 1), view("established", 1),
                          request="GET /index.html", http_status=200,
                          warm_up=True)
            order, others = handshake_file_order(caps["middle"].path,
                                                 conns + [c_warm])
            if others:
                raise Retry("other TCP in the middle capture: %s" % others)
            listed = list(conns)
            if (warm, Servers.HTTP_PORT) in order:
                listed.insert(0, c_warm)
            reordered = 0
            for c in listed:
                o = order.get((c["client_port"], c["server_port"]))
                if o is None or None in o:
                    raise Retry("handshake of port %d incomplete in the "
                                "middle capture: %s" % (c["client_port"], o))
                syn, synack, ack = o
                c["views"]["middle"] = view(
                    "established", 1, handshake_frames={
                        "syn": syn, "synack": synack, "ack": ack},
                    synack_before_syn=synack < syn)
                reordered += synack < syn
            if not reordered:
                raise Retry("no SYN/ACK before its SYN in file order")
            return listed
        return later
    return body


# -- SSH ---------------------------------------------------------------------

SSH_PORT = 22    # the server namespace is private; 22 lets tshark decode ssh


class Sshd:
    def __init__(self, workdir):
        self.dir = os.path.join(workdir, "ssh")
        os.makedirs(self.dir, exist_ok=True)
        os.chmod(self.dir, 0o700)
        hk = os.path.join(self.dir, "host_ed25519")
        ck = os.path.join(self.dir, "client_ed25519")
        for k in (hk, ck):
            run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C",
                 "pktan-throwaway", "-f", k])
        ak = os.path.join(self.dir, "authorized_keys")
        shutil.copyfile(ck + ".pub", ak)
        cfg = os.path.join(self.dir, "sshd_config")
        with open(cfg, "w") as f:
            f.write("Port %d\nListenAddress 0.0.0.0\nListenAddress ::\n"
                    "HostKey %s\nPidFile %s/sshd.pid\n"
                    "AuthorizedKeysFile %s\nPermitRootLogin prohibit-password\n"
                    "PasswordAuthentication no\nKbdInteractiveAuthentication no\n"
                    "UsePAM no\nStrictModes no\nUseDNS no\nX11Forwarding no\n"
                    "PrintMotd no\n" % (SSH_PORT, hk, self.dir, ak))
        os.makedirs("/run/sshd", exist_ok=True)   # privilege separation dir
        self.key = ck
        self.p = spawn(NS_S, [which("sshd"), "-D", "-e", "-f", cfg],
                       stderr=open(os.path.join(self.dir, "sshd.log"), "w"))
        wait_listen(NS_S, SSH_PORT)
        self.version = first_line(["ssh", "-V"])

    def body(self, rec):
        def body(v, d, tmp):
            (cp,) = rec.ports.take()
            cmd = ["ssh", "-F", "/dev/null", "-i", self.key,
                   "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                   "-o", "StrictHostKeyChecking=no",
                   "-o", "UserKnownHostsFile=/dev/null",
                   "-o", "LogLevel=ERROR",
                   # nc binds the client port so the sidecar knows it exactly
                   "-o", "ProxyCommand=nc -p %d %%h %%p" % cp,
                   "-p", str(SSH_PORT), "root@" + ADDR[v]["server"], "true"]
            r = nsrun(NS_C, cmd, check=False, timeout=30)
            if r.returncode != 0:
                raise RuntimeError("ssh failed: %s" % r.stderr)
            return [conn("tcp", v, cp, SSH_PORT, "ssh",
                         view("established", 1), view("established", 1),
                         command="true", auth="publickey")]
        return body


# -- BitTorrent ------------------------------------------------------------------

BT_SEED_PORT = 6881      # Wireshark decodes BitTorrent on TCP 6881-6889
BT_LEECH_PORT = 6882
TRACKER_PORT = 6969


def transmission_settings(confdir, port, utp, bind4=None):
    os.makedirs(confdir, exist_ok=True)
    s = {"dht-enabled": True, "lpd-enabled": False, "pex-enabled": True,
         "utp-enabled": utp, "port-forwarding-enabled": False,
         "peer-port": port, "peer-port-random-on-start": False,
         "encryption": 0,            # prefer plaintext: decodable BitTorrent
         "blocklist-enabled": False, "speed-limit-up-enabled": False,
         "speed-limit-down-enabled": False, "ratio-limit-enabled": False,
         "message-level": 2, "rpc-enabled": False,
         "start-added-torrents": True}
    if bind4:
        s["bind-address-ipv4"] = bind4
    with open(os.path.join(confdir, "settings.json"), "w") as f:
        json.dump(s, f, indent=1)


def flows_to_conns(v, cap_client, cap_server, protocol_for):
    """Connections of a real implementation, as they appear on the wire."""
    cl = observed_flows(cap_client, ADDR[v]["client"])
    sv = observed_flows(cap_server, ADDR[v]["client"])
    conns = []
    keys_tcp = sorted(set(cl[0]) | set(sv[0]), key=lambda k: (k[1], k[3]))
    for k in keys_tcp:
        vw = {}
        for side, (tcp, _) in (("client", cl), ("server", sv)):
            if k in tcp:
                e = tcp[k]
                # half_open: SYN-ACK came back but the client never ACKed
                # it (e.g. Transmission aborting an announce at shutdown
                # answers the SYN-ACK with RST)
                out = ("established" if e["acked"] else "half_open") \
                    if e["synack"] else (
                        "refused" if e["rst"] else "unanswered")
                vw[side] = view(out, e["syn"])
            else:
                vw[side] = None
        proto = protocol_for("tcp", k)
        c = conn("tcp", v, k[1], k[3], proto, vw["client"], vw["server"],
                 ports_source="observed on the wire (chosen by the "
                              "implementation)")
        c["client"], c["server"] = k[0], k[2]
        conns.append(c)
    keys_udp = sorted(set(cl[1]) | set(sv[1]), key=lambda k: (k[1], k[3]))
    for k in keys_udp:
        vw = {}
        for side, (_, udp) in (("client", cl), ("server", sv)):
            if k in udp:
                e = udp[k]
                vw[side] = view("established" if e["answered"]
                                else "unanswered", 0,
                                client_datagrams=e["datagrams"])
            else:
                vw[side] = None
        proto = protocol_for("udp", k)
        c = conn("udp", v, k[1], k[3], proto, vw["client"], vw["server"],
                 ports_source="observed on the wire (chosen by the "
                              "implementation)")
        c["client"], c["server"] = k[0], k[2]
        conns.append(c)
    return conns


class BitTorrent:
    def __init__(self, workdir):
        self.dir = os.path.join(workdir, "bt")
        os.makedirs(self.dir, exist_ok=True)
        self.version = first_line(["transmission-cli", "--version"]).split(
            " (")[0]
        rnd = random.Random(6881)
        self.payload = bytes(rnd.getrandbits(8) for _ in range(48 * 1024))
        self.sha = hashlib.sha256(self.payload).hexdigest()
        self.tracker = spawn(NS_S, [PY, os.path.abspath(__file__),
                                    "--tracker", "--port", str(TRACKER_PORT),
                                    "--seed-port", str(BT_SEED_PORT)],
                             stdout=subprocess.PIPE,
                             stderr=open(os.path.join(self.dir,
                                                      "tracker.log"), "w"))
        if self.tracker.stdout.readline().decode().strip() != "ready":
            raise RuntimeError("tracker did not start")

    def _wait_file(self, path, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                with open(path, "rb") as f:
                    if hashlib.sha256(f.read()).hexdigest() == self.sha:
                        return True
            except OSError:
                pass
            time.sleep(0.2)
        return False

    def body(self, rec):
        def body(v, d, tmp):
            wd = os.path.join(self.dir, "v%d" % v)
            shutil.rmtree(wd, ignore_errors=True)   # fresh state per attempt
            os.makedirs(wd)
            seeddir = os.path.join(wd, "seed")
            os.makedirs(seeddir, exist_ok=True)
            fname = "pktan-payload-v%d.bin" % v
            with open(os.path.join(seeddir, fname), "wb") as f:
                f.write(self.payload)
            torrent = os.path.join(wd, "payload.torrent")
            host = ADDR[v]["server"] if v == 4 else "[%s]" % ADDR[v]["server"]
            run(["transmission-create", "-o", torrent, "-s", "16", "-t",
                 "http://%s:%d/announce" % (host, TRACKER_PORT),
                 os.path.join(seeddir, fname)])
            transmission_settings(os.path.join(wd, "seedconf"), BT_SEED_PORT,
                                  True)
            seed = spawn(NS_S, ["transmission-cli", "-g",
                                os.path.join(wd, "seedconf"), "-w", seeddir,
                                "-p", str(BT_SEED_PORT), "-M", "-et", "-v",
                                torrent],
                         stdout=open(os.path.join(wd, "seed.log"), "w"),
                         stderr=subprocess.STDOUT)
            wait_listen(NS_S, BT_SEED_PORT)
            time.sleep(3)       # verify + first announce as seed
            results = []
            # leecher 1: TCP only; leecher 2: uTP preferred (falls back to TCP)
            # Transmission 3.00 opens its IPv6 UDP socket (uTP and DHT) only
            # when the host has a global IPv6 address, which these private
            # namespaces do not: over IPv6 only the TCP leecher can work.
            leechers = ((1, False), (2, True)) if v == 4 else ((1, False),)
            for i, utp in leechers:
                ld = os.path.join(wd, "leech%d" % i)
                os.makedirs(ld, exist_ok=True)
                conf = os.path.join(wd, "leechconf%d" % i)
                # leecher 2 uses the second client address: the seed must
                # not take it for leecher 1, which has become a seed by then
                transmission_settings(conf, BT_LEECH_PORT + i - 1, utp,
                                      ADDR[4]["client2"] if i == 2 else None)
                lp = spawn(NS_C, ["transmission-cli", "-g", conf, "-w", ld,
                                  "-p", str(BT_LEECH_PORT + i - 1), "-M",
                                  "-et", torrent],
                           stdout=open(os.path.join(wd, "leech%d.log" % i),
                                       "w"), stderr=subprocess.STDOUT)
                ok = self._wait_file(os.path.join(ld, fname), 45)
                time.sleep(1.5)
                stop(lp, signal.SIGINT, timeout=20)
                results.append(ok)
                if not ok:
                    stop(seed, signal.SIGINT)
                    raise Retry("BitTorrent leecher %d (uTP %s) did not "
                                "finish" % (i, "on" if utp else "off"))
            stop(seed, signal.SIGINT, timeout=20)

            def later(caps):
                def proto(tr, k):
                    ports = (k[1], k[3])
                    if TRACKER_PORT in ports:
                        return "http"
                    if tr == "tcp":
                        return "bittorrent"
                    # uTP and DHT share each peer's UDP socket: a flow can
                    # carry both; name the main one (uTP leecher = 6883)
                    return "bt-utp" if BT_LEECH_PORT + 1 in ports else \
                        "bt-dht"
                return flows_to_conns(v, caps["client"].path,
                                      caps["server"].path, proto)
            return later
        return body


# -- RDP -----------------------------------------------------------------------

RDP_PORT = 3389


def make_cert(dirpath, cn):
    key = os.path.join(dirpath, "key.pem")
    cert = os.path.join(dirpath, "cert.pem")
    run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
         "-keyout", key, "-out", cert, "-days", "3650", "-subj",
         "/CN=%s" % cn])
    return cert, key


class Rdp:
    def __init__(self, workdir):
        self.dir = os.path.join(workdir, "rdp")
        os.makedirs(self.dir, exist_ok=True)
        self.cert, self.key = make_cert(self.dir, "pktan-rdp-throwaway")
        ini = open("/etc/xrdp/xrdp.ini").read()
        out = []
        for line in ini.splitlines():
            if line.startswith("certificate="):
                line = "certificate=" + self.cert
            elif line.startswith("key_file="):
                line = "key_file=" + self.key
            elif line.startswith("fork="):
                line = "fork=false"
            elif line.startswith("port=3389"):
                line = "port=tcp6://:3389"
            elif line.startswith("security_layer="):
                line = "security_layer=tls"
            out.append(line)
        self.ini = os.path.join(self.dir, "xrdp.ini")
        with open(self.ini, "w") as f:
            f.write("\n".join(out) + "\n")
        self.version = first_line(["xrdp", "--version"])
        self.fversion = first_line(["xfreerdp", "--version"])
        self.xvfb = spawn(NS_C, ["Xvfb", ":73", "-nolisten", "tcp",
                                 "-screen", "0", "800x600x16"],
                          stderr=open(os.path.join(self.dir, "xvfb.log"), "w"))
        time.sleep(1.0)
        self.xrdp = None

    def start_xrdp(self):
        if os.path.exists("/run/xrdp/xrdp.pid"):
            os.unlink("/run/xrdp/xrdp.pid")
        os.makedirs("/run/xrdp/sockdir", exist_ok=True)
        self.xrdp = spawn(NS_S, ["xrdp", "-n", "-c", self.ini],
                          stdout=open(os.path.join(self.dir, "xrdp.log"), "a"),
                          stderr=subprocess.STDOUT)
        wait_listen(NS_S, RDP_PORT)

    def body(self, rec):
        def body(v, d, tmp):
            self.start_xrdp()
            env = dict(os.environ, DISPLAY=":73", HOME=self.dir)
            # FreeRDP 2 wants "/v:[v6-literal]" plus a separate /port:
            cmd = ["xfreerdp", "/v:%s" % (ADDR[v]["server"] if v == 4 else
                                          "[%s]" % ADDR[v]["server"]),
                   "/port:%d" % RDP_PORT, "/u:pktan", "/p:throwaway", "/cert:ignore",
                "/sec:tls", "/size:640x480", "/bpp:16", "-wallpaper",
                "/log-level:ERROR"]
            p = spawn(NS_C, cmd, env=env,
                      stdout=open(os.path.join(self.dir, "xfreerdp.log"), "a"),
                      stderr=subprocess.STDOUT)
            time.sleep(4)
            stop(p, signal.SIGTERM)
            time.sleep(0.5)
            stop(self.xrdp, signal.SIGTERM)

            def later(caps):
                return flows_to_conns(
                    v, caps["client"].path, caps["server"].path,
                    lambda tr, k: "rdp" if RDP_PORT in (k[1], k[3]) else None)
            return later
        return body


# ---------------------------------------------------------------------------

TABLE_BEGIN = "<!-- corpus-table:begin (generated by record.py) -->"
TABLE_END = "<!-- corpus-table:end -->"


def update_readme(outdir):
    """Rewrite the capture table in README.md from the sidecars present."""
    readme = os.path.join(outdir, "README.md")
    if not os.path.exists(readme):
        return
    rows = []
    for n in sorted(os.listdir(outdir)):
        if not n.endswith(".json"):
            continue
        with open(os.path.join(outdir, n)) as f:
            m = json.load(f)
        if "capture" not in m:
            continue
        outs = sorted({c["outcome"] for c in m["connections"]})
        rows.append("| `%s` | %s | %s | IPv%d | %s ms | %d | %s | %s |" % (
            m["capture"], m.get("scenario", "?"), m["side"], m["ip_version"],
            m["one_way_delay_ms"], m.get("packets", 0),
            ", ".join(m["protocols"]) or "-", ", ".join(outs)))
    table = "\n".join(
        [TABLE_BEGIN,
         "| capture | scenario | side | IP | one-way delay | packets | "
         "protocols | outcomes |",
         "| --- | --- | --- | --- | --- | --- | --- | --- |"] + rows +
        [TABLE_END])
    text = open(readme).read()
    a, b = text.find(TABLE_BEGIN), text.find(TABLE_END)
    if a < 0 or b < 0:
        return
    text = text[:a] + table + text[b + len(TABLE_END):]
    with open(readme, "w") as f:
        f.write(text)


def clean_outdir(outdir):
    for n in os.listdir(outdir):
        if n.endswith(".pcap") or n.endswith(".pcapng") or \
                (n.endswith(".json") and n != "index.json"):
            os.unlink(os.path.join(outdir, n))


def main_record(args):
    if os.geteuid() != 0:
        sys.exit("record.py must run as root (network namespaces, tcpdump)")
    ensure_packages()
    outdir = os.path.abspath(args.outdir)
    os.makedirs(outdir, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="pktan-record-")
    os.chmod(workdir, 0o755)

    def on_signal(signum, frame):
        raise SystemExit("interrupted by signal %d" % signum)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    only = set(args.only.split(",")) if args.only else None
    want = lambda s: only is None or s in only
    try:
        setup_topology()
        if only is None:
            clean_outdir(outdir)
        rec = Recorder(outdir, workdir)
        srv = Servers(workdir)
        py = first_line([PY, "--version"])
        cu = " ".join(first_line(["curl", "--version"]).split()[:2])
        kern = "Linux %s" % os.uname().release
        gen_http = "%s http.server + %s" % (py, cu)
        for v in (4, 6):
            if want("http"):
                for d in (5, 40):
                    rec.record("http", v, d, body_http(
                        rec, ["/index.html", "/data.bin", "/index.html"]),
                        ["http"], gen_http)
            if want("port-reuse"):
                rec.record("port-reuse", v, 5, body_port_reuse(rec), ["http"],
                           gen_http, notes="two connections from the same "
                           "client port to the same server port, 0.5 s apart")
            if v == 4 and want("tunnels"):
                tunnels_up()
                try:
                    rec.record("tunnels", v, 5, body_tunnels(rec), ["http"],
                               gen_http + "; %s VXLAN" % kern,
                               notes="one HTTP GET over VXLAN VNI 42 on UDP "
                                     "4789 (inner 10.99.30.0/24); addresses "
                                     "in connections are the inner ones")
                finally:
                    tunnels_down()
            if want("syn-retry"):
                rec.record("syn-retry", v, 5, body_syn_retry(rec), ["http"],
                           gen_http, drop_first_syn=Servers.HTTP_PORT)
            if want("closed"):
                rec.record("closed", v, 5, body_refused(rec, 8081), [],
                           "%s client; %s TCP stack (closed port answers RST)"
                           % (cu, kern))
            if want("reject-rst"):
                iptables(v, ["-A", "INPUT", "-p", "tcp", "--dport", "8082",
                             "-j", "REJECT", "--reject-with", "tcp-reset"])
                rec.record("reject-rst", v, 5, body_refused(rec, 8082), [],
                           "%s client; %s iptables REJECT --reject-with "
                           "tcp-reset" % (cu, "ip6tables" if v == 6 else
                                          "iptables"),
                           notes="server has %s INPUT -p tcp --dport 8082 -j "
                                 "REJECT --reject-with tcp-reset" %
                                 ("ip6tables" if v == 6 else "iptables"))
                flush_filters()
            rej = "icmp-port-unreachable" if v == 4 else "icmp6-port-unreachable"
            ipt = "iptables" if v == 4 else "ip6tables"
            if want("reject-icmp"):
                for proto, port in (("tcp", 8083), ("udp", 9083)):
                    iptables(v, ["-A", "INPUT", "-p", proto, "--dport",
                                 str(port), "-j", "REJECT", "--reject-with",
                                 rej])
                rec.record("reject-icmp", v, 5, body_icmp_reject(
                    rec, 8083, 9083), [],
                    "%s (TCP) and python socket (UDP) clients; %s REJECT "
                    "--reject-with %s" % (cu, ipt, rej),
                    notes="server rejects tcp/8083 and udp/9083 with %s" % rej)
                flush_filters()
            if want("drop"):
                iptables(v, ["-A", "INPUT", "-p", "tcp", "--dport", "8084",
                             "-j", "DROP"])
                rec.record("drop", v, 5, body_drop(rec, 8084), [],
                           "%s; %s DROP" % (cu, ipt),
                           notes="server drops tcp/8084; the client namespace "
                                 "has tcp_syn_retries=%d so it sends %d SYNs "
                                 "and gives up" % (CLIENT_SYN_RETRIES,
                                                   UNANSWERED_SYNS))
                flush_filters()
            if want("icmp-lost"):
                for proto, port in (("tcp", 8085), ("udp", 9085)):
                    iptables(v, ["-A", "INPUT", "-p", proto, "--dport",
                                 str(port), "-j", "REJECT", "--reject-with",
                                 rej])
                rec.record("icmp-lost", v, 5, body_icmp_lost(rec, 8085, 9085),
                           [], "%s and python socket clients; %s REJECT "
                           "--reject-with %s; wire drops the ICMP errors" %
                           (cu, ipt, rej), drop_icmp_errors=True,
                           notes="the server answers with ICMP port "
                                 "unreachable, the wire drops those errors "
                                 "so the client only retransmits")
                flush_filters()
            if want("vlan"):
                tags = vlan_up(workdir)
                try:
                    rec.record("vlan", v, 5, body_http(
                        rec, ["/index.html", "/index.html"]), ["http"],
                        gen_http + "; tags pushed/popped by %s tc (tcx) eBPF "
                        "programs calling bpf_skb_vlan_push/pop" % kern,
                        wire_opts={"strip_vlan": True},
                        side_meta=VLAN_SIDE_META,
                        notes="client link: 802.1Q trunk, VLAN %d; server "
                              "link: QinQ, 802.1ad S-VLAN %d outside 802.1Q "
                              "C-VLAN %d; each host's own interface tags and "
                              "untags (no 8021q module here), the wire "
                              "strips and re-tags like a switch" % (
                                  VLAN_C, VLAN_S_OUTER, VLAN_C))
                finally:
                    vlan_down(tags)
            if want("gre"):
                mirror_up()
                try:
                    rec.record(
                        "gre", v, 5, with_middle(body_http(
                            rec, ["/index.html", "/index.html"])), ["http"],
                        gen_http + "; GRE mirror copies built by record.py's "
                        "wire", wire_opts={"mirror_gre": IF_WM},
                        middle=lambda tmp: Tcpdump(
                            NS_W, IF_M, os.path.join(tmp, "middle.pcap"),
                            os.path.join(tmp, "tcpdump-m.log")),
                        sides=("middle",),
                        side_meta={"middle": {
                            "link": "remote mirror over GRE: every frame "
                                    "the wire receives from %s or %s, "
                                    "encapsulated in IPv4 %s -> %s, GRE "
                                    "protocol 0x6558 (Transparent Ethernet "
                                    "Bridging)" % (IF_WC, IF_WS,
                                                   MIRROR["src"],
                                                   MIRROR["dst"]),
                            "outer": {"src": MIRROR["src"],
                                      "dst": MIRROR["dst"],
                                      "gre_protocol": "0x6558"}}},
                        notes="captured at the mirror's collector port m0: "
                              "the connections are real (curl and "
                              "http.server through the wire), the GRE/IPv4 "
                              "encapsulation is written by the wire (this "
                              "kernel has no GRE); client/server addresses "
                              "are the inner ones")
                finally:
                    mirror_down()
            if want("reorder"):
                rec.record(
                    "reorder", v, 5, body_reorder(rec), ["http"],
                    gen_http + "; " + first_line(["dumpcap", "--version"]),
                    middle=lambda tmp: Dumpcap(
                        NS_W, [(IF_WS, "inbound"), (IF_WC, "inbound")],
                        os.path.join(tmp, "middle.pcapng"),
                        os.path.join(tmp, "dumpcap.log")),
                    sides=("middle",), attempts=4,
                    side_meta={"middle": {
                        "capture_tool": "dumpcap -i %s -f inbound -i %s -f "
                                        "inbound (interface 0: from the "
                                        "server, 1: from the client)" % (
                                            IF_WS, IF_WC),
                        "file_order": "per interface buffer, not time "
                                      "order"}},
                    notes="captured in the wire namespace on both wire "
                          "ports, each packet once (as it arrives); the "
                          "file is in the order dumpcap got the packets "
                          "from the two interfaces, so SYN/ACKs come "
                          "before their SYNs (see handshake_frames)")
        if want("ssh") and not (which("sshd") and which("nc")):
            log("WARNING: sshd/nc unavailable, ssh skipped")
        elif want("ssh"):
            sshd = Sshd(workdir)
            for v in (4, 6):
                rec.record("ssh", v, 5, sshd.body(rec), ["ssh"],
                           "%s (client and sshd, key auth)" % sshd.version)
            stop(sshd.p)
        if want("bittorrent") and not (which("transmission-cli") and
                                       which("transmission-create")):
            log("WARNING: transmission-cli unavailable, bittorrent skipped")
        elif want("bittorrent"):
            bt = BitTorrent(workdir)
            for v in (4, 6):
                # Transmission's uTP transfers stall now and then: retry
                rec.record("bittorrent", v, 5, bt.body(rec),
                           ["bittorrent", "bt-utp", "bt-dht", "http"]
                           if v == 4 else ["bittorrent", "http"],
                           "%s (seed and leechers) + python HTTP tracker"
                           % bt.version,
                           notes=("leecher 1 has uTP disabled (BitTorrent "
                                  "over TCP to port %d), leecher 2 has uTP "
                                  "enabled (BitTorrent over uTP to UDP %d) "
                                  "and runs from the second client address "
                                  "10.99.0.3; "
                                  "DHT pings between the peers' UDP ports; "
                                  "the tracker (HTTP, port %d) is a small "
                                  "python tracker; LPD off, encryption "
                                  "tolerated (plaintext preferred). tshark "
                                  "needs --enable-heuristic bt_utp_udp to "
                                  "show bt-utp" % (BT_SEED_PORT, BT_SEED_PORT,
                                                   TRACKER_PORT)) if v == 4
                           else ("one leecher over TCP to port %d; no uTP/DHT:"
                                 " Transmission 3.00 opens its IPv6 UDP socket"
                                 " only when the host has a global IPv6 "
                                 "address, which the private namespaces do "
                                 "not have; tracker: small python HTTP "
                                 "tracker on port %d" % (BT_SEED_PORT,
                                                         TRACKER_PORT)),
                           attempts=4)
        if want("rdp") and not all(which(c) for c in ("xrdp", "xfreerdp",
                                                      "Xvfb", "openssl")):
            log("WARNING: xrdp/xfreerdp/Xvfb unavailable, rdp skipped")
        elif want("rdp"):
            rdp = Rdp(workdir)
            for v in (4, 6):
                rec.record("rdp", v, 5, rdp.body(rec), ["rdp"],
                           "%s server + %s client (Xvfb), TLS security" %
                           (rdp.version, rdp.fversion))
        update_readme(outdir)
        log("done: %d captures in %s" % (len(rec.index), outdir))
    finally:
        teardown()
        if not args.keep_workdir:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            log("work files kept in", workdir)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--outdir", default=HERE)
    ap.add_argument("--only", help="comma-separated scenarios (testing)")
    ap.add_argument("--keep-workdir", action="store_true")
    ap.add_argument("--wire", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--delay-ms", type=float, default=5)
    ap.add_argument("--drop-first-syn", type=int)
    ap.add_argument("--drop-icmp-errors", action="store_true")
    ap.add_argument("--stats")
    ap.add_argument("--strip-vlan", action="store_true")
    ap.add_argument("--mirror-gre")
    ap.add_argument("--vlan-tags", nargs="+", help=argparse.SUPPRESS)
    ap.add_argument("--tracker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int)
    ap.add_argument("--seed-port", type=int)
    args = ap.parse_args()
    if args.wire:
        wire_main(args)
    elif args.vlan_tags:
        vlan_tags_main(args)
    elif args.tracker:
        tracker_main(args)
    else:
        main_record(args)


if __name__ == "__main__":
    main()
