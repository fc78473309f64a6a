MAKEFLAGS += -j3
all: a b c ; @echo "[$(filter -j%,$(MAKEFLAGS))]"
a: ; @while [ ! -f b.done ] || [ ! -f c.done ]; do sleep 0.05; done; echo a
b: ; @while [ ! -f c.done ]; do sleep 0.05; done; echo b; touch b.done
c: ; @echo c; touch c.done
