/** The simulator face: the whole wallclock system in virtual time. */
package io.wallsync.sim;
