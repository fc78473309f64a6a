touch -d @1000000000 a all
