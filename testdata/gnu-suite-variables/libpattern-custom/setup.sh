touch libq.x libq.a
