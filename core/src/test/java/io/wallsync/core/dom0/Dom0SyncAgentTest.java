package io.wallsync.core.dom0;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wallsync.core.notify.NotifyResult;
import io.wallsync.core.page.PushReason;
import io.wallsync.core.port.HostClock;
import io.wallsync.core.port.HostSample;
import io.wallsync.core.port.LeapIndicator;
import io.wallsync.core.port.SyncState;
import io.wallsync.core.xen.DomainKind;
import io.wallsync.core.xen.Hypervisor;
import io.wallsync.core.xen.PlatformOp;
import io.wallsync.core.xen.PlatformOpResult;
import io.wallsync.core.xen.Wallclock;
import io.wallsync.core.xen.XenErrno;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Dom0SyncAgentTest {
    private static final long S = 1_000_000_000L;
    private static final long PERIOD = 660 * S;

    /** dom0's clock: settable realtime and monotonic, and a sync flag. */
    private static final class FakeHost implements HostClock {
        long realtimeNs;
        long monotonicNs;
        boolean synchronised;

        @Override
        public HostSample sample() {
            return new HostSample(realtimeNs, monotonicNs);
        }

        @Override
        public long realtimeNs() {
            return realtimeNs;
        }

        @Override
        public SyncState syncState() {
            return new SyncState(synchronised, 16_000_000, 16_000_000, 37, LeapIndicator.NONE);
        }

        void advance(long ns) {
            realtimeNs += ns;
            monotonicNs += ns;
        }
    }

    private final FakeHost host = new FakeHost();
    private long systemTimeNs;
    private final Hypervisor hypervisor = new Hypervisor(() -> systemTimeNs);
    private final List<PushRecord> pushes = new ArrayList<>();

    Dom0SyncAgentTest() {
        hypervisor.buildDomain(DomainKind.CONTROL, 0);
    }

    /** agent.onClockUpdate as the gtod chain calls it, keeping each push the update returned. */
    private NotifyResult notify(Dom0SyncAgent agent, boolean wasSet) {
        java.util.Optional<PushRecord> push = agent.update(wasSet);
        push.ifPresent(pushes::add);
        return push.map(p -> p.succeeded() ? NotifyResult.OK : NotifyResult.BAD).orElse(NotifyResult.OK);
    }

    private Dom0SyncAgent agent(SyncPolicy policy, XenPlatform platform) {
        return new Dom0SyncAgent(host, () -> host.monotonicNs, platform, policy, PERIOD);
    }

    private XenPlatform dom0() {
        return XenPlatform.of(hypervisor, Hypervisor.DOM0);
    }

    private static int cmdOf(byte[] op) {
        return ByteBuffer.wrap(op).order(ByteOrder.LITTLE_ENDIAN).getInt(PlatformOp.CMD_OFFSET);
    }

    @Test
    void onHostMonotonicThePushTakesTheSampleMonotonicInstantAsSystemTime() {
        // The sample: realtime 1_700_000_000 s at monotonic 5 s. The hypervisor's clock already
        // reads 5.000_040 s when the agent would ask it (40 us of preemption after the sample).
        //   paired:   W = 1_700_000_000 - 5           = 1_699_999_995.000000000
        //   unpaired: W = 1_700_000_000 - 5.000_040   = 1_699_999_994.999960000 (40 us wrong)
        host.realtimeNs = 1_700_000_000L * S;
        host.monotonicNs = 5 * S;
        systemTimeNs = 5 * S + 40_000;
        Dom0SyncAgent paired = agent(SyncPolicy.STEP_AND_PERIODIC, XenPlatform.onHostMonotonic(hypervisor, 0));
        assertThat(paired.update(true))
                .hasValueSatisfying(p -> assertThat(p.systemTimeNs()).isEqualTo(5 * S));
        assertThat(hypervisor.wallclock()).isEqualTo(new Wallclock(1_699_999_995L, 0));

        Dom0SyncAgent unpaired = agent(SyncPolicy.STEP_AND_PERIODIC, dom0());
        assertThat(unpaired.update(true))
                .hasValueSatisfying(p -> assertThat(p.systemTimeNs()).isEqualTo(5 * S + 40_000));
        assertThat(hypervisor.wallclock()).isEqualTo(new Wallclock(1_699_999_994L, 999_960_000));
    }

    @Test
    void firstNotificationPushesSettime64AndStoresWallTimeAtSystemTimeZero() {
        // dom0 realtime 1_700_000_000.123456789 s, Xen system time 5 s
        //   => W = 1_700_000_000.123456789 - 5 = 1_699_999_995.123456789
        host.realtimeNs = 1_700_000_000L * S + 123_456_789;
        systemTimeNs = 5 * S;
        Dom0SyncAgent agent = agent(SyncPolicy.STEP_AND_PERIODIC, dom0());

        assertThat(notify(agent, true)).isEqualTo(NotifyResult.OK);

        assertThat(hypervisor.wallclock()).isEqualTo(new Wallclock(1_699_999_995L, 123_456_789));
        assertThat(pushes).singleElement().satisfies(p -> {
            assertThat(p.reason()).isEqualTo(PushReason.START);
            assertThat(p.cmd()).isEqualTo(PlatformOp.XENPF_SETTIME64);
            assertThat(p.systemTimeNs()).isEqualTo(5 * S);
        });
        assertThat(agent.pushes()).isEqualTo(1);
    }

    @Test
    void ticksBeforeTheDeadlineCostNoHypercallAndTheDeadlineIsElevenMinutesOfRealtime() {
        host.realtimeNs = 1_000_000 * S;
        Dom0SyncAgent agent = agent(SyncPolicy.STEP_AND_PERIODIC, dom0());
        notify(agent, true); // START at realtime 1_000_000 s: next_sync = 1_000_660 s

        host.advance(659 * S); // realtime 1_000_659 s: one second early
        assertThat(notify(agent, false)).isEqualTo(NotifyResult.OK);
        assertThat(agent.hypercalls()).isEqualTo(1);

        host.advance(S); // realtime 1_000_660 s: due (now >= next_sync)
        notify(agent, false);
        assertThat(agent.hypercalls()).isEqualTo(2);
        assertThat(pushes.get(1).reason()).isEqualTo(PushReason.PERIODIC);
        assertThat(pushes.get(1).realtimeNs()).isEqualTo(1_000_660 * S);
        assertThat(agent.notifications()).isEqualTo(3);
    }

    @Test
    void aStepPushesAtOnceAndMovesTheDeadline() {
        host.realtimeNs = 1_000_000 * S;
        Dom0SyncAgent agent = agent(SyncPolicy.STEP_AND_PERIODIC, dom0());
        notify(agent, true);

        host.advance(100 * S);
        host.realtimeNs += 18_000 * S; // NTP steps realtime forward 5 h at realtime 1_000_100 s
        notify(agent, true);
        // next_sync = 1_018_100 + 660 = 1_018_760 s
        host.advance(659 * S);
        notify(agent, false);
        host.advance(S);
        notify(agent, false);

        assertThat(pushes)
                .extracting(PushRecord::reason)
                .containsExactly(PushReason.START, PushReason.STEP, PushReason.PERIODIC);
        assertThat(pushes.get(2).realtimeNs()).isEqualTo(1_018_760 * S);
    }

    @Test
    void settime64AnsweredWithEnosysFallsBackToSettime32ForGood() {
        List<Integer> cmds = new ArrayList<>();
        XenPlatform oldXen = new XenPlatform() {
            @Override
            public PlatformOpResult platformOp(byte[] op) {
                cmds.add(cmdOf(op));
                if (cmdOf(op) == PlatformOp.XENPF_SETTIME64) {
                    return new PlatformOpResult.Failed(XenErrno.ENOSYS, "hypervisor older than Xen 4.6");
                }
                return hypervisor.platformOp(Hypervisor.DOM0, op);
            }

            @Override
            public long systemTimeNs() {
                return systemTimeNs;
            }
        };
        host.realtimeNs = 1_000_000 * S + 5;
        Dom0SyncAgent agent = agent(SyncPolicy.STEP_AND_PERIODIC, oldXen);

        assertThat(notify(agent, true)).isEqualTo(NotifyResult.OK);
        notify(agent, true);

        assertThat(cmds)
                .containsExactly(PlatformOp.XENPF_SETTIME64, PlatformOp.XENPF_SETTIME32, PlatformOp.XENPF_SETTIME32);
        assertThat(agent.settime64Supported()).isFalse();
        assertThat(agent.pushes()).isEqualTo(2);
        assertThat(agent.failedPushes()).isZero();
        assertThat(hypervisor.wallclock()).isEqualTo(new Wallclock(1_000_000, 5));
    }

    @Test
    void anotherErrorReturnsBadAndIsRetriedAtTheNextTick() {
        // Domain 1 is not privileged: Xen answers -EPERM.
        hypervisor.buildDomain(DomainKind.PV, 0);
        boolean[] privileged = {false};
        XenPlatform flaky = new XenPlatform() {
            @Override
            public PlatformOpResult platformOp(byte[] op) {
                return hypervisor.platformOp(privileged[0] ? Hypervisor.DOM0 : 1, op);
            }

            @Override
            public long systemTimeNs() {
                return systemTimeNs;
            }
        };
        host.realtimeNs = 2_000_000 * S;
        Dom0SyncAgent agent = agent(SyncPolicy.STEP_AND_PERIODIC, flaky);

        assertThat(notify(agent, true)).isEqualTo(NotifyResult.BAD);
        assertThat(pushes.getFirst().result().rc()).isEqualTo(-1);

        privileged[0] = true;
        host.advance(S);
        assertThat(notify(agent, false)).isEqualTo(NotifyResult.OK);
        assertThat(pushes.get(1).reason()).isEqualTo(PushReason.RETRY);
        assertThat(agent.failedPushes()).isEqualTo(1);
        assertThat(hypervisor.wallclock()).isEqualTo(new Wallclock(2_000_001, 0));

        host.advance(S); // succeeded at 2_000_001 s: next deadline 2_000_661 s, nothing due now
        notify(agent, false);
        assertThat(agent.hypercalls()).isEqualTo(2);
    }

    // Linux 3.10 kernel/time/ntp.c, sync_cmos_clock:
    //     if (!ntp_synced()) { /* Not synced, exit, do not restart a timer */ return; }
    //     if (abs(now.tv_nsec - (NSEC_PER_SEC / 2)) <= tick_nsec / 2) fail = update_persistent_clock(now);
    //     next.tv_nsec = (NSEC_PER_SEC / 2) - now.tv_nsec - (TICK_NSEC / 2);
    //     if (next.tv_nsec <= 0) next.tv_nsec += NSEC_PER_SEC;
    //     if (!fail) next.tv_sec = 659; else next.tv_sec = 0;
    // and do_adjtimex ends with notify_cmos_timer() = schedule_delayed_work(&sync_cmos_work, 0).
    // TICK_NSEC at HZ = 250 is 4 ms, so a run is aimed 2 ms before x.5 s.

    @Test
    void legacyIsNotArmedWhileUnsynchronisedAndPushesAtTheFirstHalfSecondAfterSync() {
        host.realtimeNs = 3_000_000 * S + 100_000_000L; // realtime x.1 s, monotonic 0
        Dom0SyncAgent agent = agent(SyncPolicy.LEGACY_PERIODIC, dom0());

        notify(agent, true); // a step: legacy does not notice
        host.advance(2_000 * S);
        notify(agent, false); // 2000 s unsynchronised: no work armed, nothing in 11, 22 min
        assertThat(agent.hypercalls()).isZero();

        host.synchronised = true; // the adjtimex that cleared STA_UNSYNC kicks the work
        notify(agent, false); // runs at realtime 3_002_000.1: |0.1 - 0.5| s > 2 ms, no push;
        assertThat(agent.hypercalls()).isZero(); // next = 0.5 - 0.1 - 0.002 = 0.398 s later
        host.advance(397_999_999L);
        notify(agent, false);
        assertThat(agent.hypercalls()).isZero();
        host.advance(1);
        notify(agent, false); // realtime 3_002_000.498 s: the push
        assertThat(pushes).singleElement().satisfies(p -> {
            assertThat(p.reason()).isEqualTo(PushReason.PERIODIC);
            assertThat(p.realtimeNs()).isEqualTo(3_002_000 * S + 498_000_000L);
        });
        // next: 659 s + (0.5 - 0.498 - 0.002 = 0 -> +1 s) = 660 s, at realtime 3_002_660.498.
        host.advance(660 * S - 1);
        notify(agent, false);
        assertThat(pushes).hasSize(1);
        host.advance(1);
        notify(agent, false);
        assertThat(pushes).hasSize(2);
        assertThat(pushes.get(1).realtimeNs()).isEqualTo(3_002_660 * S + 498_000_000L);
    }

    @Test
    void legacyRunThatFindsNtpUnsynchronisedStopsUntilTheNextSync() {
        host.realtimeNs = 500 * S + 498_000_000L; // already at x.498: in the tick_nsec/2 window
        host.synchronised = true;
        Dom0SyncAgent agent = agent(SyncPolicy.LEGACY_PERIODIC, dom0());
        notify(agent, false); // kicked and in the window: pushes at once
        assertThat(pushes).hasSize(1);

        host.synchronised = false; // NTP lost sync before the next run
        host.advance(660 * S);
        notify(agent, false); // the run exits without re-arming
        host.advance(3 * 660 * S);
        notify(agent, false);
        assertThat(pushes).hasSize(1);

        host.synchronised = true; // resynchronised: the adjtimex kicks it again; still at x.498,
        notify(agent, false); // inside the window, so it pushes at once
        assertThat(pushes).hasSize(2);
        host.advance(S);
        notify(agent, false); // and is re-armed 660 s on, not every tick
        assertThat(pushes).hasSize(2);
    }

    @Test
    void legacyFailedPushIsRetriedAtTheNextHalfSecond() {
        host.realtimeNs = 500 * S + 498_000_000L;
        host.synchronised = true;
        boolean[] refuse = {true};
        XenPlatform flaky = new XenPlatform() {
            @Override
            public long systemTimeNs() {
                return systemTimeNs;
            }

            @Override
            public PlatformOpResult platformOp(byte[] op) {
                return refuse[0]
                        ? new PlatformOpResult.Failed(XenErrno.EPERM, "refused")
                        : hypervisor.platformOp(0, op);
            }
        };
        Dom0SyncAgent agent = agent(SyncPolicy.LEGACY_PERIODIC, flaky);
        assertThat(notify(agent, false)).isEqualTo(NotifyResult.BAD);
        // if (fail) next.tv_sec = 0: next.tv_nsec = 0.5 - 0.498 - 0.002 = 0 -> 1 s.
        refuse[0] = false;
        host.advance(S - 1);
        notify(agent, false);
        assertThat(agent.pushes()).isZero();
        host.advance(1);
        assertThat(notify(agent, false)).isEqualTo(NotifyResult.OK);
        assertThat(agent.pushes()).isEqualTo(1);
    }

    @Test
    void rejectsANonPositivePeriod() {
        assertThatThrownBy(() -> new Dom0SyncAgent(host, () -> 0, dom0(), SyncPolicy.LEGACY_PERIODIC, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("periodNs must be > 0");
    }
}
