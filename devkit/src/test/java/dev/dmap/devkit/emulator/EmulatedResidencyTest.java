package dev.dmap.devkit.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EmulatedResidencyTest {
    private static final long GB = 1_000_000_000L;
    private static final EmulatedModel A = EmulatedModel.llm("model-a", 4 * GB, 8192);
    private static final EmulatedModel B = EmulatedModel.llm("model-b", 3 * GB, 8192);
    private static final InstanceConfig CONFIG = InstanceConfig.of(4096, 4);

    private final EmulatedResidency residency = new EmulatedResidency(8 * GB);

    private ModelInstance loaded(EmulatedModel model, boolean jit) {
        ModelInstance instance = residency.reserve(model, CONFIG, jit, false).instance();
        residency.markReady(instance);
        return instance;
    }

    @Test
    void shouldRefuseALoadThatExceedsTheBudget() {
        loaded(A, false);
        loaded(B, false);

        assertThatThrownBy(() -> residency.reserve(EmulatedModel.llm("model-c", 2 * GB, 8192), CONFIG, false, false))
                .isInstanceOfSatisfying(EmulatedResidency.InsufficientMemoryException.class, e -> {
                    assertThat(e.requiredBytes()).isEqualTo(2 * GB);
                    assertThat(e.availableBytes()).isEqualTo(GB);
                });
    }

    @Test
    void shouldCountLoadingInstancesAgainstTheBudget() {
        residency.reserve(A, CONFIG, false, false);

        assertThat(residency.usedBytes()).isEqualTo(4 * GB);
        assertThat(residency.ready()).isEmpty();
    }

    @Test
    void shouldNameDuplicatesWithTheLowestFreeSuffix() {
        ModelInstance first = loaded(B, false);
        ModelInstance second = loaded(B, false);

        assertThat(first.id()).isEqualTo("model-b");
        assertThat(second.id()).isEqualTo("model-b:2");
        residency.remove("model-b");
        assertThat(loaded(B, false).id()).isEqualTo("model-b");
    }

    @Test
    void shouldHideAnInstanceFromRoutingUntilItsLoadCompletes() {
        ModelInstance loading = residency.reserve(A, CONFIG, true, true).instance();

        assertThat(residency.route("model-a")).isEmpty();
        assertThat(residency.markReady(loading)).isEqualTo(1);
        assertThat(residency.route("model-a")).contains(loading);
    }

    @Test
    void shouldStartADuplicateJitLoadWhileTheFirstIsStillLoading() {
        ModelInstance first = residency.reserve(B, CONFIG, true, true).instance();

        EmulatedResidency.Reservation second = residency.reserve(B, CONFIG, true, true);

        assertThat(second.fresh()).isTrue();
        assertThat(second.instance().id()).isEqualTo("model-b:2");
        assertThat(second.evicted()).isEmpty();
        assertThat(first.state()).isEqualTo(ModelInstance.State.LOADING);
    }

    @Test
    void shouldUseAJitInstanceThatFinishedLoadingInsteadOfEvictingIt() {
        ModelInstance ready = loaded(A, true);

        EmulatedResidency.Reservation reservation = residency.reserve(A, CONFIG, true, true);

        assertThat(reservation.fresh()).isFalse();
        assertThat(reservation.instance()).isSameAs(ready);
        assertThat(residency.ready()).containsExactly(ready);
    }

    @Test
    void shouldRouteAnExactInstanceIdOrElseTheFirstInstance() {
        ModelInstance first = loaded(B, false);
        ModelInstance second = loaded(B, false);

        assertThat(residency.route("model-b")).contains(first);
        assertThat(residency.route("model-b:2")).contains(second);
        assertThat(residency.route("model-z")).isEmpty();
    }

    @Test
    void shouldEvictEarlierJitInstancesOnAJitLoadWithAutoEvict() {
        ModelInstance jitA = loaded(A, true);

        EmulatedResidency.Reservation reservation = residency.reserve(B, CONFIG, true, true);

        assertThat(reservation.evicted()).containsExactly(jitA);
        assertThat(residency.route("model-a")).isEmpty();
    }

    @Test
    void shouldNeverEvictExplicitlyLoadedInstances() {
        loaded(A, false);

        EmulatedResidency.Reservation reservation = residency.reserve(B, CONFIG, true, true);

        assertThat(reservation.evicted()).isEmpty();
        assertThat(residency.route("model-a")).isPresent();
    }

    @Test
    void shouldKeepJitInstancesWithoutAutoEvict() {
        loaded(A, true);

        assertThat(residency.reserve(B, CONFIG, true, false).evicted()).isEmpty();
    }

    @Test
    void shouldEvictNothingWhenTheNewModelWouldNotFitAnyway() {
        loaded(A, true);
        loaded(B, false);
        EmulatedModel huge = EmulatedModel.llm("huge", 6 * GB, 8192);

        assertThatThrownBy(() -> residency.reserve(huge, CONFIG, true, true))
                .isInstanceOf(EmulatedResidency.InsufficientMemoryException.class);
        assertThat(residency.route("model-a")).isPresent();
    }

    @Test
    void shouldUnloadOnlyLoadedInstances() {
        residency.reserve(A, CONFIG, false, false);

        assertThat(residency.remove("model-a")).isEmpty();
    }

    @Test
    void shouldForgetEverythingOnClear() {
        loaded(A, false);
        residency.reserve(B, CONFIG, false, false);

        assertThat(residency.clear()).hasSize(2);
        assertThat(residency.usedBytes()).isZero();
    }
}
