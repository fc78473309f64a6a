B = bbb
