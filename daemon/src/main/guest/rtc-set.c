/* rtc-set: writes the date given on the command line (YYYY-MM-DDTHH:MM:SS, UTC) into the CMOS RTC
 * as Linux 6.1's mc146818_set_time() does (drivers/rtc/rtc-mc146818-lib.c, no ACPI century,
 * no AMD bank select), prints what it wrote, then resets. */
#include "guest.h"


static int digits(const char *s, int n, unsigned *out) {
    unsigned v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return 1;
}

/* Finds the first word of the form YYYY-MM-DDTHH:MM:SS. */
static int parse(const char *s, unsigned f[6]) {
    for (; *s; s++) {
        if (digits(s, 4, &f[0]) && s[4] == '-' && digits(s + 5, 2, &f[1]) && s[7] == '-'
            && digits(s + 8, 2, &f[2]) && s[10] == 'T' && digits(s + 11, 2, &f[3]) && s[13] == ':'
            && digits(s + 14, 2, &f[4]) && s[16] == ':' && digits(s + 17, 2, &f[5])
            && (s[19] == 0 || s[19] == ' '))
            return 1;
    }
    return 0;
}

void guest_main(const u8 *boot_params) {
    console_init();
    unsigned f[6];
    if (!parse(cmdline(boot_params), f)) {
        puts("rtc-set: error: command line has no date YYYY-MM-DDTHH:MM:SS\n");
        reset();
    }
    unsigned yrs = f[0] - 1900, mon = f[1], day = f[2], hrs = f[3], min = f[4], sec = f[5];
    if (f[0] < 1900 || yrs > 169 || mon < 1 || mon > 12 || day < 1 || day > 31 || hrs > 23 || min > 59
        || sec > 59) {
        puts("rtc-set: error: -EINVAL (date out of range 1900..2069)\n");
        reset();
    }
    if (yrs >= 100) yrs -= 100;
    u8 save_control = cmos_read(RTC_CONTROL);
    if (!(save_control & RTC_DM_BINARY)) {
        sec = bin2bcd(sec);
        min = bin2bcd(min);
        hrs = bin2bcd(hrs);
        day = bin2bcd(day);
        mon = bin2bcd(mon);
        yrs = bin2bcd(yrs);
    }
    save_control = cmos_read(RTC_CONTROL);
    cmos_write(save_control | RTC_SET, RTC_CONTROL);
    u8 save_freq_select = cmos_read(RTC_FREQ_SELECT);
    cmos_write(save_freq_select | RTC_DIV_RESET2, RTC_FREQ_SELECT);
    cmos_write(yrs, RTC_YEAR);
    cmos_write(mon, RTC_MONTH);
    cmos_write(day, RTC_DAY_OF_MONTH);
    cmos_write(hrs, RTC_HOURS);
    cmos_write(min, RTC_MINUTES);
    cmos_write(sec, RTC_SECONDS);
    cmos_write(save_control, RTC_CONTROL);
    cmos_write(save_freq_select, RTC_FREQ_SELECT);
    put_datetime("rtc_set", f[0], f[1], f[2], f[3], f[4], f[5]);
    reset();
}
