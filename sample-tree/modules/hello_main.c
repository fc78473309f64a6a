// SPDX-License-Identifier: GPL-2.0
/* hello_main.c - biscuit_hello.ko: logs a greeting when loaded */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include "hello_greet.h"

static int __init biscuit_hello_init(void)
{
	pr_info("biscuit_hello: %s\n", biscuit_greeting());
	return 0;
}

static void __exit biscuit_hello_exit(void)
{
	pr_info("biscuit_hello: bye\n");
}

module_init(biscuit_hello_init);
module_exit(biscuit_hello_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("BiscuitOS sample tree: a two-file greeting module");
MODULE_AUTHOR("kbmake sample tree");
