touch out all
