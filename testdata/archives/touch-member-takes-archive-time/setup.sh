#!/bin/sh
echo x > m.o
touch -d @1400000000 m.o
ar rcU lib.a m.o 2>/dev/null
touch -d @1500000000 lib.a
touch -d @1600000000 m.o
