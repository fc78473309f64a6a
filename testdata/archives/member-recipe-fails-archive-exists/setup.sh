#!/bin/sh
ar rcD lib.a other.o
