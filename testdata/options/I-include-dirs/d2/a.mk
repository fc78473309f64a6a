A = d2a
