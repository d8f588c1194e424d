/**
 * The NTP face's pure logic (RFC 5905): timestamp formats and eras, the packet codec, request
 * classification, the response header derived from the host's sync state, and per-client rate
 * limiting. No I/O and no clock reads: the UDP loop in {@code io.wallsync.adapters.ntp} passes the
 * times in.
 */
package io.wallsync.core.ntp;
