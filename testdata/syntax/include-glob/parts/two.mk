vals += two
