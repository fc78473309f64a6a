$(info in sub: $(lastword $(MAKEFILE_LIST)))
