package io.wallsync.core.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class NotifierChainTest {

    private static NotifierBlock<String> recorder(List<String> log, String name, NotifyResult answer) {
        return event -> {
            log.add(name + ":" + event);
            return answer;
        };
    }

    @Test
    void resultValuesAreThoseOfLinuxNotifierH() {
        assertThat(NotifyResult.DONE.linuxValue()).isEqualTo(0x0000);
        assertThat(NotifyResult.OK.linuxValue()).isEqualTo(0x0001);
        // include/linux/notifier.h: #define NOTIFY_OK 0x0001, #define NOTIFY_STOP_MASK 0x8000,
        // #define NOTIFY_STOP (NOTIFY_OK|NOTIFY_STOP_MASK) = 0x8001.
        assertThat(NotifyResult.STOP.linuxValue()).isEqualTo(0x8001);
        assertThat(NotifyResult.BAD.linuxValue()).isEqualTo(0x8002);
        assertThat(NotifyResult.DONE.stopsChain()).isFalse();
        assertThat(NotifyResult.OK.stopsChain()).isFalse();
        assertThat(NotifyResult.STOP.stopsChain()).isTrue();
        assertThat(NotifyResult.BAD.stopsChain()).isTrue();
    }

    @Test
    void emptyChainAnswersDone() {
        assertThat(new NotifierChain<String>().call("x")).isEqualTo(NotifyResult.DONE);
    }

    @Test
    void higherPriorityRunsFirstAndEqualPrioritiesRunInRegistrationOrder() {
        List<String> log = new ArrayList<>();
        NotifierChain<String> chain = new NotifierChain<>();
        chain.register(recorder(log, "low", NotifyResult.OK), -5);
        chain.register(recorder(log, "mid1", NotifyResult.OK), 0);
        chain.register(recorder(log, "high", NotifyResult.OK), 10);
        chain.register(recorder(log, "mid2", NotifyResult.OK), 0);

        NotifyResult result = chain.call("e");

        assertThat(log).containsExactly("high:e", "mid1:e", "mid2:e", "low:e");
        assertThat(result).isEqualTo(NotifyResult.OK);
        assertThat(chain.callCount()).isEqualTo(1);
        assertThat(chain.blockCallCount()).isEqualTo(4);
    }

    @Test
    void returnsTheLastAnswerWhenNothingStops() {
        List<String> log = new ArrayList<>();
        NotifierChain<String> chain = new NotifierChain<>();
        chain.register(recorder(log, "a", NotifyResult.OK), 2);
        chain.register(recorder(log, "b", NotifyResult.DONE), 1);
        assertThat(chain.call("e")).isEqualTo(NotifyResult.DONE);
    }

    @Test
    void stopEndsTheWalkAndIsReturned() {
        List<String> log = new ArrayList<>();
        NotifierChain<String> chain = new NotifierChain<>();
        chain.register(recorder(log, "first", NotifyResult.OK), 3);
        chain.register(recorder(log, "stopper", NotifyResult.STOP), 2);
        chain.register(recorder(log, "never", NotifyResult.OK), 1);

        assertThat(chain.call("e")).isEqualTo(NotifyResult.STOP);
        assertThat(log).containsExactly("first:e", "stopper:e");
        assertThat(chain.stoppedCount()).isEqualTo(1);
    }

    @Test
    void badAlsoStopsBecauseItCarriesTheStopMask() {
        List<String> log = new ArrayList<>();
        NotifierChain<String> chain = new NotifierChain<>();
        chain.register(recorder(log, "veto", NotifyResult.BAD), 1);
        chain.register(recorder(log, "never", NotifyResult.OK), 0);

        assertThat(chain.call("e")).isEqualTo(NotifyResult.BAD);
        assertThat(log).containsExactly("veto:e");
    }

    @Test
    void unregisterRemovesTheBlockByRegistrationOrByBlock() {
        List<String> log = new ArrayList<>();
        NotifierChain<String> chain = new NotifierChain<>();
        Registration<String> a = chain.register(recorder(log, "a", NotifyResult.OK), 0);
        NotifierBlock<String> bBlock = recorder(log, "b", NotifyResult.OK);
        chain.register(bBlock, 0);

        assertThat(a.unregister()).isTrue();
        assertThat(a.isRegistered()).isFalse();
        assertThat(a.unregister()).isFalse();
        assertThat(chain.unregister(bBlock)).isTrue();
        assertThat(chain.unregister(bBlock)).isFalse();
        assertThat(chain.size()).isZero();
        assertThat(chain.call("e")).isEqualTo(NotifyResult.DONE);
        assertThat(log).isEmpty();
    }

    @Test
    void registeringTheSameBlockTwiceIsRefusedLikeEexist() {
        NotifierChain<String> chain = new NotifierChain<>();
        NotifierBlock<String> block = e -> NotifyResult.OK;
        chain.register(block, 0);
        assertThatThrownBy(() -> chain.register(block, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already registered");
    }

    @Test
    void aBlockMayUnregisterItselfDuringTheWalkAndTheRestStillRun() {
        List<String> log = new ArrayList<>();
        NotifierChain<String> chain = new NotifierChain<>();
        List<Registration<String>> self = new ArrayList<>();
        self.add(chain.register(
                e -> {
                    log.add("once:" + e);
                    self.get(0).unregister();
                    return NotifyResult.OK;
                },
                1));
        chain.register(recorder(log, "after", NotifyResult.OK), 0);

        chain.call("1");
        chain.call("2");

        assertThat(log).containsExactly("once:1", "after:1", "after:2");
    }

    /** Whatever the priorities, the calling order is by priority descending, ties by registration. */
    @Property(tries = 200)
    void callingOrderIsAStableSortByDescendingPriority(
            @ForAll @Size(max = 30) List<@IntRange(min = -3, max = 3) Integer> priorities) {
        List<Integer> called = new ArrayList<>();
        NotifierChain<String> chain = new NotifierChain<>();
        for (int i = 0; i < priorities.size(); i++) {
            int index = i;
            chain.register(
                    e -> {
                        called.add(index);
                        return NotifyResult.DONE;
                    },
                    priorities.get(i));
        }
        chain.call("e");

        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < priorities.size(); i++) {
            expected.add(i);
        }
        // List.sort is stable: equal priorities keep registration order.
        expected.sort(Comparator.comparing((Integer i) -> priorities.get(i)).reversed());
        assertThat(called).isEqualTo(expected);
    }
}
