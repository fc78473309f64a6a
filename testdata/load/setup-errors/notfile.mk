# Parentheses that do not end the word are part of the file name.
load testload.so(x)y
all: ; @:
