#include "guest.h"

#define COM1 0x3f8
#define UART_LSR 5
#define UART_LSR_THRE 0x20

void console_init(void) {
    outb(COM1 + 1, 0x00); /* IER: no interrupts */
    outb(COM1 + 3, 0x03); /* LCR: 8N1 */
}

void putc(char c) {
    while (!(inb(COM1 + UART_LSR) & UART_LSR_THRE)) {
    }
    outb(COM1, (u8)c);
}

void puts(const char *s) {
    while (*s) putc(*s++);
}

void put_u64(u64 v) {
    char buf[21];
    int i = 20;
    buf[i] = 0;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    puts(buf + i);
}

void put_dec2(unsigned v, int width) {
    char buf[8];
    int i = 7;
    buf[i] = 0;
    while (width-- > 0 || v) {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
        if (i == 0) break;
    }
    puts(buf + i);
}

void put_datetime(const char *key, unsigned year, unsigned mon, unsigned day, unsigned hour, unsigned min,
                  unsigned sec) {
    const unsigned field[6] = {year, mon, day, hour, min, sec};
    const char sep[6] = {'-', '-', 'T', ':', ':', '\n'};
    puts(key);
    putc('=');
    for (int i = 0; i < 6; i++) {
        put_dec2(field[i], i == 0 ? 4 : 2);
        putc(sep[i]);
    }
}

const char *cmdline(const u8 *boot_params) {
    u32 ptr = *(const volatile u32 *)(boot_params + BP_CMD_LINE_PTR);
    return ptr ? (const char *)(u64)ptr : "";
}

/* The keyboard controller's pulse of the reset line (Linux reboot=k: outb(0xfe, 0x64)). */
void reset(void) {
    outb(0x64, 0xfe);
    for (;;) __asm__ volatile("hlt");
}
