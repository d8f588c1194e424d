package io.wallsync.daemon.vm;

import java.util.function.IntConsumer;

/**
 * A 16550-compatible 8250 UART at COM1 (0x3f8-0x3ff), transmit only: every byte written to THR
 * goes to the console sink at once, so the line status always shows the transmitter empty.
 *
 * <pre>
 *  offset  DLAB=0 read / write     notes
 *  0       RBR / THR               DLAB=1: divisor latch low
 *  1       IER                     DLAB=1: divisor latch high; reads back what was written
 *  2       IIR / FCR               IIR reads 0x01 (no interrupt pending)
 *  3       LCR                     bit 7 = DLAB
 *  4       MCR                     bit 4 = loopback
 *  5       LSR                     0x60: THRE | TEMT
 *  6       MSR                     loopback: CTS=RTS, DSR=DTR, RI=OUT1, DCD=OUT2; else DCD|DSR|CTS
 *  7       SCR                     scratch
 * </pre>
 */
public final class Uart8250 {
    public static final int COM1 = 0x3f8;
    public static final int PORTS = 8;

    static final int LCR_DLAB = 0x80;
    static final int MCR_LOOP = 0x10;
    static final int LSR_THRE_TEMT = 0x60;
    static final int IIR_NO_INT = 0x01;
    static final int MSR_DCD_DSR_CTS = 0xb0;

    private final IntConsumer console;
    private int ier;
    private int lcr;
    private int mcr;
    private int scr;
    private int dll;
    private int dlm;

    /** Bytes the guest transmits go to {@code console}, one call per byte. */
    public Uart8250(IntConsumer console) {
        this.console = console;
    }

    public static boolean owns(int port) {
        return port >= COM1 && port < COM1 + PORTS;
    }

    public int inb(int port) {
        boolean dlab = (lcr & LCR_DLAB) != 0;
        return switch (port - COM1) {
            case 0 -> dlab ? dll : 0;
            case 1 -> dlab ? dlm : ier;
            case 2 -> IIR_NO_INT;
            case 3 -> lcr;
            case 4 -> mcr;
            case 5 -> LSR_THRE_TEMT;
            case 6 -> modemStatus();
            case 7 -> scr;
            default -> throw new IllegalArgumentException("port " + port + " is not a COM1 port");
        };
    }

    public void outb(int port, int value) {
        boolean dlab = (lcr & LCR_DLAB) != 0;
        switch (port - COM1) {
            case 0 -> {
                if (dlab) {
                    dll = value;
                } else if ((mcr & MCR_LOOP) == 0) {
                    console.accept(value);
                }
            }
            case 1 -> {
                if (dlab) {
                    dlm = value;
                } else {
                    ier = value & 0x0f;
                }
            }
            case 2 -> {} // FCR: no FIFO to control
            case 3 -> lcr = value;
            case 4 -> mcr = value & 0x1f;
            case 5, 6 -> {} // read-only
            case 7 -> scr = value;
            default -> throw new IllegalArgumentException("port " + port + " is not a COM1 port");
        }
    }

    private int modemStatus() {
        if ((mcr & MCR_LOOP) == 0) {
            return MSR_DCD_DSR_CTS;
        }
        // MCR DTR(0) RTS(1) OUT1(2) OUT2(3) -> MSR DSR(5) CTS(4) RI(6) DCD(7)
        return ((mcr & 0x01) << 5) | ((mcr & 0x02) << 3) | ((mcr & 0x04) << 4) | ((mcr & 0x08) << 4);
    }
}
