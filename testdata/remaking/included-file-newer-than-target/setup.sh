echo 'CFG = v2' > cfg.mk
touch -d @1500000000 out
touch -d @1550000000 cfg.mk
