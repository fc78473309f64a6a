vals += one
