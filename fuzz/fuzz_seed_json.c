/* fuzz_seed_json.c — the prototype's JSON files (src/ingest/seed.c), both
 * passes, into an in-memory store: must never crash or leak.
 *
 * Input: one byte choosing which of the four files gets the rest of the
 * input (byte % 4); the other three are small valid files. The files go to
 * a temporary directory made once per process. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
    const char *name, *good;
} files[4] = {
    {"customer_profile.json",
     "[{\"CustomerID\":\"C1\",\"FirstName\":\"A\",\"LastName\":\"B\",\"Age\":\"30\","
     "\"CurrentBalance\":\"10\",\"PlasticCard\":\"Visa Gold\"}]"},
    {"products.json",
     "[{\"product_id\":\"1\",\"name\":\"Visa Gold\",\"category\":\"Plastic Card\","
     "\"customer_reviews\":[\"ok\"]}]"},
    {"customer_monthly_transaction_insights.json",
     "[{\"CustomerID\":\"C1\",\"Transaction_Insights\":[{\"Month\":\"Jan 2024\","
     "\"Total_Transaction_Amount\":10,\"Total_Transaction_Count\":1}]}]"},
    {"non_contradictory_social_media_posts.json",
     "[{\"CustomerID\":\"C1\",\"Platform\":\"X\",\"Topic\":\"T\",\"Post\":\"hi\"}]"},
};

static char dir[64];

static void remove_dir(void)
{
    for (int i = 0; i < 4; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, files[i].name);
        unlink(path);
    }
    rmdir(dir);
}

static void put(const char *name, const void *p, size_t n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (n && fwrite(p, 1, n, f) != n)
        abort();
    fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/tailor-fuzz-seed-XXXXXX");
        if (!mkdtemp(dir))
            abort();
        atexit(remove_dir);
    }
    int which = data[0] % 4;
    for (int i = 0; i < 4; i++) {
        if (i == which)
            put(files[i].name, data + 1, size - 1);
        else
            put(files[i].name, files[i].good, strlen(files[i].good));
    }
    tl_source *src[8];
    size_t n = 0;
    tl_err err;
    if (tl_seed_sources(dir, src, &n, &err) == 0) {
        tl_import_counts counts;
        int rc = tl_import_run(":memory:", src, n, false, &counts, &err);
        if (rc == TL_EDB || rc == TL_EINTERNAL)
            abort();   /* the check pass let through what the store refused */
        if (rc == TL_EINPUT && strncmp(err.msg, dir, strlen(dir)) != 0)
            abort();   /* a rejection names the file */
    }
    return 0;
}
