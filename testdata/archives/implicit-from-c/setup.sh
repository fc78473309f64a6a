printf "int a;\n" > a.c
