touch inc1.mk
