X = 1
junk line
