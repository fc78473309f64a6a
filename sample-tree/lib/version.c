// SPDX-License-Identifier: GPL-2.0
/* version.c - the version string, from the generated version.h */
#include "version.h"

const char vmm_version_string[] = VMM_NAME " " VMM_VERSION " (" LIB_NAME ")";
