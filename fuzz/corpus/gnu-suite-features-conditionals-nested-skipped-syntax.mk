ifeq (a,b)
  ifeq (x
  bogus line here
  endif
else
OK = yes
endif
all: ; @echo $(OK)
