touch -d @1000000000 hello.x test.x; touch -d @1000000100 hello.tsk
