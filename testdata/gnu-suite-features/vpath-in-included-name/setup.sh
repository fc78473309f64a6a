mkdir inc; echo "A = found" > inc/a.mk
