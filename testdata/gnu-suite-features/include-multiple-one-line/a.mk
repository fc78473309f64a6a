A = aaa
