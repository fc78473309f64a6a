#!/usr/bin/env python3
"""Checks a compile_commands.json written by kbmake --compdb against what really ran.

  compdb_check.py DB.json [--cmd-root DIR]... [--execve STRACE.txt] [--same-as OTHER.json]

--cmd-root DIR  every `source_TARGET := SOURCE` line of the .*.cmd files under DIR (Kbuild's
                fixdep writes one per compile; lines whose SOURCE has no C/C++/assembler
                suffix, like vmlinux's link script, are left out) must be an entry with
                output TARGET and file
                SOURCE, and every entry whose output has a .cmd file with a source_ line
                must match it.
--execve FILE   `strace -f -e trace=execve -s 4096` output of the same build: the successful
                execve()s of a compiler (basename gcc, cc, clang, g++, c++, clang++, with a
                target prefix and/or version suffix) with a source file argument, one per
                source, must be the entries (file and full argv) as a multiset. Compiler runs
                on /dev/null or standard input (Kbuild's $(shell) probes) and -E without -o
                (preprocessing into a pipe) are not compiles and are left out.
--same-as FILE  the same multiset of (directory, file, output, arguments) as FILE (e.g. a
                -n -B run against the real one).
Prints a summary and the differences; exit status 1 if any check failed.
"""
import argparse, collections, json, os, re, sys

SRC = re.compile(r"\.(c|cc|cp|cpp|cxx|c\+\+|C|CPP|i|ii|s|S|sx|m|mm|mi|mii|M)$")
COMP = re.compile(r"^(.*-)?(gcc|cc|clang|g\+\+|c\+\+|clang\+\+)(-[0-9.]+)?$")
TAKES_ARG = {"-o", "-x", "-MF", "-MT", "-MQ", "-MJ", "-include", "-imacros", "-isystem",
             "-idirafter", "-iprefix", "-iwithprefix", "-iwithprefixbefore", "-iquote",
             "-isysroot", "-I", "-D", "-U", "-L", "-T", "-Xassembler", "-Xpreprocessor",
             "-Xlinker", "-Xclang", "-aux-info", "--param", "-arch", "-target", "-z", "-u",
             "-e", "-l", "--sysroot", "-gcc-toolchain", "-mllvm", "-specs"}


def sources(argv):
    out, lang, k = [], False, 1
    while k < len(argv):
        a = argv[k]
        if len(a) > 1 and a[0] == "-":
            if a == "-x" and k + 1 < len(argv):
                lang = argv[k + 1] != "none"
            if a in TAKES_ARG:
                k += 1
        elif a != "-" and (SRC.search(a) or lang):
            out.append(a)
        k += 1
    return out


def probe(src):
    return src in ("/dev/null", "-")


def output_of(argv):
    for k, a in enumerate(argv):
        if a == "-o" and k + 1 < len(argv):
            return argv[k + 1]
    return ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("--cmd-root", action="append", default=[])
    ap.add_argument("--execve")
    ap.add_argument("--same-as")
    a = ap.parse_args()
    db = json.load(open(a.db))
    failed = False
    for e in db:
        for k in ("directory", "file"):
            if k not in e:
                print("entry without", k, e); failed = True
        if "arguments" not in e and "command" not in e:
            print("entry without arguments or command", e); failed = True
        if "command" in e:
            print("note: entry with a command (not all words fixed):", e["file"])
    print(f"{a.db}: {len(db)} entries, {len(set(e['file'] for e in db))} distinct sources")

    if a.cmd_root:
        want = {}
        for root in a.cmd_root:
            for d, _, files in os.walk(root):
                for f in files:
                    if not (f.startswith(".") and f.endswith(".cmd")):
                        continue
                    for line in open(os.path.join(d, f), errors="replace"):
                        m = re.match(r"^source_(\S+) := (.*)$", line.rstrip("\n"))
                        if m and SRC.search(m.group(2)):
                            want[m.group(1)] = m.group(2)
                        elif m:
                            # e.g. vmlinux := scripts/link-vmlinux.sh: not a compile
                            print(f"note: source_ line of a non-source left out: "
                                  f"{m.group(1)} := {m.group(2)}")
        have = {}
        for e in db:
            have.setdefault(e.get("output", ""), set()).add(e["file"])
        missing = sorted(t for t, s in want.items() if s not in have.get(t, ()))
        extra = sorted((o, f) for o, fs in have.items() for f in fs
                       if o in want and want[o] != f)
        print(f".cmd source_ lines: {len(want)}; missing from the db: {len(missing)}; "
              f"db entries contradicting them: {len(extra)}")
        others = sorted(o for o in have if o not in want)
        print(f"db entries whose output has no source_ line: {len(others)}",
              (others[:20] if others else ""))
        for t in missing[:30]:
            print("  missing:", t, ":=", want[t])
        for x in extra[:30]:
            print("  contradicting:", x)
        failed |= bool(missing or extra)

    if a.execve:
        runs = collections.Counter()
        nexec = 0
        pat = re.compile(r'^(\d+)\s+execve\("((?:[^"\\]|\\.)*)", \[(.*)\], (.*)$')
        resumed = re.compile(r'^(\d+)\s+<\.\.\. execve resumed>.*\)\s*= 0')
        pending = {}  # pid -> the argv text of an execve strace printed as <unfinished ...>
        done = []
        for line in open(a.execve, errors="replace"):
            line = line.rstrip("\n")
            m = pat.match(line)
            if m:
                if m.group(4).endswith("<unfinished ...>"):
                    pending[m.group(1)] = m.group(3)
                elif re.search(r"\)\s*= 0$", m.group(4)):
                    done.append(m.group(3))
                continue
            m = resumed.match(line)
            if m and m.group(1) in pending:
                done.append(pending.pop(m.group(1)))
        for argv_text in done:
            # argv: "a", "b", ... (C escapes inside)
            argv = [bytes(s, "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8", "replace")
                    for s in re.findall(r'"((?:[^"\\]|\\.)*)"', argv_text)]
            if not argv or not COMP.match(os.path.basename(argv[0])):
                continue
            nexec += 1
            if "-E" in argv and not output_of(argv):
                continue  # preprocessing to standard output: not a compile
            for s in sources(argv):
                if not probe(s):
                    runs[(s, tuple(argv))] += 1
        have = collections.Counter()
        for e in db:
            if "arguments" in e:
                have[(e["file"], tuple(e["arguments"]))] += 1
            else:
                have[(e["file"], ("<command>", e["command"]))] += 1
        miss = runs - have
        extra = have - runs
        print(f"execve: {nexec} compiler runs, {sum(runs.values())} source compiles "
              f"(probes on /dev/null or stdin left out); missing from the db: "
              f"{sum(miss.values())}; in the db but never run: {sum(extra.values())}")
        for (s, argv), n in list(miss.items())[:20]:
            print("  missing:", s, " ".join(argv)[:300])
        for (s, argv), n in list(extra.items())[:20]:
            print("  not run:", s, " ".join(argv)[:300])
        failed |= bool(miss or extra)

    if a.same_as:
        other = json.load(open(a.same_as))
        key = lambda e: (e["directory"], e["file"], e.get("output", ""),
                         tuple(e.get("arguments", [])), e.get("command", ""))
        c1, c2 = collections.Counter(map(key, db)), collections.Counter(map(key, other))
        print(f"same as {a.same_as}: only here {sum((c1 - c2).values())}, "
              f"only there {sum((c2 - c1).values())}")
        for k in list((c1 - c2))[:10]:
            print("  only here:", k[1], k[2])
        for k in list((c2 - c1))[:10]:
            print("  only there:", k[1], k[2])
        failed |= c1 != c2
    print("FAIL" if failed else "OK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
