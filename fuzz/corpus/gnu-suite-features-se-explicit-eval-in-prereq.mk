.SECONDEXPANSION:
all: $$(eval $$(info in-eval $$@))x ; @echo $@ from $^
x: ; @echo x
