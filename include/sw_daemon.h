/* sw_daemon.h - the daemon's defaults (src/cmd/daemon.c; its unit is
 * contrib/systemd/sockwatch.service.in). */
#ifndef SW_DAEMON_H
#define SW_DAEMON_H

/* Where the offender history lives (the unit's StateDirectory). */
#define SW_DAEMON_STATE_FILE "/var/lib/sockwatch/state"

#endif
