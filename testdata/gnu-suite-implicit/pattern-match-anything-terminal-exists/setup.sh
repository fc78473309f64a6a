touch foo.src
