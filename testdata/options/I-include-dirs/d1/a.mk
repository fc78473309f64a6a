A = d1a
