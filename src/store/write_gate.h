/* write_gate.h — this process's writers to one store file queue on a
 * mutex before they ask SQLite for its write lock.
 *
 * SQLite lets one connection write at a time; the others retry from their
 * busy handler, which can only poll (store.c's sleeps 100 microseconds a
 * try). When a server's threads each write an audit entry per request,
 * the loser of every collision slept while the lock was long free again:
 * two threads then served fewer recommendations than one. Queued on a
 * mutex, the next writer is woken the moment the previous one commits.
 * Other processes writing the same file still meet SQLite's lock and the
 * busy handler, as before. */
#ifndef TL_STORE_WRITE_GATE_H
#define TL_STORE_WRITE_GATE_H

typedef struct tl_write_gate tl_write_gate;

/* The gate of the file at path (an existing file: looked up by device and
 * inode, so any spelling of the path finds the same gate). Gates live as
 * long as the process. NULL when the file cannot be examined or the
 * process already holds gates for TL_WRITE_GATES other files: the caller
 * then relies on SQLite's lock alone. */
#define TL_WRITE_GATES 32
tl_write_gate *tl_write_gate_for(const char *path);

/* Waits up to timeout_ms for the gate: 0 once held, -1 on time out. Not
 * recursive: a thread that already holds it times out. */
int tl_write_gate_enter(tl_write_gate *g, int timeout_ms);
void tl_write_gate_leave(tl_write_gate *g);

#endif
