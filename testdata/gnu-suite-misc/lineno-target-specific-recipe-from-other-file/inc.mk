t: V = 1
