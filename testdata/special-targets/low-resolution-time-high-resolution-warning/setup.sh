#!/bin/sh
touch -d @1550000000.3 s
touch -d @1550000000.5 t
