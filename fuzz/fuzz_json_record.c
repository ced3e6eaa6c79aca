/* fuzz_json_record.c — tl_record answers every field and list exactly as a
 * jansson tree of the same text does, and reads in one pass only text that
 * jansson accepts as an object. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json_record.h"

/* What a field read from jansson's tree was, before tl_record. */
static const char *tree_field(const json_t *doc, const char *key, char *buf, size_t size)
{
    json_t *x = json_object_get(doc, key);
    if (json_is_string(x))
        return json_string_value(x);
    if (json_is_number(x)) {
        snprintf(buf, size, "%g", json_number_value(x));
        return buf;
    }
    if (json_is_boolean(x))
        return json_is_true(x) ? "Yes" : "No";
    return "";
}

typedef struct list {
    char text[4096];
    size_t len, stop_after;
} list;

static int collect(void *ctx, const char *s)
{
    list *l = ctx;
    int n = snprintf(l->text + l->len, sizeof l->text - l->len, "%s|", s);
    if (n > 0 && (size_t)n < sizeof l->text - l->len)
        l->len += (size_t)n;
    return --l->stop_after == 0;
}

static void check_key(const tl_record *r, const json_t *doc, const char *key)
{
    char a[64], b[64];
    const char *got = tl_record_field(r, key, a, sizeof a);
    const char *want = tree_field(doc, key, b, sizeof b);
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "field %s: record \"%s\", tree \"%s\"\n", key, got, want);
        abort();
    }
    list mine = {.stop_after = 3}, tree = {.stop_after = 3};
    size_t calls = tl_record_strings(r, key, collect, &mine);
    size_t i, tree_calls = 0;
    json_t *v;
    json_array_foreach(json_object_get(doc, key), i, v) {
        if (!json_is_string(v))
            continue;
        tree_calls++;
        if (collect(&tree, json_string_value(v)))
            break;
    }
    if (calls != tree_calls || strcmp(mine.text, tree.text) != 0) {
        fprintf(stderr, "list %s: record %zu \"%s\", tree %zu \"%s\"\n", key, calls, mine.text,
                tree_calls, tree.text);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    tl_record *r;
    tl_err err;
    if (tl_record_read(text, &r, &err)) {
        free(text);
        return 0;
    }
    json_t *doc = json_loads(text, 0, NULL);
    if (tl_record_scanned(r) && !json_is_object(doc)) {
        fprintf(stderr, "read in one pass, but jansson refuses it as an object\n");
        abort();
    }
    const char *key;
    json_t *value;
    json_object_foreach(doc, key, value)
        check_key(r, doc, key);
    static const char *const others[] = {"", "a", "b", "FirstName", "x y", "\xc3\xa9"};
    for (size_t k = 0; k < sizeof others / sizeof *others; k++)
        check_key(r, doc, others[k]);
    json_decref(doc);
    tl_record_free(r);
    free(text);
    return 0;
}
