package io.wallsync.client;

import io.wallsync.core.page.PushReason;

/**
 * The page's step generation changed: this domain's wall time jumped.
 *
 * @param previousGeneration the generation seen before
 * @param generation the new generation
 * @param wallclockChangeNs how far wall time moved (new wc - old wc, ns); positive = forward
 * @param reason why the daemon pushed (STEP for a host clock step, OFFSET_CHANGE for this domain)
 */
public record StepEvent(long previousGeneration, long generation, long wallclockChangeNs, PushReason reason) {}
