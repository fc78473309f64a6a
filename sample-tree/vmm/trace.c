// SPDX-License-Identifier: GPL-2.0
/* trace.c - print VM exits (CONFIG_VMM_TRACE) */
#include <stdio.h>
#include <linux/kvm.h>
#include <biscuit/lib.h>
#include "vmm.h"

void vmm_trace_exit(const struct kvm_run *run)
{
	char buf[8];

	switch (run->exit_reason) {
	case KVM_EXIT_IO: {
		const unsigned char *data =
			(const unsigned char *)run + run->io.data_offset;

		fprintf(stderr, "[trace] io %s port 0x%x: %s\n",
			run->io.direction == KVM_EXIT_IO_OUT ? "out" : "in",
			run->io.port, hexfmt_byte(data[0], buf));
		break;
	}
	case KVM_EXIT_HLT:
		fprintf(stderr, "[trace] hlt\n");
		break;
	default:
		fprintf(stderr, "[trace] exit reason %u\n", run->exit_reason);
		break;
	}
}
