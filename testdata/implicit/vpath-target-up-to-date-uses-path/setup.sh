mkdir -p lib
touch -d @1500000000 in.txt
touch -d @1550000000 lib/out.txt
