mkdir d1 d2 d3; touch d2/foo.c d1/foo.c d3/bar.c d3/x.y
