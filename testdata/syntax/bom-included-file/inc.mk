X = inc
