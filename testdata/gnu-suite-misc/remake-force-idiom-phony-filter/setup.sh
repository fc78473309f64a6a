touch out a
