all: ; @echo $(eval ﻿C = 3)[$(C)]
