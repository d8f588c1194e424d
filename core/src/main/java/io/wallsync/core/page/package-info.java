/**
 * The wallsync page ABI: layout constants and the codes stored in the extension after Xen's
 * shared_info. Writer and readers share these and nothing else.
 */
package io.wallsync.core.page;
