/**
 * Notifier chains modelled on Linux kernel/notifier.c: priority-ordered callbacks that return
 * {@link io.wallsync.core.notify.NotifyResult} values and may stop the chain.
 */
package io.wallsync.core.notify;
