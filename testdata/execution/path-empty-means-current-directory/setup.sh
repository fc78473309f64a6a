printf '#!/bin/sh\necho prog in cwd\n' > prog; chmod +x prog
