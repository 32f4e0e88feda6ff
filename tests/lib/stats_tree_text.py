"""Reading a stats tree's text output (tshark -z NAME,tree): the Count of
every node by its path of names."""


def tree_counts(user, path, zarg):
    """{(name at depth 1, name at depth 2, ...): Count} from a stats tree's
    text output; names may hold spaces, the Count column starts where its
    header does."""
    proc = user.tshark("-r", path, "-q", "-z", zarg)
    assert proc.returncode == 0, proc.stderr
    return parse_tree_text(proc.stdout)


def report_and_tree_counts(user, path, zarg, tree):
    """(the text of pktan report zarg, tree_counts of stats tree tree) of
    path from one tshark run (WiresharkUser.reports_of_one_run): the report
    tests check a report's dialog tree against the report itself."""
    (text,), stdout = user.reports_of_one_run(path, [zarg], "-z", tree)
    return text, parse_tree_text(stdout)


def parse_tree_text(text):
    """The counts of tree_counts from the text itself: tshark's output, or
    what Wireshark's statistics dialogs copy to the clipboard (the same
    plain-text format)."""
    counts, trail, count_at, in_body = {}, [], None, False
    for line in text.splitlines():
        if line.startswith("Topic / Item"):
            count_at = line.index("Count")
        elif line.startswith("---"):
            in_body = not in_body
        elif in_body and line.strip():
            depth = len(line) - len(line.lstrip(" "))
            name = line[:count_at].strip()
            trail = trail[:max(depth - 1, 0)] + [name]
            if depth > 0:  # depth 0 is the root
                counts[tuple(trail)] = int(line[count_at:].split()[0])
    return counts


def parse_tree_sections(text):
    """[(title, counts)] of every tree in one tshark's output (several -z
    NAME,tree options), in the order printed. Each tree is a section that
    starts with a line of "=" and its title ("IPv4 Statistics/Destinations
    and Ports:"; 4.4 writes "IPv4 Statistics / Destinations and Ports:")."""
    sections, lines = [], text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("====") and i + 1 < len(lines):
            sections.append([lines[i + 1].rstrip(":"), []])
        elif sections:
            sections[-1][1].append(line)
    return [(title, parse_tree_text("\n".join(body))) for title, body in sections]
