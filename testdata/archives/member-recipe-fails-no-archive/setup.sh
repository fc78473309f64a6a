#!/bin/sh
# (.o files are not kept in git: made here)
echo x > m.o
