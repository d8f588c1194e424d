/* A guest that reads a port without a device (the VMM answers 0xFF and counts it), then executes
 * int3, which this machine's KVM instruction emulator cannot run in long mode
 * (KVM_EXIT_INTERNAL_ERROR, suberror 1: emulation failure). */
#include "guest.h"

void guest_main(const u8 *boot_params) {
    (void)boot_params;
    console_init();
    puts("port_0x99=");
    put_u64(inb(0x99));
    putc('\n');
    __asm__ volatile("int3");
    reset();
}
