touch libfoo.a libfoo.so
