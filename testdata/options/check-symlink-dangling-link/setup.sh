ln -s missing-dep sym
