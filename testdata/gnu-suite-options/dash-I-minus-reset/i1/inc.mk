V = i1
