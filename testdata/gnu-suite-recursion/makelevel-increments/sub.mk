all: ; @echo sub level=$(MAKELEVEL) env=$$MAKELEVEL
