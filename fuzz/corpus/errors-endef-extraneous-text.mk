define x
v
endef junk
all: ; @echo '$(x)'
