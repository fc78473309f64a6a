touch hello.z
