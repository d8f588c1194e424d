/**
 * The NTP face on the network: a UDP server (RFC 5905 server mode) that answers from a domain's
 * wallclock, and the chrony SOCK refclock feed.
 */
package io.wallsync.adapters.ntp;
