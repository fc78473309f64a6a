// SPDX-License-Identifier: GPL-2.0
/* hello_greet.c - second part of biscuit_hello.ko */
#include "hello_greet.h"

#ifndef BISCUIT_GREETING
#error "BISCUIT_GREETING comes from ccflags-y in modules/Kbuild"
#endif

const char *biscuit_greeting(void)
{
	return BISCUIT_GREETING;
}
