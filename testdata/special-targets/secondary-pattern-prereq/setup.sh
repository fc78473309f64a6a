touch -d @1500000000 x.c1
touch -d @1550000000 x.c2
touch -d @1600000000 x.c3
