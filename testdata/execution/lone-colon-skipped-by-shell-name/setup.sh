chmod +x fake/sh fake/other
