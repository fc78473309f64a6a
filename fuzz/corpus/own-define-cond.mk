define tmpl =
$(1)_obj := $$(patsubst %.c,%.o,$(2))
$(1): $$($(1)_obj)
	@echo $$@ $$^
endef
$(foreach p,x y,$(eval $(call tmpl,$(p),$(p).c $(p)2.c)))
ifeq ($(x_obj),x.o x2.o)
  ok = 1
else ifneq "$(y_obj)" ''
  ok = 2
else
  ok = 3
endif
ifdef ok
ifndef nope
r := $(ok)
endif
endif
