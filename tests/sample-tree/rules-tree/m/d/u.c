int u;
