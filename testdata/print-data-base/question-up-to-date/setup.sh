touch -d @1000000000 b
touch -d @1000000100 a
