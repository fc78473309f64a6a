touch foo.w foo.ch
