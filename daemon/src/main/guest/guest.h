/* The freestanding runtime of wallsync's KVM guests: port I/O, the 8250 console, MSRs, the
 * boot_params zero page (Documentation/arch/x86/zero-page.rst) and the i8042 reset. */
#ifndef WALLSYNC_GUEST_H
#define WALLSYNC_GUEST_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef long long s64;
typedef signed char s8;

/* boot_params offsets (arch/x86/include/uapi/asm/bootparam.h). */
#define BP_CMD_LINE_PTR 0x228 /* u32 setup_header.cmd_line_ptr */

static inline void outb(u16 port, u8 v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline u8 inb(u16 port) { u8 v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline void wrmsr(u32 msr, u64 v) {
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
}
static inline u64 rdtsc(void) { u32 lo, hi; __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)); return ((u64)hi << 32) | lo; }
/* The kernel's rmb()/barrier(): keep the compiler from moving loads across it. */
static inline void barrier(void) { __asm__ volatile("" : : : "memory"); }

void console_init(void);
void putc(char c);
void puts(const char *s);
void put_u64(u64 v);
void put_dec2(unsigned v, int width);
const char *cmdline(const u8 *boot_params);
void reset(void) __attribute__((noreturn));

/* MC146818 registers and bits (include/linux/mc146818rtc.h). */
#define RTC_SECONDS 0
#define RTC_MINUTES 2
#define RTC_HOURS 4
#define RTC_DAY_OF_MONTH 7
#define RTC_MONTH 8
#define RTC_YEAR 9
#define RTC_FREQ_SELECT 10
#define RTC_CONTROL 11
#define RTC_UIP 0x80
#define RTC_SET 0x80
#define RTC_DM_BINARY 0x04
#define RTC_DIV_RESET2 0x70

/* Prints "KEY=YYYY-MM-DDTHH:MM:SS\n". */
void put_datetime(const char *key, unsigned year, unsigned mon, unsigned day, unsigned hour, unsigned min,
                  unsigned sec);

/* CMOS access as Linux's CMOS_READ/CMOS_WRITE (arch/x86/include/asm/mc146818rtc.h). */
static inline u8 cmos_read(u8 reg) { outb(0x70, reg); return inb(0x71); }
static inline void cmos_write(u8 val, u8 reg) { outb(0x70, reg); outb(0x71, val); }
static inline unsigned bcd2bin(unsigned v) { return (v & 0x0f) + (v >> 4) * 10; }
static inline unsigned bin2bcd(unsigned v) { return ((v / 10) << 4) | (v % 10); }

#endif
