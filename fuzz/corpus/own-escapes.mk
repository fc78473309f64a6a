x := a\#b
y = c\\#d
z = e \
   f\\\
 g
$(info [$x][$y][$z])
t: ; @echo $$$$x\
	  more
