/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers from lib/ (built-in.a and lib.a). */
#ifndef BISCUIT_LIB_H
#define BISCUIT_LIB_H

#include <stddef.h>

/* Print "vmm: <message>" to stderr and exit(1). */
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* Same, appending ": <strerror(errno)>". */
void die_errno(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Read a whole file into a malloc()ed buffer; NULL and errno on failure. */
void *read_file(const char *path, size_t *size);

/* Printable form of a byte: "'A'" or "0x0a"; buf needs 8 bytes. */
const char *hexfmt_byte(unsigned char c, char *buf);

/* Version string, e.g. "biscuit-vmm 1.0". */
const char *vmm_version(void);

#endif
