s: ; echo sub-recipe
