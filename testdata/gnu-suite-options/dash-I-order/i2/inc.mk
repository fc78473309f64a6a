V = i2
