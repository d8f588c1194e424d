/**
 * Ports: the small interfaces through which the pure core receives time and memory. Adapters
 * (Linux, simulator) implement them; the core never depends on an implementation.
 */
package io.wallsync.core.port;
