x = 1

$(error failure in included file)
