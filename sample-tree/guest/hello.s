# hello.s - the guest: 16-bit real-mode code run by the VMM.
#
# Writes its greeting byte by byte to the debug port, then halts.  The VMM
# loads this flat image at CONFIG_GUEST_LOAD_ADDR with CS=0 and IP at the
# first byte, and the linker places .text at the same address (-Ttext), so
# the absolute address of "msg" below is correct.

	.code16
	.set	PORT, 0x3f8

	.text
	.globl	_start
_start:
	cli
	xorw	%ax, %ax
	movw	%ax, %ds		# data segment 0: offsets are linear addresses
	movw	%ax, %ss
	movw	$_start, %sp		# stack grows down below the image
	movw	$msg, %si		# absolute address, fixed by -Ttext
	movw	$PORT, %dx
	cld
1:	lodsb
	testb	%al, %al
	jz	2f
	outb	%al, %dx
	jmp	1b
2:	hlt
	jmp	2b

msg:
	.asciz	"Hello BiscuitOS :)\n"
