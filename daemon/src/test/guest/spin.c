/* A guest that never resets: prints one line, then spins without exits (tests the VMM timeout). */
#include "guest.h"

void guest_main(const u8 *boot_params) {
    (void)boot_params;
    console_init();
    puts("spin: looping forever\n");
    for (;;) __asm__ volatile("pause");
}
