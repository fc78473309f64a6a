A = a
