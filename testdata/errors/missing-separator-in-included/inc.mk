ok = 1
bad line here
