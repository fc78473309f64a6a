# line 1
x = ok
$(warning warned at line 3)
