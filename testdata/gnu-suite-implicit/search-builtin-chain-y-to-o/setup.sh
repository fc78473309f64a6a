touch p.y
