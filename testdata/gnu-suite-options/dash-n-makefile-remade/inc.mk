X = old
