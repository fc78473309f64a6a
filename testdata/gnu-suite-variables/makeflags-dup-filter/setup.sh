mkdir loc
