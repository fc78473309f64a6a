V = new
