define
x
endef
all: ; @echo x
