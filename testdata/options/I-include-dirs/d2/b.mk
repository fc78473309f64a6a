B = d2b
