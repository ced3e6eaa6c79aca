/* checkpointer.h — keeps a busy store's write-ahead log short from a
 * thread of its own, so that no request pays for a checkpoint.
 *
 * By default SQLite checkpoints inside whichever COMMIT pushes the log past
 * 1000 pages: that request copies the log into the database and waits for
 * two fsyncs (tens of milliseconds, the p99 of every audited request).
 * A long-running server instead hands its connections to a checkpointer:
 * their commits only signal it when the log has grown, and its thread
 * copies the log back (PASSIVE: writers go on meanwhile), then restarts it
 * (RESTART: a short pause for writers while the last few frames are copied
 * and readers of older snapshots finish) so that the file stays small. */
#ifndef TL_STORE_CHECKPOINTER_H
#define TL_STORE_CHECKPOINTER_H

#include "base/err.h"
#include "store/store.h"

typedef struct tl_checkpointer tl_checkpointer;

/* Starts the thread with a connection of its own to the store at path.
 * It checkpoints when a handed-over connection's commit leaves at least
 * `log_bytes` of pages in the log, and every second when there is
 * anything to copy. *out is freed by tl_checkpointer_stop(). */
int tl_checkpointer_start(const char *path, long log_bytes, tl_checkpointer **out,
                          tl_err *err);

/* Turns off st's own automatic checkpoints and has its commits signal c.
 * c must outlive every commit on st (stop c after closing st's users). */
void tl_checkpointer_adopt(tl_checkpointer *c, tl_store *st);

/* Checkpoints passes made, and how many of them restarted the log. */
void tl_checkpointer_counts(tl_checkpointer *c, long long *passes, long long *restarts);

/* Stops the thread (after the pass in progress) and frees c. Accepts NULL.
 * Connections adopted by c keep no reference to it once they are closed. */
void tl_checkpointer_stop(tl_checkpointer *c);

#endif
