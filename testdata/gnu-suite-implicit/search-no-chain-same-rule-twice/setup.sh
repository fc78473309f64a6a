touch foo
