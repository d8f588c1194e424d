/** Guest operating systems as the hypervisor sees them: what they read and what they believe. */
package io.wallsync.core.guest;
