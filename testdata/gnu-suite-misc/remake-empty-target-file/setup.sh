touch -d @1000000000 src
