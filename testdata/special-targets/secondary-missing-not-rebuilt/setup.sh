touch -d @1500000000 x.c1
touch -d @1550000000 x.c3
