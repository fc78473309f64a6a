touch p.y l.l
