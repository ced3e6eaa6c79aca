/* fuzz_propensity_model.c — the propensity model loader over arbitrary
 * bytes: must never crash, leak or read out of bounds; a model it accepts
 * must predict a probability for a small table without trouble. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "recommend/propensity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tl_prop_model *m = NULL;
    tl_err err;
    if (tl_prop_model_load_mem((const char *)data, size, &m, &err) != 0)
        return 0;
    /* predict on a one-row table with the columns the fuzz corpus uses */
    static const char *const names[] = {"a", "b", "y"};
    static const char *const row[] = {"0.7", "red", "yes"};
    tl_prop_table t;
    tl_prop_table_init(&t);
    if (tl_prop_table_set_header(&t, names, 3, &err) == 0 &&
        tl_prop_table_add_row(&t, row, 3, &err) == 0) {
        size_t r = 0;
        double p;
        if (tl_prop_predict(m, &t, &r, 1, &p, &err) == 0 && !(p >= 0 && p <= 1))
            abort();
    }
    tl_prop_table_free(&t);
    tl_prop_model_free(m);
    return 0;
}
