touch -d @1500000000 s
touch -d @1550000000 t
