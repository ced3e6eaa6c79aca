/* synth.c — the synthetic bank's driver: checks options, opens the output
 * files, walks the customers one by one and shows progress (see synth.h).
 *
 * Memory is the writers' buffers (about 7 MiB) plus one tl_person on the
 * stack; nothing grows with the number of customers. */
#include "synth/synth.h"
#include "synth/model.h"
#include "base/progress.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_CUSTOMERS 100000000u

void tl_synth_opts_default(tl_synth_opts *o)
{
    memset(o, 0, sizeof *o);
    o->seed = 42;
    o->customers = 1000;
    o->months = 18;
    o->raw_transactions = true;
    /* A fixed month, not "now": the same options must give the same files
     * on any day. */
    o->end_month_index = 2026 * 12 + 9; /* October 2026 */
    o->progress = false;
}

static int check_opts(const tl_synth_opts *o, const char *dir, tl_err *err)
{
    if (!o || !dir || !*dir)
        return tl_err_set(err, TL_EINPUT, "no output directory given");
    if (o->customers < 1 || o->customers > MAX_CUSTOMERS)
        return tl_err_set(err, TL_EINPUT, "customers must be 1 to %u, not %zu", MAX_CUSTOMERS,
                          o->customers);
    if (o->months < 12 || o->months > 24)
        return tl_err_set(err, TL_EINPUT, "months must be 12 to 24, not %d", o->months);
    if (o->end_month_index < 1990 * 12 || o->end_month_index > 2200 * 12)
        return tl_err_set(err, TL_EINPUT, "end month index %d is outside 1990-2200",
                          o->end_month_index);
    struct stat st;
    if (stat(dir, &st) != 0)
        return tl_err_set(err, TL_EIO, "%s: %s", dir, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return tl_err_set(err, TL_EIO, "%s: not a directory", dir);
    return TL_OK;
}

enum { F_CUSTOMERS, F_HOLDINGS, F_POSTS, F_LEDGER, F_REVIEWS, F__N };

int tl_synth_generate_stats(const tl_synth_opts *o, const char *dir, tl_synth_stats *stats,
                            tl_err *err)
{
    int rc = check_opts(o, dir, err);
    if (rc)
        return rc;

    tl_world w;
    tl_world_init(&w, o->seed, o->months, o->end_month_index, o->raw_transactions);
    tl_synth_stats st;
    memset(&st, 0, sizeof st);
    st.products = w.n_products;

    static const struct {
        const char *name, *header;
        size_t cap;
    } files[F__N] = {
        [F_CUSTOMERS] = {"customers.csv", TL_HDR_CUSTOMERS, 1u << 20},
        [F_HOLDINGS] = {"holdings.csv", TL_HDR_HOLDINGS, 256u << 10},
        [F_POSTS] = {"posts.csv", TL_HDR_POSTS, 1u << 20},
        [F_LEDGER] = {NULL, NULL, 4u << 20},
        [F_REVIEWS] = {"reviews.csv", TL_HDR_REVIEWS, 256u << 10},
    };
    tl_csvw out[F__N];
    memset(out, 0, sizeof out);
    for (int i = 0; i < F__N; i++)
        out[i].fd = -1;
    for (int i = 0; i < F__N; i++) {
        const char *name = files[i].name, *header = files[i].header;
        if (i == F_LEDGER) {
            name = o->raw_transactions ? "transactions.csv" : "monthly.csv";
            header = o->raw_transactions ? TL_HDR_TRANSACTIONS : TL_HDR_MONTHLY;
        }
        rc = tl_csvw_open(&out[i], dir, name, files[i].cap, err);
        if (rc)
            goto close;
        tl_csvw_header(&out[i], header);
    }

    st.reviews = tl_reviews_write(&w, o->customers, &out[F_REVIEWS]);

    tl_progress pg;
    tl_progress_start(&pg, "generating", o->customers, o->progress);
    tl_person p;
    for (uint64_t i = 0; i < o->customers; i++) {
        tl_person_make(&p, &w, i);
        tl_person_write(&p, &w, &out[F_CUSTOMERS]);
        st.holdings += tl_person_write_holdings(&p, &w, &out[F_HOLDINGS]);
        st.posts += tl_posts_write(&p, &w, &out[F_POSTS]);
        if (o->raw_transactions)
            st.transactions += tl_ledger_write_raw(&p, &w, &out[F_LEDGER]);
        else
            st.monthly += tl_ledger_write_monthly(&p, &w, &out[F_LEDGER]);
        if ((i & 1023) == 1023) {
            /* A full disk shows up as a sticky write error: stop early. */
            for (int f = 0; f < F__N; f++)
                if (out[f].err_no) {
                    rc = tl_err_set(err, TL_EIO, "%s: %s", out[f].tmp_path,
                                    strerror(out[f].err_no));
                    goto close;
                }
            tl_progress_update(&pg, i + 1);
        }
    }
    tl_progress_end(&pg, o->customers);
    st.customers = o->customers;
    /* Last, so a failed run leaves no new products.json behind either. */
    rc = tl_catalogue_write_json(dir, err);

close:
    for (int i = 0; i < F__N; i++) {
        st.bytes += out[i].bytes;
        tl_err e2;
        tl_err_clear(&e2);
        int rc2 = tl_csvw_close(&out[i], rc == TL_OK, &e2);
        if (rc2 && rc == TL_OK) {
            rc = rc2;
            tl_err_set(err, rc2, "%s", e2.msg);
        }
    }
    if (rc == TL_OK) {
        char path[4096];
        struct stat sb;
        snprintf(path, sizeof path, "%s/products.json", dir);
        if (stat(path, &sb) == 0)
            st.bytes += (uint64_t)sb.st_size;
        if (stats)
            *stats = st;
    }
    return rc;
}

int tl_synth_generate(const tl_synth_opts *o, const char *dir, tl_err *err)
{
    return tl_synth_generate_stats(o, dir, NULL, err);
}
