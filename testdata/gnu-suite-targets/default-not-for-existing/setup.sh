touch exists
