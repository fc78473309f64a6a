mkdir fresh
