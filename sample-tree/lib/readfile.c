// SPDX-License-Identifier: GPL-2.0
/* readfile.c - read a whole file into memory */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <biscuit/lib.h>

void *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, n;
	int err;

	if (!f)
		return NULL;
	for (;;) {
		if (len == cap) {
			unsigned char *nb;

			cap = cap ? cap * 2 : 4096;
			nb = realloc(buf, cap);
			if (!nb) {
				err = ENOMEM;
				goto fail;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		err = EIO;
		goto fail;
	}
	fclose(f);
	*size = len;
	return buf;
fail:
	free(buf);
	fclose(f);
	errno = err;
	return NULL;
}
