X = via-variable
