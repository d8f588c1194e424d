package io.wallsync.core.rtc;

/**
 * The device model (QEMU, as Xen's ioreq server) that serves the CMOS accesses Xen's vRTC leaves
 * alone. Xen's {@code xen/arch/x86/hvm/rtc.c} handles only indexes below {@code RTC_CMOS_SIZE} =
 * 14 ({@code public/arch-x86/hvm/save.h}: {@code uint8_t cmos_data[RTC_CMOS_SIZE]}): an index
 * write of 14 or more is stored and also reported unhandled ({@code return (data <
 * RTC_CMOS_SIZE);}), and a data access with such an index is not handled ({@code if (
 * s->hw.cmos_index >= RTC_CMOS_SIZE ) return 0;}), so both go on to the device model, which keeps
 * its own index. Only the {@linkplain RtcFlavor#XEN Xen flavour} of {@link Mc146818Rtc} uses one.
 */
public interface CmosDeviceModel {
    /** A one-byte read of port 0x70 or 0x71 forwarded by the vRTC. */
    int inb(int port);

    /** A one-byte write of port 0x70 or 0x71 forwarded by the vRTC. */
    void outb(int port, int value);

    /**
     * A device model whose CMOS bytes 0x0E..0x7F are plain RAM, zeroed (what hvmloader and the
     * guest see of QEMU's {@code cmos_data} where no register of its own sits).
     */
    static CmosDeviceModel ram() {
        return new CmosDeviceModel() {
            private final int[] bytes = new int[Mc146818.CMOS_SIZE];
            private int index;

            @Override
            public int inb(int port) {
                return (port & 1) == 0 ? 0xFF : bytes[index];
            }

            @Override
            public void outb(int port, int value) {
                if ((port & 1) == 0) {
                    index = value & Mc146818.INDEX_MASK;
                } else {
                    bytes[index] = value & 0xFF;
                }
            }
        };
    }
}
