V = old
