// SPDX-License-Identifier: GPL-2.0
/* hexfmt.c - printable form of a byte */
#include <stdio.h>
#include <biscuit/lib.h>

const char *hexfmt_byte(unsigned char c, char *buf)
{
	if (c >= 0x20 && c < 0x7f)
		snprintf(buf, 8, "'%c'", c);
	else
		snprintf(buf, 8, "0x%02x", c);
	return buf;
}
