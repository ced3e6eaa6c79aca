/* txnkeys.h — test data for transaction tests: colliding txn_ids for the
 * store's keying (store/bulk.h), a customer to own transactions. */
#ifndef TL_TEST_TXNKEYS_H
#define TL_TEST_TXNKEYS_H

#include "store/customers.h"

/* Writes two txn_ids "X<a>" and "X<b>" whose home slots collide (for any
 * owner: the home depends on the txn_id only) into a and b. Fails the test
 * when none is found among the first 300,000. */
void tu_colliding_txn_ids(char a[16], char b[16]);

/* A customer to own transactions: id as name too, age 40, income 1000, an
 * empty document. The strings are borrowed from id and literals. */
tl_customer tu_txn_customer(const char *id);

#endif
