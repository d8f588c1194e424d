package io.wallsync.client;

/** Called when a page's step generation changes. Must not block for long. */
@FunctionalInterface
public interface StepListener {
    void onStep(StepEvent event);
}
