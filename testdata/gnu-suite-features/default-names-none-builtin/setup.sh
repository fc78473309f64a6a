printf 'int x;\n' > foo.c
