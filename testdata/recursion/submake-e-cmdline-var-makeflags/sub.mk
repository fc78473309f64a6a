sub:
	@echo "FOO=$(FOO) MAKEFLAGS=[$(MAKEFLAGS)] environment=[$$MAKEFLAGS]"
