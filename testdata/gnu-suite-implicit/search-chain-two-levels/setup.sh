touch foo.w
