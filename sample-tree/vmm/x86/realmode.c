// SPDX-License-Identifier: GPL-2.0
/* realmode.c - vCPU register state for a flat real-mode guest */
#include <string.h>
#include <linux/kvm.h>
#include "../vmm.h"

void x86_realmode_regs(struct kvm_sregs *sregs, struct kvm_regs *regs,
		       uint64_t entry)
{
	/* CS selector and base 0: IP holds the linear address */
	sregs->cs.base = 0;
	sregs->cs.selector = 0;
	sregs->ds.base = sregs->es.base = sregs->ss.base = 0;
	sregs->ds.selector = sregs->es.selector = sregs->ss.selector = 0;
	sregs->fs.base = sregs->gs.base = 0;
	sregs->fs.selector = sregs->gs.selector = 0;

	memset(regs, 0, sizeof(*regs));
	regs->rip = entry;
	regs->rflags = 0x2;	/* bit 1 is reserved and must be set */
}
