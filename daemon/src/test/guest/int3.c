/* A guest that executes int3, which this machine's KVM instruction emulator cannot run in long
 * mode (KVM_EXIT_INTERNAL_ERROR, suberror 1: emulation failure). */
#include "guest.h"

void guest_main(const u8 *boot_params) {
    (void)boot_params;
    console_init();
    puts("int3: next instruction is int3\n");
    __asm__ volatile("int3");
    reset();
}
