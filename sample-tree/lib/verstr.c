// SPDX-License-Identifier: GPL-2.0
/* verstr.c - accessor for the version string (second part of vmmver.o) */
#include <biscuit/lib.h>

extern const char vmm_version_string[];

const char *vmm_version(void)
{
	return vmm_version_string;
}
