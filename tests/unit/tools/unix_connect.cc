// unix_connect PATH: connects a Unix stream socket to PATH and prints "connected" or the
// error. Used by shell_memo_test to run a command that talks to a listening socket.
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>

int main(int argc, char** argv) {
  if (argc != 2 || strlen(argv[1]) >= sizeof(sockaddr_un{}.sun_path)) return 2;
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) return 2;
  sockaddr_un sun = {};
  sun.sun_family = AF_UNIX;
  strcpy(sun.sun_path, argv[1]);
  if (connect(s, reinterpret_cast<sockaddr*>(&sun), sizeof sun) == 0) {
    puts("connected");
  } else {
    puts(strerror(errno));
  }
  close(s);
  return 0;
}
