I = from-d
