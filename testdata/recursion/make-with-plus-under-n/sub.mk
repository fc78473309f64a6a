x:
	echo sub-recipe
