define V
A = 1
﻿B = 2
endef
