ANOTHER = from-incl
include incl2.mk
