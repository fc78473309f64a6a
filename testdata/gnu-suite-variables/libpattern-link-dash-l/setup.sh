touch libfoo.a
