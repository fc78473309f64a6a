CONF := 1
