touch x.a
