V += two
