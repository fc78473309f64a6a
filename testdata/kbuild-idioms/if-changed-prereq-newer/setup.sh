touch -d @1550000000 in
touch -d @1500000000 out
