/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SCRIPTS_STRBUF_H
#define SCRIPTS_STRBUF_H

#include <stddef.h>

struct strbuf {
	char buf[256];
	size_t len;
};

void strbuf_init(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const char *s);

#endif
