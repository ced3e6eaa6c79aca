/* txnkeys.h — test data for the store's transaction keying (store/bulk.h). */
#ifndef TL_TEST_TXNKEYS_H
#define TL_TEST_TXNKEYS_H

/* Writes two txn_ids "X<a>" and "X<b>" whose home slots collide (for any
 * owner: the home depends on the txn_id only) into a and b. Fails the test
 * when none is found among the first 300,000. */
void tu_colliding_txn_ids(char a[16], char b[16]);

#endif
