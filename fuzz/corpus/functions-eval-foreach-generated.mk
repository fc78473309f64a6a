progs = a b
define tmpl
$(1)_out := $(1).out
$(1):
	@echo building $$@ into $$($(1)_out)
endef
$(foreach p,$(progs),$(eval $(call tmpl,$(p))))
all: $(progs)
