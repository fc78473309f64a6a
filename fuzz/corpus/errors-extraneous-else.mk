else
all: ; @echo x
