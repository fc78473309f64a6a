all:
	echo sub-recipe
