touch -d @1500000000 Makefile
touch -d @1550000000 Makefile.in
