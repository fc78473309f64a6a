touch -d @1500000000 a
touch -d @1550000000 out
touch -d @1600000000 b
