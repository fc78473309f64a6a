touch c.w a.w b.w
