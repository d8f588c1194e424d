package io.wallsync.adapters.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/** The FFM bindings against the real /dev/kvm (skipped where it is missing). */
class KvmTest {
    private static void needsKvm() {
        String why = Kvm.unavailableReason();
        assumeTrue(why == null, () -> "skipped: needs /dev/kvm: " + why);
    }

    @Test
    void theCapabilitiesTheVmmNeedsAreReported() throws Exception {
        needsKvm();
        try (Kvm kvm = Kvm.open()) {
            assertThat(kvm.checkExtension(Kvm.KVM_CAP_IRQCHIP)).isPositive();
            assertThat(kvm.checkExtension(Kvm.KVM_CAP_IMMEDIATE_EXIT)).isPositive();
            assertThat(kvm.checkExtension(Kvm.KVM_CAP_X86_USER_SPACE_MSR)).isPositive();
            assertThat(kvm.checkExtension(Kvm.KVM_CAP_X86_MSR_FILTER)).isPositive();
            // sizeof(struct kvm_run) is 0x930, so the mapping is at least one page.
            assertThat(kvm.vcpuMmapSize()).isGreaterThanOrEqualTo(4096);
            assertThat(kvm.supportedCpuid()).anyMatch(e -> e.function() == 1);
        }
    }

    @Test
    void aFailedIoctlNamesTheCallAndTheErrno() throws Exception {
        needsKvm();
        try (Kvm kvm = Kvm.open();
                KvmVm vm = kvm.createVm()) {
            vm.createVcpu(0);
            // kvm_vm_ioctl_create_vcpu: a second vCPU with the same id is -EEXIST.
            assertThatThrownBy(() -> vm.createVcpu(0))
                    .isInstanceOf(KvmException.class)
                    .hasMessage("KVM_CREATE_VCPU failed: EEXIST (17): already exists")
                    .satisfies(e -> assertThat(((KvmException) e).errnoName()).isEqualTo("EEXIST"));
            // The clock of a fresh VM starts near 0 and KVM says whether realtime comes with it.
            KvmClockData c = vm.clock();
            assertThat(c.clockNs()).isNotNegative();
        }
    }

    @Test
    void errnoNamesFollowTheKernelHeaders() {
        // include/uapi/asm-generic/errno-base.h: EINTR 4, EACCES 13, EINVAL 22; errno.h: ENOSYS 38.
        assertThat(Errno.name(4)).isEqualTo("EINTR");
        assertThat(Errno.name(13)).isEqualTo("EACCES");
        assertThat(Errno.name(22)).isEqualTo("EINVAL");
        assertThat(Errno.name(38)).isEqualTo("ENOSYS");
        assertThat(Errno.name(200)).isEqualTo("errno 200");
        assertThat(new KvmException("KVM_RUN", 14).getMessage()).isEqualTo("KVM_RUN failed: EFAULT (14): bad address");
    }

    @Test
    void exitsAreDecodedByName() {
        assertThat(KvmExit.of(2)).isEqualTo(KvmExit.IO);
        assertThat(KvmExit.of(30)).isEqualTo(KvmExit.X86_WRMSR);
        assertThat(KvmExit.describe(17)).isEqualTo("KVM_EXIT_INTERNAL_ERROR (17)");
        assertThat(KvmExit.describe(99)).isEqualTo("KVM_EXIT_? (99)");
    }
}
