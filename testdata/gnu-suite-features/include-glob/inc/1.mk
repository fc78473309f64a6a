V += one
