touch foo.orig
