#include <stdio.h>
int main(void) { printf("single %d\n", SINGLE); return 0; }
