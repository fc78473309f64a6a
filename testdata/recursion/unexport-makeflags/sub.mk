all:
	echo sub-recipe-echoed
