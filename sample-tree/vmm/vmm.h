/* SPDX-License-Identifier: GPL-2.0 */
/* vmm.h - interfaces between the files of the VMM */
#ifndef VMM_VMM_H
#define VMM_VMM_H

#include <stddef.h>
#include <stdint.h>

struct kvm_run;

struct vm {
	int kvm_fd;
	int vm_fd;
	int vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
	unsigned char *mem;
	size_t mem_size;
};

struct vm_options {
	uint64_t load_addr;	/* guest physical address of the image */
	size_t mem_size;	/* bytes of guest memory */
	unsigned int timeout;	/* seconds before the guest is given up */
	int trace;		/* print every exit to stderr */
};

/* kvm.c */
void vm_create(struct vm *vm, const struct vm_options *opt);
void vm_load(struct vm *vm, const struct vm_options *opt,
	     const void *image, size_t size);
int vm_run(struct vm *vm, const struct vm_options *opt);
void vm_destroy(struct vm *vm);

/* x86/realmode.c: registers for real mode, CS=0, IP=entry */
struct kvm_sregs;
struct kvm_regs;
void x86_realmode_regs(struct kvm_sregs *sregs, struct kvm_regs *regs,
		       uint64_t entry);

/* trace.c (CONFIG_VMM_TRACE); weak so that the VMM links without it */
void vmm_trace_exit(const struct kvm_run *run) __attribute__((weak));

#endif
