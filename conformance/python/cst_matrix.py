#!/usr/bin/env python3
"""Side-by-side feature matrix from caldav-server-tester `--format hints` outputs.

usage: cst_matrix.py [--markdown FILE] [--tolerate "PATTERN ..."] [--title TEXT] [--incomplete NAME]...
                     TARGET=HINTS_FILE [REFERENCE=HINTS_FILE ...]

Each HINTS_FILE is what `caldav-server-tester --format hints` printed: a Python dict literal
{feature: {'support': LEVEL, 'behaviour': TEXT, ...}} (some features carry a 'value' instead of
a 'support' level). A missing, empty or unparsable file means that server gave no result; --incomplete NAME says
that the tester stopped with an error on NAME, so its (partial) result fails the run too.

Prints one row per feature (feature, then the level on each server; "—" = not reported), then
every feature that a REFERENCE supports 'full' but TARGET does not (a regression), with what the
tester saw on TARGET. Features matching a --tolerate pattern (shell-style, e.g. "scheduling*")
are listed but not counted. --markdown writes the same matrix, the per-server notes (the
tester's 'behaviour' text for every feature that is not 'full') and the regressions to FILE.

The last line on stdout is a one-line summary. Exit status: 0 if there are no regressions and
every server gave a result, 1 otherwise, 2 on bad usage. Standard library only.
"""
import argparse
import ast
import collections
import datetime as dt
import fnmatch
import sys

MISSING = "—"


def load(path):
    """The hints dict from PATH, or None (with the reason on stderr)."""
    try:
        text = open(path, encoding="utf-8").read()
    except OSError as e:
        print(f"{path}: {e}", file=sys.stderr)
        return None
    start = text.find("{")
    if start < 0:
        print(f"{path}: no hints dict in the output", file=sys.stderr)
        return None
    try:
        data = ast.literal_eval(text[start:].strip())
    except (ValueError, SyntaxError) as e:
        print(f"{path}: cannot parse the hints output: {e}", file=sys.stderr)
        return None
    if not isinstance(data, dict):
        print(f"{path}: the hints output is not a dict", file=sys.stderr)
        return None
    return data


def level(entry):
    """A feature's support level, 'value=…' for value features, MISSING if not reported."""
    if entry is None:
        return MISSING
    if not isinstance(entry, dict):
        return str(entry)
    if "support" in entry:
        return str(entry["support"])
    if "value" in entry:
        return f"value={entry['value']}"
    return "?"


def note(entry):
    """The tester's explanation of what it saw, if any."""
    if not isinstance(entry, dict):
        return ""
    return str(entry.get("behaviour") or entry.get("description") or "")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--markdown", help="also write the matrices to this markdown file")
    ap.add_argument("--tolerate", default="", help="space-separated feature patterns not counted as regressions")
    ap.add_argument("--title", default="caldav-server-tester feature matrix")
    ap.add_argument("--incomplete", action="append", default=[], metavar="NAME",
                    help="the tester stopped with an error on this server (may be repeated)")
    ap.add_argument("servers", nargs="+", metavar="NAME=HINTS_FILE")
    args = ap.parse_args()

    names, data = [], {}
    for spec in args.servers:
        name, sep, path = spec.partition("=")
        if not sep or not name or not path:
            ap.error(f"expected NAME=HINTS_FILE, got {spec!r}")
        names.append(name)
        data[name] = load(path)
    target, refs = names[0], names[1:]
    tolerate = args.tolerate.split()

    features = sorted({f for d in data.values() if d for f in d})
    width = max([len(f) for f in features] + [7])
    colw = max([len(n) for n in names] + [11])

    regressions, tolerated = [], []
    t = data[target] or {}
    for f in features:
        full_on = [r for r in refs if data[r] and level(data[r].get(f)) == "full"]
        if full_on and level(t.get(f)) != "full" and data[target] is not None:
            (tolerated if any(fnmatch.fnmatchcase(f, p) for p in tolerate) else regressions).append((f, full_on))

    # --- the matrix on stdout -------------------------------------------------------------
    flagged = {f for f, _ in regressions}
    print(f"{'feature':<{width}}  " + "  ".join(f"{n:<{colw}}" for n in names))
    print("-" * (width + (colw + 2) * len(names)))
    for f in features:
        cells = "  ".join(f"{level((data[n] or {}).get(f)) if data[n] is not None else 'no result':<{colw}}" for n in names)
        mark = "  <-- " + target + " not full" if f in flagged else ""
        print(f"{f:<{width}}  {cells}{mark}".rstrip())
    print()
    counts = {}
    for n in names:
        if data[n] is None:
            counts[n] = "no result"
            print(f"{n}: NO RESULT (the tester did not run to the end; see its stderr above)")
            continue
        c = collections.Counter(level(v) if isinstance(v, dict) and "support" in v else "value" for v in data[n].values())
        full = c.get("full", 0)
        counts[n] = f"{full}/{len(data[n])} full" + (" (incomplete)" if n in args.incomplete else "")
        print(f"{n}: {len(data[n])} features: " + ", ".join(f"{k}={v}" for k, v in c.most_common())
              + ("  — INCOMPLETE: the tester stopped with an error (see its stderr above)" if n in args.incomplete else ""))

    def explain(f, full_on):
        e = t.get(f)
        what = note(e)
        return f"{f}: {target} {level(e)}" + (f" ({what})" if what else "") + f"; full on {', '.join(full_on)}"

    if regressions:
        print(f"\n{len(regressions)} feature(s) full on a reference server but not on {target}:")
        for f, full_on in regressions:
            print("  " + explain(f, full_on))
    if tolerated:
        print(f"\n{len(tolerated)} tolerated (CST_TOLERATE) feature(s) not full on {target}:")
        for f, full_on in tolerated:
            print("  " + explain(f, full_on))

    # --- markdown -------------------------------------------------------------------------
    if args.markdown:
        md = [f"### {args.title}", "", f"Run {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC. "
              + "; ".join(f"{n}: {counts[n]}" for n in names) + ".", ""]
        md.append("| feature | " + " | ".join(names) + " |")
        md.append("|---|" + "---|" * len(names))
        for f in features:
            cells = []
            for n in names:
                lv = level((data[n] or {}).get(f)) if data[n] is not None else "no result"
                cells.append(f"**{lv}**" if n == target and f in flagged else lv)
            md.append(f"| `{f}` | " + " | ".join(cells) + " |")
        md.append("")
        md.append(f"#### Full on a reference server, not on {target}")
        md.append("")
        if regressions:
            md += [f"- `{f}`: {level(t.get(f))}" + (f" — {note(t.get(f))}" if note(t.get(f)) else "")
                   + f" (full on {', '.join(o)})" for f, o in regressions]
        else:
            md.append("None.")
        if tolerated:
            md += ["", "Tolerated (`CST_TOLERATE`):", ""]
            md += [f"- `{f}`: {level(t.get(f))}" + (f" — {note(t.get(f))}" if note(t.get(f)) else "")
                   + f" (full on {', '.join(o)})" for f, o in tolerated]
        for n in names:
            md += ["", f"#### What the tester saw on {n} (features that are not `full`)", ""]
            if data[n] is None:
                md.append("No result.")
                continue
            rows = [(f, e) for f, e in sorted(data[n].items()) if isinstance(e, dict) and "support" in e and e["support"] != "full"]
            md += [f"- `{f}`: {e['support']}" + (f" — {note(e)}" if note(e) else "") for f, e in rows] or ["All full."]
        with open(args.markdown, "w", encoding="utf-8") as fh:
            fh.write("\n".join(md).replace("\r", "") + "\n")

    bad = [n for n in names if data[n] is None or n in args.incomplete]
    line = f"caldav-server-tester: {target} " + counts[target]
    if refs:
        line += " (" + ", ".join(f"{r} {counts[r]}" for r in refs) + ")"
        if data[target] is not None:
            line += f"; {len(regressions)} regression(s)"
    if tolerated:
        line += f", {len(tolerated)} tolerated"
    if bad:
        line += "; no (complete) result from " + ", ".join(bad)
    print()
    print(line + (" — FAILED" if regressions or bad else ""))
    return 1 if regressions or bad else 0


if __name__ == "__main__":
    sys.exit(main())
