#!/bin/sh
ln -s nowhere GNUmakefile
