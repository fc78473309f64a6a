echo 'X = old' > gen.mk
touch -d @1500000000 gen.mk
touch -d @1550000000 gen.src
