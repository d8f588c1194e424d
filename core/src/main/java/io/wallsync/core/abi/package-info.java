/**
 * What every binary structure of the page shares: the field descriptor type ({@link
 * io.wallsync.core.abi.AbiField}) that docs and C header are checked against, and the one seqlock
 * protocol ({@link io.wallsync.core.abi.Seqlock}) behind Xen's wc_version, vcpu_time_info's version
 * and the extension's seq_count.
 */
package io.wallsync.core.abi;
