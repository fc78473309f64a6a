FOO = foo
BAR = bar
F = FOO
B = BAR
export $(F)
export $(B)
unexport $(B)
all: ; @echo "FOO=$$FOO BAR=$$BAR"
