echo 'cmd_out := echo built > out' > .out.cmd
touch -d @1500000000 in
touch -d @1550000000 out
