mkdir work
touch -d @1000000000 inter.a
touch -d @1000000100 work/inter.b
touch -d @1000000200 work/inter.d
