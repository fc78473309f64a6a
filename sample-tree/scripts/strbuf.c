// SPDX-License-Identifier: GPL-2.0
/* strbuf.c - tiny fixed-size string builder for host tools */
#include <string.h>
#include "strbuf.h"

void strbuf_init(struct strbuf *sb)
{
	sb->buf[0] = '\0';
	sb->len = 0;
}

void strbuf_add(struct strbuf *sb, const char *s)
{
	size_t n = strlen(s);

	if (n > sizeof(sb->buf) - 1 - sb->len)
		n = sizeof(sb->buf) - 1 - sb->len;
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}
