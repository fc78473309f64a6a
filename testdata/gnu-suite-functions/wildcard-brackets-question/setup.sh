touch a.x b.x c.x ab.x '*.x'
