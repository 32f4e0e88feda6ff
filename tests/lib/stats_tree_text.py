"""Reading a stats tree's text output (tshark -z NAME,tree): the Count of
every node by its path of names."""


def tree_counts(user, path, zarg):
    """{(name at depth 1, name at depth 2, ...): Count} from a stats tree's
    text output; names may hold spaces, the Count column starts where its
    header does."""
    proc = user.tshark("-r", path, "-q", "-z", zarg)
    assert proc.returncode == 0, proc.stderr
    return parse_tree_text(proc.stdout)


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
