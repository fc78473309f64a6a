touch hello.x test.x hello.tsk
