package io.wallsync.sim.scenario;

/** The host (dom0 and the machine it runs on). */
public record HostSpec(OscillatorSpec oscillator, RtcSpec rtc, NtpSpec ntp) {}
