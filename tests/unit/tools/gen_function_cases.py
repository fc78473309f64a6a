#!/usr/bin/env python3
"""Asks GNU make 4.3 (/usr/bin/make) for the value of each expression in CASES and prints a C++
table for functions_test.cc. Each case is (setup makefile text, expression); the expression is
evaluated as `$(info <<<EXPR>>>)` on the line after the setup, in a directory that holds a few
files for $(wildcard). Error cases print GNU's stderr line instead."""
import os, subprocess, sys, tempfile

CASES = [
  # subst
  ("", "$(subst ee,EE,feet on the street)"),
  ("", "$(subst a,,banana)"),
  ("", "$(subst ,x,abc)"),
  ("", "$(subst  a , b ,a a)"),
  # patsubst
  ("", "$(patsubst %.c,%.o,x.c.c bar.c)"),
  ("", "$(patsubst %.c,,a.c b.h c.c)"),
  ("", "$(patsubst a,b,a aa a)"),
  ("", "$(patsubst \\%x,y,%x x)"),
  # strip
  ("", "[$(strip   a   b  c   )]"),
  ("", "[$(strip)]"),
  # findstring
  ("", "$(findstring a,a b c)|$(findstring a,b c)|$(findstring ,abc)"),
  # filter / filter-out
  ("", "$(filter %.c %.s,foo.c bar.c baz.s ugh.h)"),
  ("", "$(filter-out %.c %.s,foo.c bar.c baz.s ugh.h)"),
  ("", "$(filter a,a b a c)|$(filter-out a,a b a c)"),
  ("", "$(filter \\%a,%a a)"),
  # sort
  ("", "$(sort foo bar lose foo b  a)"),
  ("", "[$(sort)]"),
  # word / wordlist / words / firstword / lastword
  ("", "$(word 2, foo bar baz)|$(word 4,foo bar baz)"),
  ("", "$(wordlist 2,3,a b c d)|$(wordlist 3,2,a b c)|$(wordlist 2,9,a b c)"),
  ("", "$(words a  b c)|$(words )|$(words  x )"),
  ("", "$(firstword  foo bar)|$(firstword )|$(lastword foo bar)|$(lastword)"),
  # dir / notdir / suffix / basename
  ("", "$(dir src/foo.c hacks)|$(notdir src/foo.c hacks)"),
  ("", "$(suffix src/foo.c src-1.0/bar.c hacks)"),
  ("", "$(basename src/foo.c src-1.0/bar hacks a.b/c .x)"),
  ("", "$(suffix a.b/c .x a.)"),
  # addsuffix / addprefix / join
  ("", "$(addsuffix .c,foo bar)|$(addprefix src/,foo bar)|[$(addprefix x,)]"),
  ("", "$(join a b,.c .o)|$(join a b c,.c)|$(join a,.c .o)"),
  # wildcard (the directory holds a.c b.c d/e.c and x.h)
  ("", "$(wildcard *.c)"),
  ("", "$(wildcard d/*.c nope *.h)"),
  ("", "$(sort $(wildcard *))"),
  ("", "$(wildcard a.c a.c)"),
  # origin / flavor
  ("x = 1\ny := 2\nz ?= 3\nundefine w\noverride o = 4\n",
   "$(origin x) $(origin y) $(origin z) $(origin w) $(origin o) $(origin @) $(origin CC) $(origin MAKE)"),
  ("x = 1\ny := 2\nz != echo 3\n", "$(flavor x) $(flavor y) $(flavor z) $(flavor nope) $(flavor CC)"),
  # foreach
  ("dirs := a b c", "$(foreach d,$(dirs),$(d)/x)"),
  ("", "[$(foreach v,,x)]|$(foreach v,1 2,$(foreach w,a b,$(v)$(w)))"),
  ("v = outer", "$(foreach v,1 2,$(v))$(v)"),
  # if / or / and
  ("", "$(if a,yes,no)|$(if ,yes,no)|$(if  ,yes)|[$(if x,)]|$(if $(empty),a,b)"),
  ("", "[$(or ,,c,d)]|[$(or ,)]|[$(and a,b,c)]|[$(and a,,c)]"),
  ("", "$(if   x  ,  yes  ,  no  )|"),
  # call
  ("reverse = $(2) $(1)", "$(call reverse,a,b)"),
  ("f = [$(0)][$(1)][$(2)][$(3)]", "$(call f,a,b)"),
  ("f = $(1)$(2)\ng = $(call f,$(1),x)$(2)", "$(call g,a,b)"),
  ("f = $(words $(1) $(2) $(3))", "$(call f,a,b,c,d,e)"),
  ("f = <$(1)>\ng = $(call f,$(2))", "$(call g,a)|$(call g,a,b)"),
  ("", "[$(call nosuch,a)]"),
  ("map = $(foreach a,$(2),$(call $(1),$(a)))\nup = $(subst a,A,$(1))", "$(call map,up,a ab b)"),
  ("f = $(1),$(2)", "$(call f, a , b )"),
  # eval / value
  ("", "$(eval x := 5)$(x)"),
  ("define d\ny := 7\nz = $$(y)8\nendef", "$(eval $(d))$(y)|$(z)"),
  ("x = $(y)\ny = 1", "$(value x)|$(x)"),
  ("", "[$(value nosuch)]"),
  # file
  ("", "$(file >out.txt,hello)$(file <out.txt)"),
  ("", "$(file >out2.txt,a)$(file >>out2.txt,b)$(file <out2.txt)"),
  ("", "[$(file <nosuchfile)]"),
  ("", "$(file >out3.txt)[$(file <out3.txt)]"),
  # more edge cases
  ("", "[$(subst ,,abc)]|[$(subst a,b,)]|[$(word 1,)]|[$(wordlist 1,1,)]"),
  ("", "[$(sort b\ta  c)]|[$(strip \t a \t b \t)]"),
  ("", "[$(join  a  b , c  d )]|[$(join ,)]"),
  ("", "[$(foreach x,  a   b  , <$(x)> )]"),
  ("", "[$(if $(if ,x),a,b)]|[$(or $(empty), ,z)]|[$(and ,$(error not reached))]"),
  ("f = $(0):$(1)\ng = $(call f,$(0))", "$(call g,z)"),
  ("f = $(2)", "[$(call f,a,b,c)]|[$(call f,a)]|[$(call f,a,,c)]"),
  ("", "$(addsuffix .x,a  b)|$(addprefix p,  a b  )|$(suffix a.b.c .d.e/f)"),
  ("", "$(notdir a/ /)|$(dir /)|$(basename a/b.c/d)|$(basename .bashrc x.)"),
  ("", "$(filter %,a b)|$(filter a%b,ab axb ba)|$(filter-out %b,ab axb ba)"),
  ("", "$(findstring  a ,x a y)|$(findstring a b,a b c)"),
  ("", "$(words $(wordlist 2,1000,$(foreach i,1 2 3 4 5 6,$(i))))"),
  ("", "$(word 3,a b c d e)|$(word 10,a b)|$(lastword a b  )"),
  ("x := a\ny = $(x)", "$(origin x)|$(origin y)|$(value y)|$(flavor y)|$(origin .VARIABLES)|$(flavor .VARIABLES)"),
  ("", "$(patsubst %,%,a b)|$(patsubst a%,%b,a ab abc)|$(patsubst %c,%,abc c)"),
  ("", "$(subst %,X,a%b)|$(patsubst %,%%,a)"),
  ("", "$(eval a = 1)$(eval a += 2)$(a)|$(eval b ?= 3)$(b)|$(eval $$(eval c := 4))$(c)"),
  ("define t\nx\ny\n\nendef", "$(file >f1,$(t))[$(file <f1)]|$(words $(file <f1))"),
  ("define nl\n\n\nendef", "[$(nl)]|[$(words $(nl))]|[$(strip $(nl))]"),
  ("comma := ,\nempty :=\nspace := $(empty) $(empty)", "$(subst $(space),$(comma),a b c)|[$(space)]"),
  ("x = $(foreach v,a b,$(v)-$(w))\nw = W", "$(x)"),
  ("", "$(sort $(wildcard *.c) $(wildcard ./*.c))"),
  ("", "$(wildcard d/)|$(wildcard d)|$(wildcard *.c~)|$(wildcard [ab].c)|$(wildcard ?.h)"),
  ("", "$(abspath )|$(dir )|[$(notdir )]"),
  ("", "$(if ,,)|$(if a,b,c,d)"),
  ("x = 1\n$(eval x += 2)", "$(x)|$(flavor x)"),
  ("", "$(foreach a,1 2,$(foreach a,x y,$(a))$(a))"),
  # misc expansion
  ("x = a b c", "$(x:b=B)|$(x:%=<%>)|${x}|$($(empty)x)"),
  ("a = b\nb = c", "$($(a))|$$a"),
]

ERRORS = [
  # (setup, line): the line is used as written, right after the setup.
  ("", "x := $(word x,a b)"),
  ("", "x := $(word 0,a b)"),
  ("", "x := $(wordlist x,2,a b)"),
  ("", "x := $(wordlist 1,y,a b)"),
  ("", "x := $(wordlist 0,2,a b)"),
  ("", "x := $(subst a,b"),
  ("", "x := $(subst a,b,c"),
  ("", "x := $(patsubst a,b)"),
  ("", "x := $(word 1)"),
  ("", "x := $(foreach a,b)"),
  ("", "x := $(if a)"),
  ("x = $(x)", "y := $(x)"),
  ("x = a $(y)\ny = $(x)", "z := $(x)"),
  ("", "$(error boom)"),
  ("", "$(error  two  words )"),
  ("", "x := $(file <a,b)"),
  ("", "x := $(file foo,b)"),
  ("", "x := $(file >/nonexistent/dir/f,b)"),
  ("", "x := $(call f)$(info"),
]

def run(setup, body, d):
    mk = setup + ("\n" if setup and not setup.endswith("\n") else "") + body + "\nall:;@:\n"
    with open(os.path.join(d, "Makefile"), "w") as f:
        f.write(mk)
    p = subprocess.run(["/usr/bin/make", "-s"], cwd=d, capture_output=True, text=True,
                       env={"PATH": "/usr/bin:/bin"})
    return p.stdout, p.stderr, setup.count("\n") + (1 if setup and not setup.endswith("\n") else 0) + 1

def cstr(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

def main():
    d = tempfile.mkdtemp()
    for n in ("a.c", "b.c", "x.h"):
        open(os.path.join(d, n), "w").close()
    os.mkdir(os.path.join(d, "d"))
    open(os.path.join(d, "d", "e.c"), "w").close()
    print("// Generated by tests/unit/tools/gen_function_cases.py from /usr/bin/make (4.3).")
    print("const FunctionCase kValueCases[] = {")
    for setup, expr in CASES:
        for f in os.listdir(d):
            if f.startswith("out"): os.unlink(os.path.join(d, f))
        out, err, _ = run(setup, "$(info <<<" + expr + ">>>)", d)
        if err or not out.startswith("<<<"):
            sys.exit("unexpected: %r %r %r" % (expr, out, err))
        val = out[3:out.rindex(">>>")]
        print("    {%s, %s, %s}," % (cstr(setup), cstr(expr), cstr(val)))
    print("};")
    print("const FunctionCase kErrorCases[] = {")
    for setup, expr in ERRORS:
        out, err, line = run(setup, expr, d)
        first = err.splitlines()[0] if err else ""
        if not first: sys.exit("no error for %r" % expr)
        print("    {%s, %s, %s}," % (cstr(setup), cstr(expr), cstr(first)))
    print("};")

main()
