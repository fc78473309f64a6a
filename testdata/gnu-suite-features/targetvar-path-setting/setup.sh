mkdir sd; printf 'exit 0\n' > sd/foobar; chmod 755 sd/foobar
