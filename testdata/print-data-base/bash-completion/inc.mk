generated.h: gen.sh
	sh gen.sh > $@
help:
	@echo help
