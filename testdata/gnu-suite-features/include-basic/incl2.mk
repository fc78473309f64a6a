ANOTHER += from-incl2
