// SPDX-License-Identifier: GPL-2.0
/*
 * kvm.c - one VM with one vCPU in real mode, through /dev/kvm.
 *
 * Every failing system call ends the program with a message naming the
 * step; exits the guest is not expected to cause end it as well.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/kvm.h>
#include <biscuit/lib.h>
#include "vmm.h"

#define KVM_DEVICE "/dev/kvm"
#define EXPECTED_API_VERSION 12

static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
}

static void open_kvm(struct vm *vm)
{
	int api;

	vm->kvm_fd = open(KVM_DEVICE, O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		int err = errno;

		if (err == ENOENT)
			die("cannot open %s: no such device (is the kvm module "
			    "loaded and virtualisation enabled?)", KVM_DEVICE);
		if (err == EACCES || err == EPERM)
			die("cannot open %s: %s (add yourself to the kvm group "
			    "or run as root)", KVM_DEVICE, strerror(err));
		errno = err;
		die_errno("cannot open %s", KVM_DEVICE);
	}

	api = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (api < 0)
		die_errno("KVM_GET_API_VERSION");
	if (api != EXPECTED_API_VERSION)
		die("KVM API version %d, expected %d", api, EXPECTED_API_VERSION);
}

void vm_create(struct vm *vm, const struct vm_options *opt)
{
	struct kvm_userspace_memory_region region;
	int size;

	memset(vm, 0, sizeof(*vm));
	open_kvm(vm);

	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		die_errno("KVM_CREATE_VM");

	vm->mem_size = opt->mem_size;
	vm->mem = mmap(NULL, vm->mem_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED)
		die_errno("mmap of %zu bytes of guest memory", vm->mem_size);

	memset(&region, 0, sizeof(region));
	region.slot = 0;
	region.guest_phys_addr = 0;
	region.memory_size = vm->mem_size;
	region.userspace_addr = (unsigned long)vm->mem;
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die_errno("KVM_SET_USER_MEMORY_REGION");

	vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu_fd < 0)
		die_errno("KVM_CREATE_VCPU");

	size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < 0)
		die_errno("KVM_GET_VCPU_MMAP_SIZE");
	if ((size_t)size < sizeof(struct kvm_run))
		die("KVM_GET_VCPU_MMAP_SIZE: %d is too small", size);
	vm->run_size = (size_t)size;
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED)
		die_errno("mmap of the vCPU run area");
}

void vm_load(struct vm *vm, const struct vm_options *opt,
	     const void *image, size_t size)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (size == 0)
		die("guest image is empty");
	if (opt->load_addr >= vm->mem_size || size > vm->mem_size - opt->load_addr)
		die("guest image of %zu bytes does not fit at 0x%llx in %zu bytes "
		    "of memory", size, (unsigned long long)opt->load_addr,
		    vm->mem_size);
	if (opt->load_addr + size > 0x10000)
		die("guest image must end below 64 KiB (real mode, CS=0)");
	memcpy(vm->mem + opt->load_addr, image, size);

	/* Real mode, all segments at base 0: linear address == offset */
	if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		die_errno("KVM_GET_SREGS");
	x86_realmode_regs(&sregs, &regs, opt->load_addr);
	if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		die_errno("KVM_SET_SREGS");
	if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs) < 0)
		die_errno("KVM_SET_REGS");
}

static void handle_io(struct vm *vm)
{
	struct kvm_run *run = vm->run;
	const unsigned char *data = (const unsigned char *)run + run->io.data_offset;
	size_t n = (size_t)run->io.size * run->io.count;

	if (run->io.direction != KVM_EXIT_IO_OUT || run->io.port != VMM_SERIAL_PORT)
		die("unexpected I/O: %s port 0x%x, %u byte(s)",
		    run->io.direction == KVM_EXIT_IO_OUT ? "out to" : "in from",
		    run->io.port, run->io.size);
	if (fwrite(data, 1, n, stdout) != n)
		die_errno("write to stdout");
	if (memchr(data, '\n', n))
		fflush(stdout);
}

int vm_run(struct vm *vm, const struct vm_options *opt)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART: KVM_RUN returns EINTR */
	if (sigaction(SIGALRM, &sa, NULL) < 0)
		die_errno("sigaction");
	alarm(opt->timeout);

	for (;;) {
		if (ioctl(vm->vcpu_fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR && !timed_out)
				continue;
			if (timed_out) {
				fflush(stdout);
				die("guest did not halt within %u seconds",
				    opt->timeout);
			}
			die_errno("KVM_RUN");
		}
		if (opt->trace && vmm_trace_exit)
			vmm_trace_exit(vm->run);

		switch (vm->run->exit_reason) {
		case KVM_EXIT_IO:
			handle_io(vm);
			break;
		case KVM_EXIT_HLT:
			alarm(0);
			if (fflush(stdout))
				die_errno("write to stdout");
			return 0;
		case KVM_EXIT_FAIL_ENTRY:
			fflush(stdout);
			die("KVM_EXIT_FAIL_ENTRY: hardware entry failure reason 0x%llx",
			    (unsigned long long)vm->run->fail_entry.hardware_entry_failure_reason);
		case KVM_EXIT_INTERNAL_ERROR:
			fflush(stdout);
			die("KVM_EXIT_INTERNAL_ERROR: suberror %u",
			    vm->run->internal.suberror);
		case KVM_EXIT_SHUTDOWN:
			fflush(stdout);
			die("KVM_EXIT_SHUTDOWN: the guest triple-faulted");
		default:
			fflush(stdout);
			die("unexpected exit reason %u", vm->run->exit_reason);
		}
	}
}

void vm_destroy(struct vm *vm)
{
	munmap(vm->run, vm->run_size);
	munmap(vm->mem, vm->mem_size);
	close(vm->vcpu_fd);
	close(vm->vm_fd);
	close(vm->kvm_fd);
}
