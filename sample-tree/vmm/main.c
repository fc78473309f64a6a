// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - command line of the BiscuitOS sample VMM.
 *
 *   biscuit-vmm [-x] [-t SECONDS] [IMAGE]
 *   biscuit-vmm -v
 *
 * Runs IMAGE (a flat real-mode binary) or, without IMAGE, the guest that was
 * embedded at build time (CONFIG_GUEST_HELLO).  Everything the guest writes
 * to the serial port goes to stdout.  Exit status 0 when the guest halts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <generated/autoconf.h>
#include <biscuit/lib.h>
#include "vmm.h"

#ifndef VMM_DEFAULT_TIMEOUT
#define VMM_DEFAULT_TIMEOUT 10
#endif

/* guest/guest_image.o (CONFIG_GUEST_HELLO); weak: absent when disabled */
extern const unsigned char guest_image[] __attribute__((weak));
extern const unsigned int guest_image_size __attribute__((weak));

static void usage(FILE *f, const char *prog)
{
	fprintf(f, "usage: %s [-x] [-t SECONDS] [IMAGE]\n"
		   "       %s -v\n"
		   "  -x  trace every VM exit to stderr\n"
		   "  -t  give up after SECONDS (default %d)\n",
		prog, prog, VMM_DEFAULT_TIMEOUT);
}

int main(int argc, char **argv)
{
	struct vm_options opt = {
		.load_addr = CONFIG_GUEST_LOAD_ADDR,
		.mem_size = (size_t)CONFIG_VMM_MEM_MB << 20,
		.timeout = VMM_DEFAULT_TIMEOUT,
	};
	const void *image;
	size_t size;
	struct vm vm;
	int c, ret;

	while ((c = getopt(argc, argv, "hvxt:")) != -1) {
		switch (c) {
		case 'v':
			printf("%s\n", vmm_version());
			return 0;
		case 'x':
			if (!vmm_trace_exit)
				die("-x: tracing not built in (CONFIG_VMM_TRACE)");
			opt.trace = 1;
			break;
		case 't':
			opt.timeout = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		default:
			usage(stderr, argv[0]);
			return 2;
		}
	}
	if (argc - optind > 1) {
		usage(stderr, argv[0]);
		return 2;
	}

	if (optind < argc) {
		image = read_file(argv[optind], &size);
		if (!image)
			die_errno("cannot read guest image %s", argv[optind]);
	} else if (&guest_image_size && guest_image) {
		image = guest_image;
		size = guest_image_size;
	} else {
		die("no guest image built in (CONFIG_GUEST_HELLO is off); "
		    "give an image file");
	}

	vm_create(&vm, &opt);
	vm_load(&vm, &opt, image, size);
	ret = vm_run(&vm, &opt);
	vm_destroy(&vm);
	return ret;
}
