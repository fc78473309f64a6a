
$(warning from inc)
