echo 'X = current' > gen.mk
touch -d @1500000000 gen.src
touch -d @1550000000 gen.mk
