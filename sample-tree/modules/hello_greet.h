/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BISCUIT_HELLO_GREET_H
#define BISCUIT_HELLO_GREET_H

const char *biscuit_greeting(void);

#endif
