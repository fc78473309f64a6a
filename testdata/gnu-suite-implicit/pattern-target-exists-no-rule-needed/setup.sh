touch x.data
