/* 64-bit entry, as Linux's startup_64: RSI holds the physical address of boot_params. */
	.section .text.start, "ax"
	.globl _start
_start:
	cli
	lea	stack_top(%rip), %rsp
	mov	%rsi, %rdi
	call	guest_main
	/* guest_main resets the machine; if the reset did not take, stop here. */
1:	hlt
	jmp	1b

	.section .note.GNU-stack, "", @progbits

	.section .bss
	.balign 16
	.space 16384
stack_top:
