mkdir d; echo "X = found" > d/x.mk
