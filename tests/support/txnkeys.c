/* txnkeys.c — two txn_ids with the same home slot, found by sorting the
 * homes of "X0".."X299999" (see txnkeys.h). */
#include "txnkeys.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "store/bulk.h"

typedef struct slot_of {
    int64_t slot;
    int i;
} slot_of;

static int by_slot(const void *a, const void *b)
{
    const slot_of *x = a, *y = b;
    return x->slot < y->slot ? -1 : x->slot > y->slot ? 1 : x->i - y->i;
}

void tu_colliding_txn_ids(char a[16], char b[16])
{
    enum { N = 300000 };
    slot_of *v = malloc(N * sizeof *v);
    assert_non_null(v);
    for (int i = 0; i < N; i++) {
        char id[16];
        int n = snprintf(id, sizeof id, "X%d", i);
        v[i] = (slot_of){tl_store_txn_home(0, id, (size_t)n), i};
    }
    qsort(v, N, sizeof *v, by_slot);
    int found = -1;
    for (int i = 1; i < N && found < 0; i++)
        if (v[i].slot == v[i - 1].slot)
            found = i;
    assert_true(found > 0);
    snprintf(a, 16, "X%d", v[found - 1].i);
    snprintf(b, 16, "X%d", v[found].i);
    free(v);
}

tl_customer tu_txn_customer(const char *id)
{
    tl_customer c = {0};
    c.id = (char *)id;
    c.name = (char *)id;
    c.age = 40;
    c.income = 1000;
    c.doc = "{}";
    return c;
}
