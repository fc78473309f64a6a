touch -d @1500000000 src
touch -d @1550000000 mid
