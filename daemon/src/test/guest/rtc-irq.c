/* A guest that turns on the RTC's periodic interrupt (rate select 6: 1024 Hz) and polls register C
 * until IRQF is set, with interrupts masked (cli at entry): the VMM must raise IRQ 8 through
 * KVM_IRQ_LINE when the flag comes up, and lower it when the read of C clears it. */
#include "guest.h"

#define RTC_REG_C 12
#define RTC_PIE 0x40
#define RTC_IRQF 0x80

void guest_main(const u8 *boot_params) {
    (void)boot_params;
    console_init();
    cmos_write(0x26, RTC_FREQ_SELECT); /* DV = 32.768 kHz, RS = 6 */
    cmos_write(cmos_read(RTC_CONTROL) | RTC_PIE, RTC_CONTROL);
    unsigned polls = 0;
    u8 c;
    do {
        c = cmos_read(RTC_REG_C);
        polls++;
    } while (!(c & RTC_IRQF) && polls < 100000);
    puts("reg_c=");
    put_u64(c);
    putc('\n');
    reset();
}
