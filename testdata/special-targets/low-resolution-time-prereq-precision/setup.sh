#!/bin/sh
touch -d @1550000000.7 s
touch -d @1550000000.3 t
