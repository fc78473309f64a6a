mkdir foo bar
