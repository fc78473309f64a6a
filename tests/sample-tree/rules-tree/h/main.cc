#include <cstdio>
extern "C" int helper(void);
int main() { std::printf("%s %d\n", GREET, helper()); return 0; }
