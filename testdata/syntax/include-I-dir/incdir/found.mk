F = from-incdir
