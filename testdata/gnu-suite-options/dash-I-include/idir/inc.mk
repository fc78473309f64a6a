V = from-idir
