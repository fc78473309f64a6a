#!/bin/sh
mkdir -p idir/sub
