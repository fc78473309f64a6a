touch foo.s
