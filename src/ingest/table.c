/* table.c — generic CSV / JSON Lines / JSON array sources, one kind of
 * record per file (docs/formats.md).
 *
 * Both passes stream the file through a reader that turns each record into
 * the kind's canonical fields (header names and JSON keys are matched
 * ignoring case, '_', '-', '.' and blanks, plus a few prototype aliases).
 * The check pass keeps only ID sets: the IDs this import introduces (in
 * the tl_import), a cache of IDs found in the store, and 64-bit
 * fingerprints of (customer, txn_id)-like pairs to find duplicates (for
 * monthly totals and holdings, one per customer while a file keeps each
 * customer's records together: pair_runs); a
 * fingerprint match is confirmed by re-reading the file up to that row,
 * so a hash collision can never reject a good file. Raw transactions skip
 * the check pass: the write pass makes the same checks as it reads them,
 * then batches, sorts and writes them (see "Transactions are checked and
 * written in one pass" below). */
#include "ingest/table.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/isotime.h"
#include "base/memhint.h"
#include "base/month.h"
#include "base/str.h"
#include "base/strset.h"
#include "govern/consent_change.h"
#include "govern/optout_change.h"
#include "ingest/csv.h"
#include "ingest/jsonl.h"
#include "ingest/jsonpos.h"
#include "ingest/owners.h"
#include "recommend/contact_policy.h"
#include "store/bulk.h"
#include "store/customers.h"
#include "store/event_tally.h"
#include "store/events.h"
#include "store/holdings.h"
#include "store/monthly.h"
#include "store/posts.h"
#include "store/products.h"
#include "store/transactions.h"

#define MAXF 16                            /* canonical fields per kind, at most */
#define ID_MAX_CHARS 64
#define JSON_MAX_BYTES ((size_t)512 << 20) /* a .json array file is read whole */
#define PROGRESS_MIN_ROWS 100000

/* ---- schemas ---------------------------------------------------------------- */

typedef struct fdef {
    const char *name;          /* canonical, as in docs/formats.md */
    const char *alias[3];      /* other accepted names (the prototype's) */
    bool required;
    bool pii;                  /* never echoed in messages */
} fdef;

enum { C_ID, C_FIRST, C_LAST, C_NAME, C_GENDER, C_EMAIL, C_PHONE, C_AGE, C_CITY, C_COUNTRY,
       C_BALANCE, C_CURRENCY, C_INCOME, C_RISK, C_STATUS, C_CONTACT, C_N };
static const fdef customer_fields[C_N] = {
    [C_ID] = {"customer_id", {NULL}, true, false},
    [C_FIRST] = {"first_name", {NULL}, false, true},
    [C_LAST] = {"last_name", {NULL}, false, true},
    [C_NAME] = {"name", {"full_name"}, false, true},
    [C_GENDER] = {"gender", {NULL}, false, false},
    [C_EMAIL] = {"email", {"email_address"}, false, true},
    [C_PHONE] = {"phone", {"phone_number"}, false, true},
    [C_AGE] = {"age", {NULL}, false, false},
    [C_CITY] = {"city", {NULL}, false, false},
    [C_COUNTRY] = {"country", {NULL}, false, false},
    [C_BALANCE] = {"balance", {"current_balance"}, false, false},
    [C_CURRENCY] = {"currency", {NULL}, false, false},
    [C_INCOME] = {"income", {"monthly_income"}, false, false},
    [C_RISK] = {"risk_profile", {NULL}, false, false},
    [C_STATUS] = {"account_status", {NULL}, false, false},
    [C_CONTACT] = {"preferred_contact", {"preferred_contact_method"}, false, false},
};

enum { P_ID, P_NAME, P_CATEGORY, P_N };
static const fdef product_fields[P_N] = {
    [P_ID] = {"product_id", {NULL}, true, false},
    [P_NAME] = {"name", {"product_name"}, true, false},
    [P_CATEGORY] = {"category", {NULL}, true, false},
};

enum { R_PRODUCT, R_TEXT, R_RATING, R_N };
static const fdef review_fields[R_N] = {
    [R_PRODUCT] = {"product_id", {NULL}, true, false},
    [R_TEXT] = {"text", {"review", "review_text"}, true, false},
    [R_RATING] = {"rating", {"stars"}, false, false},
};

enum { H_CUSTOMER, H_PRODUCT, H_SINCE, H_N };
static const fdef holding_fields[H_N] = {
    [H_CUSTOMER] = {"customer_id", {NULL}, true, false},
    [H_PRODUCT] = {"product_id", {NULL}, true, false},
    [H_SINCE] = {"since", {"opened", "opened_at"}, false, false},
};

enum { M_CUSTOMER, M_MONTH, M_TOTAL, M_COUNT, M_N };
static const fdef monthly_fields[M_N] = {
    [M_CUSTOMER] = {"customer_id", {NULL}, true, false},
    [M_MONTH] = {"month", {NULL}, true, false},
    [M_TOTAL] = {"total", {"total_transaction_amount", "amount"}, true, false},
    [M_COUNT] = {"count", {"total_transaction_count"}, true, false},
};

enum { T_CUSTOMER, T_TXN, T_DATE, T_AMOUNT, T_DIRECTION, T_CURRENCY, T_CATEGORY, T_MERCHANT,
       T_MODE, T_N };
static const fdef txn_fields[T_N] = {
    [T_CUSTOMER] = {"customer_id", {NULL}, true, false},
    [T_TXN] = {"txn_id", {"transaction_id"}, true, false},
    [T_DATE] = {"date", {"day", "transaction_date"}, true, false},
    [T_AMOUNT] = {"amount", {"transaction_amount"}, true, false},
    [T_DIRECTION] = {"direction", {NULL}, false, false},
    [T_CURRENCY] = {"currency", {NULL}, false, false},
    [T_CATEGORY] = {"category", {"transaction_category"}, false, false},
    [T_MERCHANT] = {"merchant", {NULL}, false, false},
    [T_MODE] = {"payment_mode", {NULL}, false, false},
};

enum { S_CUSTOMER, S_PLATFORM, S_TOPIC, S_TEXT, S_POSTED, S_N };
static const fdef post_fields[S_N] = {
    [S_CUSTOMER] = {"customer_id", {NULL}, true, false},
    [S_PLATFORM] = {"platform", {NULL}, false, false},
    [S_TOPIC] = {"topic", {NULL}, false, false},
    [S_TEXT] = {"text", {"post"}, true, false},
    [S_POSTED] = {"posted_at", {"date", "posted"}, false, false},
};

enum { K_CUSTOMER, K_PERSONALISATION, K_SOCIAL, K_LLM, K_N };
static const fdef consent_fields[K_N] = {
    [K_CUSTOMER] = {"customer_id", {NULL}, true, false},
    [K_PERSONALISATION] = {"personalisation", {"personalization"}, false, false},
    [K_SOCIAL] = {"social_data", {NULL}, false, false},
    [K_LLM] = {"llm", {NULL}, false, false},
};

enum { E_CUSTOMER, E_PRODUCT, E_KIND, E_AT, E_CHANNEL, E_KEY, E_N };
static const fdef event_fields[E_N] = {
    [E_CUSTOMER] = {"customer_id", {NULL}, true, false},
    [E_PRODUCT] = {"product_id", {NULL}, false, false},
    [E_KIND] = {"kind", {"event", "event_type"}, true, false},
    [E_AT] = {"at", {"time", "timestamp", "occurred_at"}, false, false},
    [E_CHANNEL] = {"channel", {NULL}, false, false},
    [E_KEY] = {"idempotency_key", {"event_id"}, false, false},
};

enum { O_CUSTOMER, O_CHANNEL, O_OPTED_OUT, O_N };
static const fdef optout_fields[O_N] = {
    [O_CUSTOMER] = {"customer_id", {NULL}, true, false},
    [O_CHANNEL] = {"channel", {NULL}, true, false},
    [O_OPTED_OUT] = {"opted_out", {"opt_out"}, false, false},
};

static const struct {
    const fdef *fields;
    size_t n;
} schemas[TL_KIND_COUNT] = {
    [TL_KIND_CUSTOMERS] = {customer_fields, C_N},  [TL_KIND_PRODUCTS] = {product_fields, P_N},
    [TL_KIND_REVIEWS] = {review_fields, R_N},      [TL_KIND_HOLDINGS] = {holding_fields, H_N},
    [TL_KIND_MONTHLY] = {monthly_fields, M_N},     [TL_KIND_TRANSACTIONS] = {txn_fields, T_N},
    [TL_KIND_POSTS] = {post_fields, S_N},          [TL_KIND_CONSENT] = {consent_fields, K_N},
    [TL_KIND_EVENTS] = {event_fields, E_N},        [TL_KIND_OPTOUTS] = {optout_fields, O_N},
};

/* Writes the matching form of a field name: ASCII lower case without '_',
 * '-', '.' or blanks. Returns false when it does not fit. */
static bool normalize_name(const char *s, size_t n, char *out, size_t size)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '_' || ch == '-' || ch == '.' || ch == ' ' || ch == '\t')
            continue;
        if (k + 1 >= size)
            return false;
        out[k++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch);
    }
    out[k] = '\0';
    return true;
}

/* ---- the source ------------------------------------------------------------- */

#define NAME_MAX_NORM 48

/* IDs of one kind known to exist, so a file of 30M transactions asks the
 * store once per customer, not once per row. */
typedef struct id_cache {
    tl_strset found;      /* found in the store */
    char last[512];       /* the previous row's ID, already checked */
    bool has_last;
} id_cache;

/* Open-addressing set of 64-bit fingerprints (0 marks an empty slot). */
typedef struct fpset {
    uint64_t *slots;
    size_t cap, len;
} fpset;

/* Transactions waiting to be written, in file order; flushed sorted by
 * home id. */
enum { B_TXN, B_DAY, B_CURRENCY, B_CATEGORY, B_MERCHANT, B_MODE, B_NSTR };
typedef struct batch_row {
    uint32_t off[B_NSTR];   /* offsets into text; NO_TEXT for NULL */
    uint32_t end;           /* offset past the row's last string's NUL */
    double amount;
    int month, direction;
} batch_row;
typedef struct batch_key {
    int64_t home;            /* store/bulk.h */
    uint32_t row;            /* index into rows */
    uint32_t owner;          /* index into the source's owners */
} batch_key;
typedef struct txn_batch {
    tl_buf text;             /* the rows' strings, each NUL-terminated */
    batch_row *rows;
    batch_key *keys, *tmp;   /* tmp: room for sorting keys */
    size_t n, cap;
    size_t limit;            /* rows per batch */
    long first_number;       /* the record number of rows[0] */
    uint32_t number;         /* batches written before this one */
    bool cache_grown;        /* the page cache was sized to the file */
} txn_batch;

/* Duplicate (owner, key) pairs of monthly totals and holdings. Files of
 * these come grouped by customer, so while each owner's records are
 * consecutive a record is checked against its owner's run only (a few
 * fingerprints), and a set keeps one fingerprint per owner instead of one
 * per record: the per-record set's cache misses were a tenth of a monthly
 * import. At the first owner met again after another (or a fingerprint
 * collision between owners), the file is read up to there to fill the
 * per-record set, which checks every later record (`full`). */
typedef struct pair_runs {
    bool full;             /* checking against table_source.pairs */
    fpset owners;          /* fingerprints of the owners met so far */
    tl_buf owner;          /* the current run's owner ID */
    uint64_t *fps;         /* the current run's pair fingerprints; owned */
    size_t n, cap;
} pair_runs;

typedef struct table_source {
    tl_source base;
    tl_table_format fmt;
    const char *mem;      /* borrowed bytes for memory sources, else NULL */
    size_t mem_len;
    bool is_mem;
    const fdef *fields;
    size_t nf;
    char norm[MAXF][4][NAME_MAX_NORM];   /* normalized name and aliases; "" unused */
    id_cache cache[2];                   /* [0] customers, [1] products */
    fpset pairs;                         /* duplicate detection (transactions: write pass) */
    pair_runs runs;                      /* monthly, holdings: `pairs` deferred, see pair_runs */
    uint64_t seed;                       /* fingerprint seed */
    tl_buf scratch;                      /* names, pair keys: reused */
    tl_owner_map owners;                 /* write pass: customers of the transactions */
    txn_batch batch;                     /* write pass: transactions to sort and write */
    tl_event_batch *events;              /* write pass: events for the overview's tally */
} table_source;

/* ---- fingerprints ------------------------------------------------------------ */

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 32;
    x *= 0xd6e8feb86659fd93ULL;
    x ^= x >> 32;
    x *= 0xd6e8feb86659fd93ULL;
    x ^= x >> 32;
    return x;
}

static uint64_t fingerprint(const char *p, size_t n, uint64_t seed)
{
    uint64_t h = seed ^ mix64(n + 0x9E3779B97F4A7C15ULL);
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = mix64(h ^ w) + 0x9E3779B97F4A7C15ULL;
        p += 8;
        n -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, p, n);
    h = mix64(h ^ w ^ ((uint64_t)n << 59));
    return h ? h : 1;
}

static void fpset_free(fpset *f)
{
    free(f->slots);
    memset(f, 0, sizeof *f);
}

/* Makes room for `more` fingerprints beyond those held, keeping the load
 * under 0.8. Returns 0 or TL_ENOMEM. */
static int fpset_reserve(fpset *f, size_t more)
{
    if ((f->len + more) * 5 <= f->cap * 4)
        return TL_OK;
    size_t cap = f->cap ? f->cap * 2 : 1024;
    while ((f->len + more) * 5 > cap * 4)
        cap *= 2;
    uint64_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return TL_ENOMEM;
    tl_mem_hint_huge(slots, cap * sizeof *slots);
    for (size_t i = 0; i < f->cap; i++) {
        uint64_t v = f->slots[i];
        if (!v)
            continue;
        size_t j = (size_t)v & (cap - 1);
        while (slots[j])
            j = (j + 1) & (cap - 1);
        slots[j] = v;
    }
    free(f->slots);
    f->slots = slots;
    f->cap = cap;
    return TL_OK;
}

/* Returns 1 when added, 0 when present already, TL_ENOMEM. */
static int fpset_add(fpset *f, uint64_t h)
{
    if (fpset_reserve(f, 1))
        return TL_ENOMEM;
    size_t j = (size_t)h & (f->cap - 1);
    while (f->slots[j]) {
        if (f->slots[j] == h)
            return 0;
        j = (j + 1) & (f->cap - 1);
    }
    f->slots[j] = h;
    f->len++;
    return 1;
}

/* ---- readers ---------------------------------------------------------------- */

/* One record as canonical fields. Values are NUL-terminated text (JSON
 * numbers formatted into num[]), NULL when absent, null or empty. */
typedef struct rec {
    const char *v[MAXF];
    const char *key[MAXF];     /* the name the file used, for messages */
    size_t vlen[MAXF];
    char num[MAXF][40];
    long line;                 /* CSV: physical line of the row; JSONL: line */
    size_t index;              /* JSON array: element index */
    long number;               /* data records read so far, this one included */
    json_t *obj;               /* JSON formats: the record (borrowed) */
} rec;

typedef struct reader {
    table_source *s;
    tl_csv csv;
    size_t ncols;
    char **header;             /* owned: the CSV header names */
    int *col_field;            /* owned: per column, the field or -1 */
    int field_col[MAXF];
    bool check_all_utf8;       /* every column goes to a JSON doc */
    tl_jsonl jl;
    char *text;                /* JSON array: the whole file (owned unless memory) */
    size_t len;
    json_t *root;
    size_t next;
    rec r;
} reader;

/* Validates UTF-8 (no overlongs, surrogates or NUL). */
static bool utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c >= 0x01 && c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (n - i <= need)
            return false;
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return false;
        i += need + 1;
    }
    return true;
}

/* True when no byte has its high bit set: ASCII, hence valid UTF-8 once
 * NUL bytes are excluded (the CSV reader refuses them). */
static bool all_ascii(const char *p, size_t n)
{
    uint64_t acc = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        acc |= w;
    }
    for (; i < n; i++)
        acc |= (unsigned char)p[i];
    return !(acc & 0x8080808080808080ULL);
}

static size_t utf8_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* Writes a value for a message: quoted-string escapes, cut at about 60
 * bytes on a character boundary. */
static void quote_value(const char *v, char *out, size_t size)
{
    size_t k = 0, i = 0;
    for (; v[i] && k + 8 < size && i < 60; i++) {
        unsigned char ch = (unsigned char)v[i];
        if (ch == '"' || ch == '\\') {
            out[k++] = '\\';
            out[k++] = (char)ch;
        } else if (ch < 0x20 || ch == 0x7f) {
            k += (size_t)snprintf(out + k, size - k, "\\x%02X", ch);
        } else {
            out[k++] = (char)ch;
        }
    }
    if (v[i]) {
        while (k > 0 && ((unsigned char)out[k - 1] & 0xC0) == 0x80)
            k--;   /* drop a cut character's continuation bytes */
        if (k > 0 && ((unsigned char)out[k - 1] & 0xC0) == 0xC0)
            k--;   /* …and its lead byte */
        if (k + 4 <= size) {
            memcpy(out + k, "...", 3);
            k += 3;
        }
    }
    out[k < size ? k : size - 1] = '\0';
}

/* The position prefix of a message about field f (or the record, f < 0):
 * "file:row N, field NAME" or "file:line:column: field NAME". */
static void where(reader *rd, int f, char *out, size_t size)
{
    table_source *s = rd->s;
    const char *path = s->base.path;
    const char *fname = f < 0 ? NULL : rd->r.key[f] ? rd->r.key[f] : s->fields[f].name;
    if (s->fmt == TL_TABLE_CSV) {
        if (fname)
            snprintf(out, size, "%s:row %ld, field %s", path, rd->r.line, fname);
        else
            snprintf(out, size, "%s:row %ld", path, rd->r.line);
        return;
    }
    int line = 1, col = 1;
    const char *key = f < 0 ? NULL : rd->r.key[f];
    if (s->fmt == TL_TABLE_JSONL) {
        tl_jsonpos_step step = {key, 0};
        tl_jsonpos_locate_path(rd->jl.text, rd->jl.len, &step, key ? 1 : 0, &line, &col);
        line = (int)rd->r.line;
    } else {
        tl_jsonpos_locate(rd->text, rd->len, rd->r.index, key, &line, &col);
    }
    if (fname)
        snprintf(out, size, "%s:%d:%d: field %s", path, line, col, fname);
    else
        snprintf(out, size, "%s:%d:%d", path, line, col);
}

/* Fails on field f (or the record when f < 0) with "WHERE: what (value
 * "…")". Returns TL_EINPUT. */
__attribute__((format(printf, 4, 5))) static int fail(reader *rd, int f, tl_err *err,
                                                      const char *fmt, ...)
{
    char pos[TL_ERR_MSG_MAX], what[TL_ERR_MSG_MAX], val[128] = "";
    where(rd, f, pos, sizeof pos);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    const char *v = f >= 0 ? rd->r.v[f] : NULL;
    if (v && rd->s->fields[f].pii) {
        snprintf(val, sizeof val, " (value not shown: personal data)");
    } else if (v) {
        char q[100];
        quote_value(v, q, sizeof q);
        snprintf(val, sizeof val, " (value \"%s\")", q);
    }
    return tl_err_set(err, TL_EINPUT, "%s: %s%s", pos, what, val);
}

static int field_of(table_source *s, const char *name, size_t n)
{
    char norm[NAME_MAX_NORM];
    if (!normalize_name(name, n, norm, sizeof norm) || !norm[0])
        return -1;
    for (size_t f = 0; f < s->nf; f++)
        for (int a = 0; a < 4 && s->norm[f][a][0]; a++)
            if (strcmp(norm, s->norm[f][a]) == 0)
                return (int)f;
    return -1;
}

static void reader_close(reader *rd)
{
    tl_csv_close(&rd->csv);
    tl_jsonl_close(&rd->jl);
    for (size_t i = 0; i < rd->ncols && rd->header; i++)
        free(rd->header[i]);
    free(rd->header);
    free(rd->col_field);
    json_decref(rd->root);
    if (!rd->s->is_mem)
        free(rd->text);
    memset(rd, 0, sizeof *rd);
}

/* Reads and maps the CSV header row. */
static int read_header(reader *rd, tl_err *err)
{
    table_source *s = rd->s;
    int rc = tl_csv_next(&rd->csv, err);
    if (rc < 0)
        return rc;
    rd->r.line = 1;
    if (rc == 0)
        return fail(rd, -1, err, "the file is empty; expected a header row naming the columns");
    rd->ncols = rd->csv.nfields;
    rd->header = calloc(rd->ncols, sizeof *rd->header);
    rd->col_field = malloc(rd->ncols * sizeof *rd->col_field);
    if (!rd->header || !rd->col_field)
        return tl_err_set(err, TL_ENOMEM, "out of memory reading %s", s->base.path);
    for (size_t i = 0; i < rd->ncols; i++) {
        const char *h = tl_csv_field(&rd->csv, i);
        size_t n = tl_csv_field_len(&rd->csv, i);
        if (!utf8_ok((const unsigned char *)h, n))
            return fail(rd, -1, err, "column %zu: the header is not valid UTF-8", i + 1);
        rd->header[i] = tl_strndup(h, n);
        if (!rd->header[i])
            return tl_err_set(err, TL_ENOMEM, "out of memory reading %s", s->base.path);
        tl_strtrim(rd->header[i]);
        if (!rd->header[i][0])
            return fail(rd, -1, err, "column %zu has no name in the header", i + 1);
        for (size_t j = 0; j < i; j++)
            if (strcmp(rd->header[j], rd->header[i]) == 0)
                return fail(rd, -1, err, "column \"%s\" appears twice in the header",
                            rd->header[i]);
        int f = field_of(s, rd->header[i], strlen(rd->header[i]));
        rd->col_field[i] = f;
        if (f < 0)
            continue;
        if (rd->field_col[f] >= 0)
            return fail(rd, -1, err, "columns \"%s\" and \"%s\" both give %s",
                        rd->header[rd->field_col[f]], rd->header[i], s->fields[f].name);
        rd->field_col[f] = (int)i;
    }
    for (size_t f = 0; f < s->nf; f++)
        if (s->fields[f].required && rd->field_col[f] < 0)
            return fail(rd, -1, err, "missing required column \"%s\" for %s",
                        s->fields[f].name, tl_kind_name(s->base.kind));
    return TL_OK;
}

/* Reads a whole file (JSON array format). */
static int read_whole(const char *path, char **text, size_t *len, tl_err *err)
{
    *text = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return tl_err_set(err, TL_EIO, "%s: cannot open: %s", path, strerror(errno));
    int rc = TL_OK;
    size_t cap = 1 << 16, n = 0;
    char *p = malloc(cap);
    for (;;) {
        if (!p) {
            rc = tl_err_set(err, TL_ENOMEM, "out of memory reading %s", path);
            break;
        }
        size_t r = fread(p + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0) {
            if (ferror(f))
                rc = tl_err_set(err, TL_EIO, "%s: read error", path);
            break;
        }
        if (n > JSON_MAX_BYTES) {
            rc = tl_err_set(err, TL_ETOOBIG, "%s: larger than %zu MiB; use JSON Lines (.jsonl) "
                                             "for big files", path, JSON_MAX_BYTES >> 20);
            break;
        }
        if (cap - n < 2) {
            char *q = realloc(p, cap * 2);
            if (!q) {
                free(p);
                p = NULL;
                continue;
            }
            p = q;
            cap *= 2;
        }
    }
    fclose(f);
    if (rc) {
        free(p);
        return rc;
    }
    p[n] = '\0';
    *text = p;
    *len = n;
    return TL_OK;
}

static int reader_open(table_source *s, reader *rd, tl_err *err)
{
    memset(rd, 0, sizeof *rd);
    rd->s = s;
    for (int f = 0; f < MAXF; f++)
        rd->field_col[f] = -1;
    rd->check_all_utf8 =
        s->base.kind == TL_KIND_CUSTOMERS || s->base.kind == TL_KIND_PRODUCTS;
    int rc = TL_OK;
    switch (s->fmt) {
    case TL_TABLE_CSV:
        rc = s->is_mem ? tl_csv_open_mem(&rd->csv, s->base.path, s->mem, s->mem_len, NULL, err)
                       : tl_csv_open(&rd->csv, s->base.path, NULL, err);
        if (!rc)
            rc = read_header(rd, err);
        break;
    case TL_TABLE_JSONL:
        rc = s->is_mem ? tl_jsonl_open_mem(&rd->jl, s->base.path, s->mem, s->mem_len, 0, err)
                       : tl_jsonl_open(&rd->jl, s->base.path, 0, err);
        break;
    case TL_TABLE_JSON: {
        if (s->is_mem) {
            rd->text = (char *)s->mem;
            rd->len = s->mem_len;
        } else if ((rc = read_whole(s->base.path, &rd->text, &rd->len, err))) {
            break;
        }
        json_error_t je;
        rd->root = json_loadb(rd->text, rd->len, JSON_REJECT_DUPLICATES, &je);
        if (!rd->root) {
            rc = tl_err_set(err, TL_EINPUT, "%s:%d:%d: %s", s->base.path, je.line > 0 ? je.line : 1,
                            je.column > 0 ? je.column : 1, je.text);
        } else if (!json_is_array(rd->root)) {
            int line, col;
            tl_jsonpos_locate_path(rd->text, rd->len, NULL, 0, &line, &col);
            rc = tl_err_set(err, TL_EINPUT, "%s:%d:%d: expected a JSON array of %s records",
                            s->base.path, line, col, tl_kind_name(s->base.kind));
        }
        break;
    }
    default:
        rc = tl_err_set(err, TL_EINTERNAL, "%s: unknown format", s->base.path);
    }
    if (rc)
        reader_close(rd);
    return rc;
}

static uint64_t reader_offset(const reader *rd)
{
    switch (rd->s->fmt) {
    case TL_TABLE_CSV:
        return tl_csv_offset(&rd->csv);
    case TL_TABLE_JSONL:
        return tl_jsonl_offset(&rd->jl);
    default: {
        size_t n = json_array_size(rd->root);
        return n ? (uint64_t)((double)rd->len * (double)rd->next / (double)n) : 0;
    }
    }
}

/* Fills the record's fields from a JSON object. */
static int fields_from_json(reader *rd, json_t *obj, tl_err *err)
{
    table_source *s = rd->s;
    rec *r = &rd->r;
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        int f = field_of(s, k, strlen(k));
        if (f < 0)
            continue;
        if (r->key[f]) {
            const char *first = r->key[f];
            r->key[f] = k;
            r->v[f] = NULL;
            return fail(rd, f, err, "keys \"%s\" and \"%s\" both give %s", first, k,
                        s->fields[f].name);
        }
        r->key[f] = k;
        if (json_is_string(v)) {
            r->vlen[f] = json_string_length(v);
            if (r->vlen[f] != strlen(json_string_value(v)))
                return fail(rd, f, err, "text must not contain NUL characters");
            r->v[f] = r->vlen[f] ? json_string_value(v) : NULL;
        } else if (json_is_integer(v)) {
            snprintf(r->num[f], sizeof r->num[f], "%lld", (long long)json_integer_value(v));
            r->v[f] = r->num[f];
        } else if (json_is_real(v)) {
            snprintf(r->num[f], sizeof r->num[f], "%.17g", json_real_value(v));
            r->v[f] = r->num[f];
        } else if (json_is_boolean(v)) {
            r->v[f] = json_is_true(v) ? "true" : "false";
        } else if (!json_is_null(v)) {
            return fail(rd, f, err, "must be text or a number, not an %s",
                        json_is_object(v) ? "object" : "array");
        }
        if (r->v[f])
            r->vlen[f] = strlen(r->v[f]);
    }
    return TL_OK;
}

/* Reads the next record. Returns 1, 0 at the end, or an error. */
static int reader_next(reader *rd, tl_err *err)
{
    table_source *s = rd->s;
    rec *r = &rd->r;
    long number = r->number;
    memset(r->v, 0, sizeof r->v);
    memset(r->key, 0, sizeof r->key);
    r->obj = NULL;
    int rc;
    switch (s->fmt) {
    case TL_TABLE_CSV: {
        rc = tl_csv_next(&rd->csv, err);
        if (rc <= 0)
            return rc;
        r->line = rd->csv.row_line;
        r->number = number + 1;
        if (rd->csv.nfields != rd->ncols)
            return fail(rd, -1, err, "%zu field%s, but the header has %zu columns",
                        rd->csv.nfields, rd->csv.nfields == 1 ? "" : "s", rd->ncols);
        /* Most rows are plain ASCII: one pass over the row proves it. */
        bool ascii = all_ascii(rd->csv.row.data, rd->csv.row.len);
        for (size_t i = 0; i < rd->ncols; i++) {
            int f = rd->col_field[i];
            if (f < 0 && !rd->check_all_utf8)
                continue;
            const char *t = tl_csv_field(&rd->csv, i);
            size_t n = tl_csv_field_len(&rd->csv, i);
            if (f >= 0) {
                r->key[f] = rd->header[i];
                r->v[f] = n ? t : NULL;
                r->vlen[f] = n;
            }
            if (!ascii && !utf8_ok((const unsigned char *)t, n)) {
                if (f >= 0)
                    return fail(rd, f, err, "not valid UTF-8 text");
                return fail(rd, -1, err, "column %s: not valid UTF-8 text", rd->header[i]);
            }
        }
        return 1;
    }
    case TL_TABLE_JSONL:
        rc = tl_jsonl_next(&rd->jl, err);
        if (rc <= 0)
            return rc;
        r->line = rd->jl.line;
        r->number = number + 1;
        r->obj = rd->jl.obj;
        rc = fields_from_json(rd, r->obj, err);
        return rc ? rc : 1;
    default:
        if (rd->next >= json_array_size(rd->root))
            return 0;
        r->index = rd->next++;
        r->number = number + 1;
        r->obj = json_array_get(rd->root, r->index);
        if (!json_is_object(r->obj))
            return fail(rd, -1, err, "record %zu is not a JSON object", r->index + 1);
        rc = fields_from_json(rd, r->obj, err);
        return rc ? rc : 1;
    }
}

/* ---- field checks ---------------------------------------------------------- */

static int missing(reader *rd, int f, tl_err *err)
{
    return fail(rd, f, err, "missing; %s is required", rd->s->fields[f].name);
}

/* An optional text field: *out NULL when absent. */
static int get_text(reader *rd, int f, const char **out, tl_err *err)
{
    *out = rd->r.v[f];
    if (!*out && rd->s->fields[f].required)
        return missing(rd, f, err);
    return TL_OK;
}

/* An identifier: 1 to 64 characters, no control characters. */
static int get_id(reader *rd, int f, const char **out, tl_err *err)
{
    const char *v = rd->r.v[f];
    if (!v)
        return missing(rd, f, err);
    size_t n = rd->r.vlen[f];
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
            return fail(rd, f, err, "an ID must not contain control characters");
    if (n > ID_MAX_CHARS && utf8_chars(v, n) > ID_MAX_CHARS)
        return fail(rd, f, err, "an ID is at most %d characters", ID_MAX_CHARS);
    *out = v;
    return TL_OK;
}

/* Fast exact path for plain decimals ("123", "45.60"): both the digits and
 * the power of ten are exact doubles, so one division rounds correctly,
 * as strtod would. Anything else goes to tl_parse_double. */
static bool parse_plain_decimal(const char *s, size_t n, double *out)
{
    static const double pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
                                   1e11, 1e12, 1e13, 1e14, 1e15};
    uint64_t m = 0;
    int digits = 0, frac = -1;
    if (n == 0 || n > 17)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            m = m * 10 + (uint64_t)(c - '0');
            digits++;
            if (frac >= 0)
                frac++;
        } else if (c == '.' && frac < 0) {
            frac = 0;
        } else {
            return false;
        }
    }
    if (digits == 0 || digits > 15 || frac == 0)
        return false;
    *out = frac > 0 ? (double)m / pow10[frac] : (double)m;
    return true;
}

/* A number (money-style text allowed: "$1,250.50"); *out NAN when absent. */
static int get_number(reader *rd, int f, double *out, tl_err *err)
{
    const char *v = rd->r.v[f];
    *out = NAN;
    if (!v)
        return rd->s->fields[f].required ? missing(rd, f, err) : TL_OK;
    if (parse_plain_decimal(v, rd->r.vlen[f], out) || tl_parse_double(v, true, out))
        return TL_OK;
    return fail(rd, f, err, "not a number");
}

/* An integer in [lo, hi]; *present false when absent (optional fields). */
static int get_int(reader *rd, int f, int64_t lo, int64_t hi, int64_t *out, bool *present,
                   tl_err *err)
{
    const char *v = rd->r.v[f];
    *present = v != NULL;
    if (!v)
        return rd->s->fields[f].required ? missing(rd, f, err) : TL_OK;
    if (!tl_parse_i64(v, out)) {
        /* JSON writers may give 32.0 for 32. */
        double d;
        if (!tl_parse_double(v, false, &d) || d != floor(d) || d < -9e15 || d > 9e15)
            return fail(rd, f, err, "not a whole number");
        *out = (int64_t)d;
    }
    if (*out < lo || *out > hi)
        return fail(rd, f, err, "%lld is outside %lld..%lld", (long long)*out, (long long)lo,
                    (long long)hi);
    return TL_OK;
}

/* A date YYYY-MM-DD (a time after it is ignored); day[11] gets the date. */
static int get_date(reader *rd, int f, char day[11], int *month, bool *present, tl_err *err)
{
    const char *v = rd->r.v[f];
    *present = v != NULL;
    if (!v)
        return rd->s->fields[f].required ? missing(rd, f, err) : TL_OK;
    if (!tl_date_parse(v, month, NULL))
        return fail(rd, f, err, "not a date (YYYY-MM-DD)");
    memcpy(day, v, 10);
    day[10] = '\0';
    return TL_OK;
}

/* ---- references and duplicates ---------------------------------------------- */

/* Checks that an ID of kind k (customers or products) exists in this
 * import or the store. */
static int require_known(reader *rd, tl_import *imp, tl_kind k, int f, const char *id,
                         tl_err *err)
{
    id_cache *c = &rd->s->cache[k == TL_KIND_PRODUCTS];
    size_t n = strlen(id);
    if (c->has_last && strcmp(c->last, id) == 0)
        return TL_OK;
    bool has = tl_strset_has(&imp->ids[k], id) || tl_strset_has(&c->found, id);
    if (!has) {
        int rc = tl_import_has_id(imp, k, id, &has, err);
        if (rc)
            return rc;
        if (!has)
            return fail(rd, f, err, "unknown %s: not in this import nor in the store",
                        k == TL_KIND_PRODUCTS ? "product" : "customer");
        if (tl_strset_add(&c->found, id) < 0)
            return tl_err_set(err, TL_ENOMEM, "out of memory");
    }
    c->has_last = n < sizeof c->last;
    if (c->has_last)
        memcpy(c->last, id, n + 1);
    return TL_OK;
}

/* The pair key of the record for duplicate detection, into s->scratch. */
static int pair_key(reader *rd, tl_err *err)
{
    table_source *s = rd->s;
    rec *r = &rd->r;
    tl_buf *b = &s->scratch;
    tl_buf_reset(b);
    const char *a = r->v[0], *second = NULL;
    size_t second_len = 0;
    int32_t month;   /* the month's number, as raw bytes of the key */
    switch (s->base.kind) {
    case TL_KIND_TRANSACTIONS:
        second = r->v[T_TXN];
        second_len = r->vlen[T_TXN];
        break;
    case TL_KIND_HOLDINGS:
        second = r->v[H_PRODUCT];
        second_len = r->vlen[H_PRODUCT];
        break;
    case TL_KIND_MONTHLY: {
        int m = 0;
        if (!r->v[M_MONTH] || !tl_month_parse(r->v[M_MONTH], &m))
            m = -1;
        month = (int32_t)m;
        second = (const char *)&month;
        second_len = sizeof month;
        break;
    }
    default:
        return TL_OK;
    }
    if (!a || !second)
        return TL_OK;
    if (tl_buf_append(b, a, r->vlen[0]) || tl_buf_putc(b, '\x1f') ||
        tl_buf_append(b, second, second_len))
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    return TL_OK;
}

/* Reads the file again up to (not including) record `before`, building
 * each record's pair key in s->scratch and calling fn(s, r, ctx) on it;
 * stops early when fn returns nonzero: a TL_E* code (negative) is
 * returned, anything else (a match) ends the walk with TL_OK. */
typedef int (*earlier_fn)(table_source *s, const rec *r, void *ctx, tl_err *err);

static int each_earlier_key(table_source *s, long before, earlier_fn fn, void *ctx,
                            tl_err *err)
{
    reader rd;
    int rc = reader_open(s, &rd, err);
    if (rc)
        return rc;
    while ((rc = reader_next(&rd, err)) == 1 && rd.r.number < before) {
        if ((rc = pair_key(&rd, err)) || (rc = fn(s, &rd.r, ctx, err)))
            break;
    }
    reader_close(&rd);
    return rc < 0 ? rc : TL_OK;
}

typedef struct earlier_key {
    const char *key;
    size_t len;
    long line;   /* out: the earlier record's line, 0 when none */
} earlier_key;

static int match_key(table_source *s, const rec *r, void *ctx, tl_err *err)
{
    (void)err;
    earlier_key *k = ctx;
    if (s->scratch.len != k->len || memcmp(s->scratch.data, k->key, k->len) != 0)
        return 0;
    k->line = r->line;
    return 1;
}

/* Finds, by reading the file again up to the current record, the earlier
 * record with the same pair key. *line 0 when none (a fingerprint
 * collision). */
static int find_earlier(table_source *s, const char *key, size_t keylen, long before,
                        long *line, tl_err *err)
{
    earlier_key k = {.key = key, .len = keylen, .line = 0};
    int rc = each_earlier_key(s, before, match_key, &k, err);
    *line = k.line;
    return rc;
}

/* The fingerprint of a transaction's (customer, txn_id), hashed from the
 * fields themselves, no key built: a row of a million-row file. Two steps,
 * so that a customer's part is hashed once for many txn_ids: owner_fp of
 * the customer ID, then pair_fp of the txn_id. Any function of the pair
 * does; only this import compares them. Never 0. */
static uint64_t owner_fp(const table_source *s, const char *customer_id, size_t len)
{
    return fingerprint(customer_id, len, s->seed);
}

static uint64_t pair_fp(uint64_t owner, const char *txn_id, size_t len)
{
    return fingerprint(txn_id, len, owner);
}

static uint64_t txn_pair_fp(const table_source *s, const rec *r)
{
    return pair_fp(owner_fp(s, r->v[T_CUSTOMER], r->vlen[T_CUSTOMER]), r->v[T_TXN],
                   r->vlen[T_TXN]);
}

/* Fails on the current record, a duplicate of the one on `line`. */
static int fail_duplicate(reader *rd, int f, const char *what, long line, tl_err *err)
{
    if (rd->s->fmt == TL_TABLE_CSV)
        return fail(rd, f, err, "duplicate %s (first on row %ld)", what, line);
    return fail(rd, f, err, "duplicate %s (first on line %ld)", what, line);
}

static void pair_runs_free(pair_runs *r)
{
    fpset_free(&r->owners);
    tl_buf_free(&r->owner);
    free(r->fps);
    memset(r, 0, sizeof *r);
}

static int remember_key(table_source *s, const rec *r, void *ctx, tl_err *err)
{
    (void)r;
    (void)ctx;
    if (s->scratch.len &&
        fpset_add(&s->pairs, fingerprint(s->scratch.data, s->scratch.len, s->seed)) < 0)
        return tl_err_set(err, TL_ENOMEM, "out of memory checking %s", s->base.path);
    return 0;
}

/* The run check of pair_runs for the current record, whose pair
 * fingerprint is `pfp`: 1 when it is new in its owner's run, 0 when its
 * run already has that fingerprint, 2 when its owner was met before
 * another one (runs.full is then set and `pairs` holds every earlier
 * record's pair); a TL_E* code (negative) on failure. */
static int run_pair(reader *rd, uint64_t pfp, tl_err *err)
{
    table_source *s = rd->s;
    pair_runs *r = &s->runs;
    const char *owner = rd->r.v[0];
    size_t len = rd->r.vlen[0];
    if (r->owner.data && r->owner.len == len && memcmp(r->owner.data, owner, len) == 0) {
        for (size_t i = 0; i < r->n; i++)
            if (r->fps[i] == pfp)
                return 0;
    } else {
        /* A new run: is its owner new too? The seed differs from the pair
         * fingerprints' so that owners and pairs never mix. */
        int fresh = fpset_add(&r->owners, fingerprint(owner, len, ~s->seed));
        if (fresh < 0)
            return tl_err_set(err, TL_ENOMEM, "out of memory checking %s", s->base.path);
        if (!fresh) {
            /* Every earlier record passed the check: fill `pairs` with them. */
            int rc = each_earlier_key(s, rd->r.number, remember_key, NULL, err);
            if (rc)
                return rc;
            pair_runs_free(r);
            r->full = true;
            return 2;
        }
        if (!r->owner.max)
            tl_buf_init(&r->owner, (size_t)1 << 16);   /* IDs are far shorter */
        tl_buf_reset(&r->owner);
        if (tl_buf_append(&r->owner, owner, len))
            return tl_err_set(err, TL_ENOMEM, "out of memory checking %s", s->base.path);
        r->n = 0;
    }
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 32;
        uint64_t *p = realloc(r->fps, cap * sizeof *p);
        if (!p)
            return tl_err_set(err, TL_ENOMEM, "out of memory checking %s", s->base.path);
        r->fps = p;
        r->cap = cap;
    }
    r->fps[r->n++] = pfp;
    return 1;
}

/* Registers the record's pair; fails on a genuine duplicate within the
 * file. `what` describes the pair for the message; `fp` is the row's
 * txn_pair_fp for transactions, else 0. */
static int unique_pair(reader *rd, int f, const char *what, uint64_t fp, tl_err *err)
{
    table_source *s = rd->s;
    int rc;
    if (fp) {
        rc = fpset_add(&s->pairs, fp);
        if (rc < 0)
            return tl_err_set(err, TL_ENOMEM, "out of memory checking %s", s->base.path);
        if (rc == 1)
            return TL_OK;
        if ((rc = pair_key(rd, err)))
            return rc;
    } else {
        rc = pair_key(rd, err);
        if (rc || s->scratch.len == 0)
            return rc;
        uint64_t pfp = fingerprint(s->scratch.data, s->scratch.len, s->seed);
        if (!s->runs.full) {
            /* 1: new in its owner's run; 0: seen in the run; 2: the owner was
             * met before, and `pairs` now holds every earlier record. */
            int in_run = run_pair(rd, pfp, err);
            if (in_run < 0)
                return in_run;
            if (in_run == 1)
                return TL_OK;
            if (in_run == 2 && (rc = pair_key(rd, err)))   /* the re-read reused scratch */
                return rc;
        }
        if (s->runs.full) {
            rc = fpset_add(&s->pairs, pfp);
            if (rc < 0)
                return tl_err_set(err, TL_ENOMEM, "out of memory checking %s", s->base.path);
            if (rc == 1)
                return TL_OK;
        }
    }
    /* Copy the key: find_earlier reuses the scratch buffer. */
    size_t keylen = s->scratch.len;
    char *key = tl_strndup(s->scratch.data, keylen);
    if (!key)
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    long line;
    rc = find_earlier(s, key, keylen, rd->r.number, &line, err);
    free(key);
    if (rc)
        return rc;
    if (!line)
        return TL_OK;
    return fail_duplicate(rd, f, what, line, err);
}

/* ---- customers ---------------------------------------------------------------- */

static int decode_customer(reader *rd, tl_customer *c, tl_err *err)
{
    table_source *s = rd->s;
    const char **v = rd->r.v;
    memset(c, 0, sizeof *c);
    int rc = get_id(rd, C_ID, (const char **)&c->id, err);
    if (rc)
        return rc;
    /* name: "First Last", else the name field. */
    tl_buf *b = &s->scratch;
    tl_buf_reset(b);
    if (v[C_FIRST] || v[C_LAST]) {
        if ((v[C_FIRST] && tl_buf_puts(b, v[C_FIRST])) ||
            (v[C_FIRST] && v[C_LAST] && tl_buf_putc(b, ' ')) ||
            (v[C_LAST] && tl_buf_puts(b, v[C_LAST])))
            return tl_err_set(err, TL_ENOMEM, "out of memory");
        c->name = b->data;
    } else {
        c->name = (char *)v[C_NAME];
    }
    c->gender = (char *)v[C_GENDER];
    int64_t age;
    bool present;
    if ((rc = get_int(rd, C_AGE, 0, 130, &age, &present, err)))
        return rc;
    c->age = present ? (int)age : -1;
    c->city = (char *)v[C_CITY];
    c->country = (char *)v[C_COUNTRY];
    if ((rc = get_number(rd, C_BALANCE, &c->balance, err)))
        return rc;
    c->currency = (char *)(v[C_CURRENCY] ? v[C_CURRENCY] : "USD");
    if ((rc = get_number(rd, C_INCOME, &c->income, err)))
        return rc;
    if (c->income < 0)
        return fail(rd, C_INCOME, err, "income must not be negative");
    if (v[C_RISK]) {
        static const char *const risks[] = {"Low", "Medium", "High"};
        for (size_t i = 0; i < 3 && !c->risk_profile; i++)
            if (tl_strcaseeq(v[C_RISK], risks[i]))
                c->risk_profile = (char *)risks[i];
        if (!c->risk_profile)
            return fail(rd, C_RISK, err, "must be Low, Medium or High");
    }
    c->account_status = (char *)v[C_STATUS];
    return TL_OK;
}

static int customers_row_check(reader *rd, tl_import *imp, tl_err *err)
{
    tl_customer c;
    int rc = decode_customer(rd, &c, err);
    if (rc)
        return rc;
    if (tl_customer_id_reserved(c.id))
        return fail(rd, C_ID, err, TL_CUSTOMER_ID_RESERVED);
    rc = tl_import_add_id(imp, TL_KIND_CUSTOMERS, c.id);
    if (rc < 0)
        return tl_err_set(err, rc, "out of memory");
    if (rc == 0)
        return fail(rd, C_ID, err, "duplicate customer_id: given twice in this import");
    return TL_OK;
}

/* The record as a JSON object text (malloc'd; caller frees): JSON records
 * as they are, CSV rows as {"header": "value"} for non-empty cells. */
static int record_doc(reader *rd, char **out, tl_err *err)
{
    if (rd->r.obj) {
        *out = json_dumps(rd->r.obj, JSON_COMPACT);
        return *out ? TL_OK : tl_err_set(err, TL_ENOMEM, "out of memory");
    }
    json_t *doc = json_object();
    if (!doc)
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    for (size_t i = 0; i < rd->ncols; i++) {
        size_t n = tl_csv_field_len(&rd->csv, i);
        if (!n)
            continue;
        if (json_object_set_new(doc, rd->header[i],
                                json_stringn(tl_csv_field(&rd->csv, i), n))) {
            json_decref(doc);
            return tl_err_set(err, TL_ENOMEM, "out of memory");
        }
    }
    *out = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    return *out ? TL_OK : tl_err_set(err, TL_ENOMEM, "out of memory");
}

static int customers_row_write(reader *rd, tl_import *imp, tl_err *err)
{
    tl_customer c;
    int rc = decode_customer(rd, &c, err);
    if (rc)
        return rc;
    if ((rc = record_doc(rd, &c.doc, err)))
        return rc;
    bool changed;
    rc = tl_store_customer_upsert(imp->st, &c, &changed, err);
    free(c.doc);
    if (!rc)
        imp->counts.changed[TL_KIND_CUSTOMERS] += changed;
    return rc;
}

/* ---- products -------------------------------------------------------------- */

static int decode_product(reader *rd, tl_product *p, json_t **reviews, tl_err *err)
{
    int rc;
    memset(p, 0, sizeof *p);
    if ((rc = get_id(rd, P_ID, &p->id, err)) || (rc = get_text(rd, P_NAME, &p->name, err)) ||
        (rc = get_text(rd, P_CATEGORY, &p->category, err)))
        return rc;
    /* The prototype's customer_reviews (JSON formats only) become reviews. */
    *reviews = rd->r.obj ? json_object_get(rd->r.obj, "customer_reviews") : NULL;
    if (*reviews && !json_is_null(*reviews)) {
        size_t j;
        json_t *r;
        if (!json_is_array(*reviews))
            return fail(rd, P_ID, err, "customer_reviews must be an array of text");
        json_array_foreach(*reviews, j, r) if (!json_is_string(r) || !json_string_length(r))
            return fail(rd, P_ID, err, "customer_reviews[%zu] is not a non-empty text", j);
    } else {
        *reviews = NULL;
    }
    return TL_OK;
}

static int products_row_check(reader *rd, tl_import *imp, tl_err *err)
{
    tl_product p;
    json_t *reviews;
    int rc = decode_product(rd, &p, &reviews, err);
    if (rc)
        return rc;
    rc = tl_import_add_id(imp, TL_KIND_PRODUCTS, p.id);
    if (rc < 0)
        return tl_err_set(err, rc, "out of memory");
    if (rc == 0)
        return fail(rd, P_ID, err, "duplicate product_id: given twice in this import");
    imp->counts.read[TL_KIND_REVIEWS] += (long long)json_array_size(reviews);
    return TL_OK;
}

static int products_row_write(reader *rd, tl_import *imp, tl_err *err)
{
    tl_product p;
    json_t *reviews;
    int rc = decode_product(rd, &p, &reviews, err);
    if (rc)
        return rc;
    char *doc;
    if ((rc = record_doc(rd, &doc, err)))
        return rc;
    p.doc = doc;
    bool changed;
    rc = tl_store_product_upsert(imp->st, &p, &changed, err);
    free(doc);
    if (rc)
        return rc;
    imp->counts.changed[TL_KIND_PRODUCTS] += changed;
    return tl_import_write_reviews(imp, p.id, reviews, err);
}

/* ---- reviews ----------------------------------------------------------------- */

static int decode_review(reader *rd, tl_review *r, tl_err *err)
{
    int rc;
    if ((rc = get_id(rd, R_PRODUCT, &r->product_id, err)) ||
        (rc = get_text(rd, R_TEXT, &r->text, err)) ||
        (rc = get_number(rd, R_RATING, &r->rating, err)))
        return rc;
    if (!isnan(r->rating) && (r->rating < 1 || r->rating > 5))
        return fail(rd, R_RATING, err, "a rating is from 1 to 5");
    return TL_OK;
}

static int reviews_row_check(reader *rd, tl_import *imp, tl_err *err)
{
    tl_review r;
    int rc = decode_review(rd, &r, err);
    if (!rc)
        rc = require_known(rd, imp, TL_KIND_PRODUCTS, R_PRODUCT, r.product_id, err);
    return rc;
}

static int reviews_row_write(reader *rd, tl_import *imp, tl_err *err)
{
    tl_review r;
    int rc = decode_review(rd, &r, err);
    if (rc)
        return rc;
    long long before = tl_store_changes_total(imp->st);
    if ((rc = tl_store_review_upsert(imp->st, &r, err)))
        return rc;
    imp->counts.changed[TL_KIND_REVIEWS] += tl_store_changes_total(imp->st) != before;
    return TL_OK;
}

/* ---- holdings ----------------------------------------------------------------- */

static int decode_holding(reader *rd, tl_holding *h, char since[11], tl_err *err)
{
    int rc, month;
    bool present;
    if ((rc = get_id(rd, H_CUSTOMER, &h->customer_id, err)) ||
        (rc = get_id(rd, H_PRODUCT, &h->product_id, err)) ||
        (rc = get_date(rd, H_SINCE, since, &month, &present, err)))
        return rc;
    h->since = present ? since : NULL;
    h->source = "imported";
    return TL_OK;
}

static int holdings_row_check(reader *rd, tl_import *imp, tl_err *err)
{
    tl_holding h;
    char since[11];
    int rc = decode_holding(rd, &h, since, err);
    if (!rc)
        rc = require_known(rd, imp, TL_KIND_CUSTOMERS, H_CUSTOMER, h.customer_id, err);
    if (!rc)
        rc = require_known(rd, imp, TL_KIND_PRODUCTS, H_PRODUCT, h.product_id, err);
    if (!rc)
        rc = unique_pair(rd, H_PRODUCT, "holding of this product by this customer", 0, err);
    return rc;
}

static int holdings_row_write(reader *rd, tl_import *imp, tl_err *err)
{
    tl_holding h;
    char since[11];
    int rc = decode_holding(rd, &h, since, err);
    if (rc)
        return rc;
    long long before = tl_store_changes_total(imp->st);
    if ((rc = tl_store_holding_upsert(imp->st, &h, err)))
        return rc;
    imp->counts.changed[TL_KIND_HOLDINGS] += tl_store_changes_total(imp->st) != before;
    return TL_OK;
}

/* ---- monthly --------------------------------------------------------------- */

static int decode_monthly(reader *rd, const char **id, tl_month_total *m, tl_err *err)
{
    int rc;
    bool present;
    if ((rc = get_id(rd, M_CUSTOMER, id, err)))
        return rc;
    const char *label = rd->r.v[M_MONTH];
    if (!label)
        return missing(rd, M_MONTH, err);
    if (!tl_month_parse(label, &m->month))
        return fail(rd, M_MONTH, err, "not a month like \"Jan 2024\" or \"2024-01\"");
    if ((rc = get_number(rd, M_TOTAL, &m->total, err)))
        return rc;
    if (m->total < 0)
        return fail(rd, M_TOTAL, err, "a monthly total must not be negative");
    return get_int(rd, M_COUNT, 0, INT64_MAX, &m->count, &present, err);
}

static int monthly_row_check(reader *rd, tl_import *imp, tl_err *err)
{
    const char *id;
    tl_month_total m;
    int rc = decode_monthly(rd, &id, &m, err);
    if (!rc)
        rc = require_known(rd, imp, TL_KIND_CUSTOMERS, M_CUSTOMER, id, err);
    if (!rc)
        rc = unique_pair(rd, M_MONTH, "month for this customer", 0, err);
    return rc;
}

static int monthly_row_write(reader *rd, tl_import *imp, tl_err *err)
{
    const char *id;
    tl_month_total m;
    int rc = decode_monthly(rd, &id, &m, err);
    bool changed;
    if (!rc)
        rc = tl_store_monthly_put(imp->st, id, &m, "imported", &changed, err);
    if (!rc)
        imp->counts.changed[TL_KIND_MONTHLY] += changed;
    return rc;
}

/* ---- transactions ------------------------------------------------------------ */

static int decode_txn(reader *rd, tl_txn *t, char day[11], tl_err *err)
{
    const char **v = rd->r.v;
    int rc;
    bool present;
    memset(t, 0, sizeof *t);
    if ((rc = get_id(rd, T_CUSTOMER, &t->customer_id, err)) ||
        (rc = get_id(rd, T_TXN, &t->txn_id, err)) ||
        (rc = get_date(rd, T_DATE, day, &t->month, &present, err)) ||
        (rc = get_number(rd, T_AMOUNT, &t->amount, err)))
        return rc;
    t->day = day;
    if (!(t->amount > 0))
        return fail(rd, T_AMOUNT, err, "an amount must be greater than 0 (money in is "
                                       "direction credit)");
    t->direction = -1;
    if (v[T_DIRECTION]) {
        if (tl_strcaseeq(v[T_DIRECTION], "credit"))
            t->direction = 1;
        else if (!tl_strcaseeq(v[T_DIRECTION], "debit"))
            return fail(rd, T_DIRECTION, err, "must be debit or credit");
    }
    t->currency = v[T_CURRENCY];
    t->category = v[T_CATEGORY];
    t->merchant = v[T_MERCHANT];
    t->payment_mode = v[T_MODE];
    return TL_OK;
}

/* Transactions are checked and written in one pass (docs/formats.md, "How
 * an import runs"): the check pass skips them, and each row is validated
 * as the write pass reads it; a bad row fails the import, whose store
 * transaction is then rolled back. Rows wait in batches sorted by their
 * home id (store/bulk.h), so SQLite walks its B-tree forward. The order of
 * writes cannot change the result: duplicate keys were refused. */
#define BATCH_ROWS ((size_t)1 << 20)
#define BATCH_ROWS_MAX ((size_t)1 << 26)
#define BATCH_TEXT ((size_t)64 << 20)
#define NO_TEXT UINT32_MAX

/* Sorts the batch's keys by home id: an LSD radix sort, 11 bits at a time
 * over the bits where homes differ (stable, so equal homes keep file
 * order): 4 passes for a thousand customers. tmp has room for b->n keys. */
#define RADIX_BITS 11
#define RADIX (1 << RADIX_BITS)
static void batch_sort(txn_batch *b, batch_key *tmp)
{
    uint64_t lo = UINT64_MAX, hi = 0;
    for (size_t i = 0; i < b->n; i++) {
        uint64_t h = (uint64_t)b->keys[i].home;
        lo = h < lo ? h : lo;
        hi = h > hi ? h : hi;
    }
    uint64_t span = b->n ? hi - lo : 0;
    batch_key *src = b->keys, *dst = tmp;
    for (int shift = 0; shift < 64 && (span >> shift); shift += RADIX_BITS) {
        size_t count[RADIX + 1] = {0};
        for (size_t i = 0; i < b->n; i++)
            count[(((uint64_t)src[i].home - lo) >> shift & (RADIX - 1)) + 1]++;
        for (int d = 0; d < RADIX; d++)
            count[d + 1] += count[d];
        for (size_t i = 0; i < b->n; i++)
            dst[count[((uint64_t)src[i].home - lo) >> shift & (RADIX - 1)]++] = src[i];
        batch_key *t = src;
        src = dst;
        dst = t;
    }
    if (src != b->keys)
        memcpy(b->keys, src, b->n * sizeof *src);
}

static void batch_free(txn_batch *b)
{
    tl_buf_free(&b->text);
    free(b->rows);
    free(b->keys);
    free(b->tmp);
    memset(b, 0, sizeof *b);
}

static const char *batch_str(const txn_batch *b, const batch_row *r, int i)
{
    return r->off[i] == NO_TEXT ? NULL : b->text.data + r->off[i];
}

/* The lengths of row r's strings: they lie one after another, so each
 * one's length is the distance to the next present one (or the row's
 * end), less its NUL. 0 for absent ones. */
static void batch_row_lens(const batch_row *r, uint32_t len[B_NSTR])
{
    uint32_t next = r->end;
    for (int i = B_NSTR - 1; i >= 0; i--) {
        len[i] = r->off[i] == NO_TEXT ? 0 : next - r->off[i] - 1;
        next = r->off[i] == NO_TEXT ? next : r->off[i];
    }
}

/* The transaction of key k, strings pointing into the batch. */
static void batch_txn(const table_source *s, const batch_key *k, tl_txn *t)
{
    const txn_batch *b = &s->batch;
    const batch_row *r = &b->rows[k->row];
    uint32_t len[B_NSTR];
    batch_row_lens(r, len);
    const tl_owner *o = &s->owners.v[k->owner];
    *t = (tl_txn){
        .customer_id = tl_owner_id(&s->owners, k->owner), .txn_id = batch_str(b, r, B_TXN),
        .day = batch_str(b, r, B_DAY), .month = r->month, .amount = r->amount,
        .direction = r->direction, .currency = batch_str(b, r, B_CURRENCY),
        .category = batch_str(b, r, B_CATEGORY), .merchant = batch_str(b, r, B_MERCHANT),
        .payment_mode = batch_str(b, r, B_MODE),
        .len = {(uint32_t)o->id_len, len[B_TXN], len[B_CURRENCY], len[B_CATEGORY],
                len[B_MERCHANT], len[B_MODE]}};
}

/* The input's size in bytes (0 when unknown). */
static uint64_t source_bytes(const table_source *s)
{
    struct stat sb;
    return s->is_mem ? s->mem_len : stat(s->base.path, &sb) == 0 ? (uint64_t)sb.st_size : 0;
}

/* True when rows x and y of the batch have the same txn_id. */
static bool batch_same_txn_id(const txn_batch *b, uint32_t x, uint32_t y)
{
    uint32_t lx[B_NSTR], ly[B_NSTR];
    batch_row_lens(&b->rows[x], lx);
    batch_row_lens(&b->rows[y], ly);
    return lx[B_TXN] == ly[B_TXN] && memcmp(b->text.data + b->rows[x].off[B_TXN],
                                            b->text.data + b->rows[y].off[B_TXN], lx[B_TXN]) == 0;
}

/* Fails on record `dup`, a duplicate (customer, txn_id) of record `first`,
 * with the message the per-row check gives: the file is read again up to
 * it, for its place and line numbers. */
static int fail_batch_duplicate(table_source *s, long dup, long first, tl_err *err)
{
    reader rd;
    int rc = reader_open(s, &rd, err);
    if (rc)
        return rc;
    long first_line = 0;
    while ((rc = reader_next(&rd, err)) == 1 && rd.r.number < dup)
        if (rd.r.number == first)
            first_line = rd.r.line;
    if (rc == 1)
        rc = fail_duplicate(&rd, T_TXN, "txn_id for this customer", first_line, err);
    else if (rc == 0)
        rc = tl_err_set(err, TL_EIO, "%s: changed while being imported", s->base.path);
    reader_close(&rd);
    return rc;
}

/* The batch's first duplicate (customer, txn_id), in file order: the
 * batch is sorted, and a customer's rows with one txn_id share a home, so
 * they sit in one run of equal homes, in file order (the sort is stable).
 * Fails with the duplicate's place, else returns TL_OK. */
static int batch_check_unique(table_source *s, tl_err *err)
{
    const txn_batch *b = &s->batch;
    long dup = -1, first = -1;
    for (size_t i = 0; i + 1 < b->n;) {
        size_t end = i + 1;
        while (end < b->n && b->keys[end].home == b->keys[i].home)
            end++;
        /* Within the run, the earliest row that repeats an earlier one. */
        for (size_t y = i + 1; y < end; y++) {
            size_t x = i;
            while (x < y && !batch_same_txn_id(b, b->keys[x].row, b->keys[y].row))
                x++;
            if (x < y) {
                if (dup < 0 || (long)b->keys[y].row < dup) {
                    dup = b->keys[y].row;
                    first = b->keys[x].row;
                }
                break;
            }
        }
        i = end;
    }
    if (dup < 0)
        return TL_OK;
    return fail_batch_duplicate(s, b->first_number + dup, b->first_number + first, err);
}

/* Adds the pairs of the batch's customers who had transactions before the
 * import to the set (txn_pair_fp's fingerprints) that their rows in later
 * batches are checked against: the store cannot tell their rows of this
 * file from the older ones. */
static int batch_remember_pairs(table_source *s, tl_err *err)
{
    const txn_batch *b = &s->batch;
    for (size_t i = 0; i < b->n; i++) {
        const batch_key *k = &b->keys[i];
        const batch_row *r = &b->rows[k->row];
        tl_owner *o = &s->owners.v[k->owner];
        if (o->fresh)
            continue;
        o->in_pair_set = true;
        uint32_t len[B_NSTR];
        batch_row_lens(r, len);
        uint64_t fp = pair_fp(owner_fp(s, tl_owner_id(&s->owners, k->owner), o->id_len),
                              b->text.data + r->off[B_TXN], len[B_TXN]);
        if (fpset_add(&s->pairs, fp) < 0)
            return tl_err_set(err, TL_ENOMEM, "out of memory checking %s", s->base.path);
    }
    return TL_OK;
}

/* Counts a written row of owner o; fresh owners' debits go to their
 * months, and each of their rows to their summary. */
static int batch_wrote(tl_import *imp, tl_owner *o, const tl_txn *t, tl_err *err)
{
    imp->counts.changed[TL_KIND_TRANSACTIONS]++;
    o->touched = true;
    if (o->fresh && ((t->direction < 0 && tl_owner_add_debit(o, t->month, t->amount)) ||
                     tl_owner_add_to_summary(o, t)))
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    return TL_OK;
}

/* Inserts the pending rows of fresh owners: one statement for a full
 * chunk at the ids that probing among the batch's rows gave; row by row,
 * probing the store, when the chunk is short or one of its ids is taken
 * by a row of an earlier batch. *last gets the id of the last row. */
static int chunk_flush(table_source *s, tl_import *imp, const batch_key *const *keys,
                       const int64_t *ids, size_t n, int64_t *last, tl_err *err)
{
    tl_txn t[TL_TXN_CHUNK] = {{0}};
    for (size_t i = 0; i < n; i++)
        batch_txn(s, keys[i], &t[i]);
    int many = n == TL_TXN_CHUNK ? tl_store_txn_insert_many(imp->st, ids, t, err) : 1;
    if (many < 0)
        return many;
    *last = ids[n - 1];
    for (size_t i = 0; i < n; i++) {
        int rc;
        if (many == 1 && (rc = tl_store_txn_insert(imp->st, keys[i]->home, &t[i], last, err)))
            return rc;
        if ((rc = batch_wrote(imp, &s->owners.v[keys[i]->owner], &t[i], err)))
            return rc;
    }
    return TL_OK;
}

/* Writes the batched rows in home order and empties the batch. Rows of
 * fresh owners are inserted without a lookup, TL_TXN_CHUNK at a time, and
 * summed into their months; the others are compared with the stored row
 * at their home (a forward scan) and upserted where that is not them. */
#define AHEAD 64
static int batch_flush(table_source *s, tl_import *imp, bool more, tl_err *err)
{
    txn_batch *b = &s->batch;
    int rc = TL_OK;
    batch_sort(b, b->tmp);
    if ((rc = batch_check_unique(s, err)) || (more && (rc = batch_remember_pairs(s, err)))) {
        b->n = 0;
        return rc;
    }
    /* Rows below the table's last id go between stored ones. When many
     * do and more batches follow, each touches pages all over the table,
     * and a page cache that holds it saves reading and writing them again.
     * A batch after the last id (new customers; a file grouped by
     * customer, where only the customer split by the batch boundary goes
     * back) mostly appends, and the last batch is one forward sweep. */
    if (more && !b->cache_grown) {
        int64_t top;
        if ((rc = tl_store_txn_max_id(imp->st, &top, err)))
            return rc;
        size_t lo = 0, hi = b->n;   /* lo: how many rows have home <= top */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (b->keys[mid].home <= top)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo > b->n / 16) {
            if ((rc = tl_store_bulk_cache(imp->st, source_bytes(s), err)))
                return rc;
            b->cache_grown = true;
        }
    }
    const batch_key *pending[TL_TXN_CHUNK];
    int64_t ids[TL_TXN_CHUNK], last = 0;
    size_t np = 0;
    for (size_t i = 0; i < b->n && !rc; i++) {
        const batch_key *k = &b->keys[i];
        /* Sorting scattered the rows: fetch ahead in two stages, the row
         * first, its text once the row is in (its offsets say where). */
        if (i + 2 * AHEAD < b->n)
            __builtin_prefetch(&b->rows[b->keys[i + 2 * AHEAD].row]);
        if (i + AHEAD < b->n) {
            const batch_row *ahead = &b->rows[b->keys[i + AHEAD].row];
            __builtin_prefetch(b->text.data + ahead->off[B_TXN]);
            __builtin_prefetch(b->text.data + ahead->off[B_TXN] + 48);
        }
        tl_owner *o = &s->owners.v[k->owner];
        if (o->fresh) {
            /* Linear probing among this batch's rows: homes are sorted,
             * so a taken home moves on past the previous row's id. */
            int64_t id = k->home > last ? k->home : last + 1;
            if ((id ^ k->home) >> 32)
                id = k->home;   /* never leave the owner's range; the store probes */
            last = id;   /* chunk_flush corrects it where the store probed */
            pending[np] = k;
            ids[np++] = id;
            if (np == TL_TXN_CHUNK) {
                rc = chunk_flush(s, imp, pending, ids, np, &last, err);
                np = 0;
            }
            continue;
        }
        /* Stored exactly so (a re-import): one step of a forward scan. */
        tl_txn t;
        batch_txn(s, k, &t);
        bool same, changed;
        if ((rc = tl_store_txn_same(imp->st, k->home, &t, &same, err)) || same)
            continue;
        rc = tl_store_txn_upsert(imp->st, k->home, &t, &changed, err);
        if (!rc && changed)
            rc = batch_wrote(imp, o, &t, err);
    }
    tl_store_txn_same_end(imp->st);
    if (!rc && np)
        rc = chunk_flush(s, imp, pending, ids, np, &last, err);
    b->n = 0;
    b->number++;
    tl_buf_reset(&b->text);
    return rc;
}

/* Copies a string of n bytes and its NUL into the batch's text, which
 * has room (tl_buf_reserve); *off NO_TEXT for NULL. */
static void batch_put_str(txn_batch *b, const char *v, size_t n, uint32_t *off)
{
    if (!v) {
        *off = NO_TEXT;
        return;
    }
    *off = (uint32_t)b->text.len;
    memcpy(b->text.data + b->text.len, v, n + 1);
    b->text.len += n + 1;
}

/* The owner entry of the row's customer: found in the map, or checked
 * (it must exist in this import or the store) and added. */
static int txn_owner_of(reader *rd, tl_import *imp, const char *id, long *idx, tl_err *err)
{
    table_source *s = rd->s;
    size_t len = rd->r.vlen[T_CUSTOMER];
    if ((*idx = tl_owner_find(&s->owners, id, len)) >= 0)
        return TL_OK;
    int rc = require_known(rd, imp, TL_KIND_CUSTOMERS, T_CUSTOMER, id, err);
    if (rc)
        return rc;
    int64_t key;
    bool fresh;
    if ((rc = tl_store_txn_owner(imp->st, id, &key, &fresh, err)))
        return rc;
    if ((*idx = tl_owner_add(&s->owners, id, len, key, fresh)) < 0)
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    s->owners.v[*idx].batch = s->batch.number;
    return TL_OK;
}

/* Rows per batch: BATCH_ROWS, or TAILOR_IMPORT_BATCH_ROWS (fewer rows,
 * less memory: about 100 bytes a row). */
static int batch_limit(size_t *limit, tl_err *err)
{
    const char *env = getenv("TAILOR_IMPORT_BATCH_ROWS");
    int64_t v = (int64_t)BATCH_ROWS;
    if (env && *env && (!tl_parse_i64(env, &v) || v < 1 || v > (int64_t)BATCH_ROWS_MAX))
        return tl_err_set(err, TL_EUSAGE,
                          "TAILOR_IMPORT_BATCH_ROWS: must be a whole number from 1 to %zu "
                          "(value \"%.40s\")", BATCH_ROWS_MAX, env);
    *limit = (size_t)v;
    return TL_OK;
}

/* Makes room for more rows. The first call sizes the batch for the whole
 * input when it fits (about 64 bytes of CSV a row), so a file of up to
 * BATCH_ROWS rows is read into buffers that never move. */
static int batch_grow(table_source *s, txn_batch *b, tl_err *err)
{
    size_t cap = b->cap * 2;
    if (!b->cap) {
        int rc = batch_limit(&b->limit, err);
        if (rc)
            return rc;
        uint64_t bytes = source_bytes(s);
        cap = bytes / 64 + 4096;
        if (cap > b->limit)
            cap = b->limit;
        tl_buf_init(&b->text, BATCH_TEXT + 2 * TL_JSONL_MAX_LINE_DEFAULT);   /* room for any one row */
        size_t text = bytes < BATCH_TEXT ? (size_t)bytes : BATCH_TEXT;
        if (tl_buf_reserve(&b->text, text) == TL_ENOMEM)
            return tl_err_set(err, TL_ENOMEM, "out of memory");
        tl_mem_hint_huge(b->text.data, b->text.cap);
    }
    if (cap > b->limit)
        cap = b->limit;
    batch_row *rows = realloc(b->rows, cap * sizeof *rows);
    if (rows)
        b->rows = rows;
    batch_key *keys = realloc(b->keys, cap * sizeof *keys);
    if (keys)
        b->keys = keys;
    batch_key *tmp = realloc(b->tmp, cap * sizeof *tmp);
    if (tmp)
        b->tmp = tmp;
    if (!rows || !keys || !tmp)
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    tl_mem_hint_huge(rows, cap * sizeof *rows);
    tl_mem_hint_huge(keys, cap * sizeof *keys);
    tl_mem_hint_huge(tmp, cap * sizeof *tmp);
    b->cap = cap;
    return TL_OK;
}

typedef struct pair_fill {
    table_source *s;
    uint64_t owner;   /* owner_fp of the customer */
} pair_fill;

static int pair_fill_one(void *ctx, const char *txn_id, size_t len)
{
    pair_fill *f = ctx;
    return fpset_add(&f->s->pairs, pair_fp(f->owner, txn_id, len)) < 0 ? TL_ENOMEM : TL_OK;
}

/* Adds the pairs of owner entry `owner`'s rows written so far to the set. */
static int txn_pairs_from_store(table_source *s, tl_import *imp, long owner, tl_err *err)
{
    const tl_owner *o = &s->owners.v[owner];
    pair_fill f = {s, owner_fp(s, tl_owner_id(&s->owners, (size_t)owner), o->id_len)};
    int rc = tl_store_txn_ids_each(imp->st, o->key, pair_fill_one, &f, err);
    if (rc == TL_ENOMEM)
        return tl_err_set(err, TL_ENOMEM, "out of memory checking %s", s->base.path);
    return rc;
}

/* Duplicate (customer, txn_id) pairs. A batch's rows are checked against
 * each other when it is written (batch_check_unique); a customer's rows in
 * a later batch than their first are checked here, row by row, against a
 * set of the pairs written before. The set holds only customers met again
 * in a later batch — next to none in a file grouped by customer — and
 * takes in a customer new to the store, when met again, from the store
 * (every row of theirs there is from this file); others enter it as their
 * batches are written (batch_remember_pairs). */
static int txn_check_pair(reader *rd, tl_import *imp, long owner, tl_err *err)
{
    table_source *s = rd->s;
    tl_owner *o = &s->owners.v[owner];
    if (!o->in_pair_set) {
        if (o->batch == s->batch.number || !o->fresh)
            return TL_OK;   /* so far only in this batch */
        int rc = txn_pairs_from_store(s, imp, owner, err);
        if (rc)
            return rc;
        o->in_pair_set = true;
    }
    return unique_pair(rd, T_TXN, "txn_id for this customer", txn_pair_fp(s, &rd->r), err);
}

static int txns_row_write(reader *rd, tl_import *imp, tl_err *err)
{
    table_source *s = rd->s;
    txn_batch *b = &s->batch;
    int rc;
    if (b->n && (b->n == b->limit || b->text.len >= BATCH_TEXT) &&
        (rc = batch_flush(s, imp, true, err)))
        return rc;
    tl_txn t;
    char day[11];
    long owner;
    if ((rc = decode_txn(rd, &t, day, err)))
        return rc;
    if ((rc = txn_owner_of(rd, imp, t.customer_id, &owner, err)) ||
        (rc = txn_check_pair(rd, imp, owner, err)))
        return rc;
    if (b->n == b->cap && (rc = batch_grow(s, b, err)))
        return rc;
    if (!b->n)
        b->first_number = rd->r.number;
    batch_row *r = &b->rows[b->n];
    const char *str[B_NSTR] = {t.txn_id, t.day, t.currency, t.category, t.merchant,
                               t.payment_mode};
    const size_t *vlen = rd->r.vlen;
    size_t len[B_NSTR] = {vlen[T_TXN],      10,               vlen[T_CURRENCY],
                          vlen[T_CATEGORY], vlen[T_MERCHANT], vlen[T_MODE]};
    size_t need = B_NSTR;
    for (int i = 0; i < B_NSTR; i++)
        need += str[i] ? len[i] : 0;
    if ((rc = tl_buf_reserve(&b->text, need)))
        return tl_err_set(err, rc, "%s: a transaction too big to batch", rd->s->base.path);
    for (int i = 0; i < B_NSTR; i++)
        batch_put_str(b, str[i], len[i], &r->off[i]);
    r->end = (uint32_t)b->text.len;
    r->amount = t.amount;
    r->month = t.month;
    r->direction = t.direction;
    b->keys[b->n] = (batch_key){
        tl_store_txn_home(s->owners.v[owner].key, t.txn_id, len[B_TXN]), (uint32_t)b->n,
        (uint32_t)owner};
    b->n++;
    return TL_OK;
}

/* After the last row: the monthly totals of every customer whose rows
 * changed — summed while writing for fresh customers, recomputed from the
 * table for the others (an update may have replaced any row) — and their
 * transaction summaries, which ranking and the 360 read. */
static int txns_finish(table_source *s, tl_import *imp, tl_err *err)
{
    int rc = s->batch.n ? batch_flush(s, imp, false, err) : TL_OK;
    for (size_t i = 0; i < s->owners.n && !rc; i++) {
        tl_owner *o = &s->owners.v[i];
        if (!o->touched)
            continue;
        const char *id = tl_owner_id(&s->owners, i);
        if (o->fresh)
            tl_month_totals_settle(o->months, o->nmonths);
        rc = o->fresh ? tl_store_monthly_replace(imp->st, id, o->months, o->nmonths, "computed",
                                                 err)
                      : tl_store_monthly_rebuild(imp->st, id, o->key, err);
        bool changed;
        if (!rc && o->fresh && o->summary) {
            tl_txn_summary_order(o->summary);
            rc = tl_store_txn_summary_put(imp->st, id, o->summary, &changed, err);
        } else if (!rc) {
            rc = tl_store_txn_summary_rebuild(imp->st, id, &changed, err);
        }
    }
    return rc;
}

/* ---- posts ----------------------------------------------------------------- */

static int decode_post(reader *rd, tl_post *p, char day[11], tl_err *err)
{
    int rc, month;
    bool present;
    if ((rc = get_id(rd, S_CUSTOMER, &p->customer_id, err)) ||
        (rc = get_text(rd, S_PLATFORM, &p->platform, err)) ||
        (rc = get_text(rd, S_TOPIC, &p->topic, err)) ||
        (rc = get_text(rd, S_TEXT, &p->text, err)) ||
        (rc = get_date(rd, S_POSTED, day, &month, &present, err)))
        return rc;
    p->posted_at = present ? day : NULL;
    return TL_OK;
}

static int posts_row_check(reader *rd, tl_import *imp, tl_err *err)
{
    tl_post p;
    char day[11];
    int rc = decode_post(rd, &p, day, err);
    if (!rc)
        rc = require_known(rd, imp, TL_KIND_CUSTOMERS, S_CUSTOMER, p.customer_id, err);
    return rc;
}

static int posts_row_write(reader *rd, tl_import *imp, tl_err *err)
{
    tl_post p;
    char day[11];
    int rc = decode_post(rd, &p, day, err);
    if (rc)
        return rc;
    long long before = tl_store_changes_total(imp->st);
    if ((rc = tl_store_post_upsert(imp->st, &p, err)))
        return rc;
    imp->counts.changed[TL_KIND_POSTS] += tl_store_changes_total(imp->st) != before;
    return TL_OK;
}

/* ---- consent ------------------------------------------------------------------ */

/* A missing or empty field keeps the customer's current value (-1). */
static int decode_consent(reader *rd, const char **id, tl_consent_patch *p, tl_err *err)
{
    int rc = get_id(rd, K_CUSTOMER, id, err);
    if (rc)
        return rc;
    int *slot[3] = {&p->personalisation, &p->social_data, &p->llm};
    for (int f = K_PERSONALISATION; f <= K_LLM; f++) {
        const char *v = rd->r.v[f];
        *slot[f - K_PERSONALISATION] = -1;
        if (v && !tl_consent_parse_bool(v, slot[f - K_PERSONALISATION]))
            return fail(rd, f, err, "must be true/false, yes/no, 1/0 or granted/withdrawn");
    }
    return TL_OK;
}

static int consent_row_check(reader *rd, tl_import *imp, tl_err *err)
{
    const char *id;
    tl_consent_patch p;
    int rc = decode_consent(rd, &id, &p, err);
    if (!rc)
        rc = require_known(rd, imp, TL_KIND_CUSTOMERS, K_CUSTOMER, id, err);
    if (rc)
        return rc;
    /* One record per customer: two would make the result depend on order. */
    rc = tl_import_add_id(imp, TL_KIND_CONSENT, id);
    if (rc < 0)
        return tl_err_set(err, rc, "out of memory");
    if (rc == 0)
        return fail(rd, K_CUSTOMER, err, "duplicate customer_id: consent given twice in this "
                                         "import");
    return TL_OK;
}

static int consent_row_write(reader *rd, tl_import *imp, tl_err *err)
{
    const char *id;
    tl_consent_patch p;
    bool changed;
    int rc = decode_consent(rd, &id, &p, err);
    if (!rc)
        rc = tl_consent_change(imp->st, id, &p, "cli", "tailor import --consent", false, NULL,
                               &changed, err);
    if (!rc)
        imp->counts.changed[TL_KIND_CONSENT] += changed;
    return rc;
}

/* ---- events ------------------------------------------------------------------- */

/* The same rules as POST /api/v1/customers/{id}/events, plus a time: the
 * store's form of `at` (isotime.h), or the import's own time when absent. */
static int decode_event(reader *rd, tl_event *e, char at[TL_ISOTIME_LEN + 1], tl_err *err)
{
    memset(e, 0, sizeof *e);
    int rc;
    if ((rc = get_id(rd, E_CUSTOMER, &e->customer_id, err)) ||
        (rd->r.v[E_PRODUCT] && (rc = get_id(rd, E_PRODUCT, &e->product_id, err))) ||
        (rc = get_text(rd, E_KIND, &e->kind, err)) ||
        (rc = get_text(rd, E_CHANNEL, &e->channel, err)) ||
        (rd->r.v[E_KEY] && (rc = get_id(rd, E_KEY, &e->idempotency_key, err))))
        return rc;
    if (!(e->kind = tl_event_kind_find(e->kind, true)))
        return fail(rd, E_KIND, err, "must be " TL_EVENT_KINDS_TEXT);
    if (!e->product_id && tl_event_kind_needs_product(e->kind))
        return fail(rd, E_PRODUCT, err, "missing; %s events name their product", e->kind);
    if (rd->r.v[E_AT]) {
        if (!tl_isotime_normalise(rd->r.v[E_AT], at))
            return fail(rd, E_AT, err, "not a time like 2026-11-25T14:03:00Z or a date "
                                       "like 2026-11-25");
        e->at = at;
    }
    return TL_OK;
}

static int events_row_check(reader *rd, tl_import *imp, tl_err *err)
{
    tl_event e;
    char at[TL_ISOTIME_LEN + 1];
    int rc = decode_event(rd, &e, at, err);
    if (!rc)
        rc = require_known(rd, imp, TL_KIND_CUSTOMERS, E_CUSTOMER, e.customer_id, err);
    if (!rc && e.product_id)
        rc = require_known(rd, imp, TL_KIND_PRODUCTS, E_PRODUCT, e.product_id, err);
    if (rc || !e.idempotency_key)
        return rc;
    /* A key twice in one import would make which record counts depend on
     * order; a key already in the store is skipped on write. */
    rc = tl_import_add_id(imp, TL_KIND_EVENTS, e.idempotency_key);
    if (rc < 0)
        return tl_err_set(err, rc, "out of memory");
    if (rc == 0)
        return fail(rd, E_KEY, err, "duplicate idempotency key in this import");
    return TL_OK;
}

static int events_row_write(reader *rd, tl_import *imp, tl_err *err)
{
    tl_event e;
    char at[TL_ISOTIME_LEN + 1];
    bool duplicate;
    int rc = decode_event(rd, &e, at, err);
    if (!rc)
        rc = tl_store_event_add(imp->st, &e, rd->s->events, &duplicate, err);
    if (rc || duplicate)
        return rc;
    imp->counts.changed[TL_KIND_EVENTS]++;
    /* As over the API: an accepted offer is a product held from then on. */
    if (strcmp(e.kind, "accepted") == 0) {
        char since[11] = "";
        if (e.at)
            memcpy(since, e.at, 10);
        tl_holding h = {.customer_id = e.customer_id, .product_id = e.product_id,
                        .since = e.at ? since : NULL, .source = "accepted"};
        rc = tl_store_holding_upsert(imp->st, &h, err);
    }
    return rc;
}

/* ---- channel opt-outs ----------------------------------------------------------- */

/* One channel per record; opted_out defaults to yes (no: opted back in). */
static int decode_optout(reader *rd, const char **id, const char **channel, bool *out,
                         tl_err *err)
{
    int rc;
    if ((rc = get_id(rd, O_CUSTOMER, id, err)) || (rc = get_text(rd, O_CHANNEL, channel, err)))
        return rc;
    if (!tl_contact_optout_name_valid(*channel))
        return fail(rd, O_CHANNEL, err, "must be " TL_CONTACT_OPTOUT_RULE);
    /* Not consent's granted/withdrawn: they would read backwards here. */
    const char *v = rd->r.v[O_OPTED_OUT];
    *out = true;
    if (v && !tl_parse_bool(v, out))
        return fail(rd, O_OPTED_OUT, err, "must be true/false, yes/no or 1/0");
    return TL_OK;
}

static int optouts_row_check(reader *rd, tl_import *imp, tl_err *err)
{
    const char *id, *channel;
    bool out = true;
    int rc = decode_optout(rd, &id, &channel, &out, err);
    if (!rc)
        rc = require_known(rd, imp, TL_KIND_CUSTOMERS, O_CUSTOMER, id, err);
    if (rc)
        return rc;
    /* One record per customer and channel: two would make the result
     * depend on order. IDs hold no control characters, so US separates. */
    tl_buf *key = &rd->s->scratch;
    tl_buf_reset(key);
    if (tl_buf_printf(key, "%s\x1f%s", id, channel))
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    rc = tl_import_add_id(imp, TL_KIND_OPTOUTS, key->data);
    if (rc < 0)
        return tl_err_set(err, rc, "out of memory");
    if (rc == 0)
        return fail(rd, O_CHANNEL, err, "duplicate: this customer's %s opt-out given twice "
                                        "in this import", channel);
    return TL_OK;
}

static int optouts_row_write(reader *rd, tl_import *imp, tl_err *err)
{
    const char *id, *channel;
    bool out = true, changed;
    int rc = decode_optout(rd, &id, &channel, &out, err);
    if (rc)
        return rc;
    rc = tl_optout_set_one(imp->st, id, channel, out, "cli", "tailor import --optouts",
                           &changed, err);
    if (rc == TL_EINPUT)   /* the set would grow past its limit: name the record */
        return fail(rd, O_CHANNEL, err, "%s", err->msg);
    if (!rc)
        imp->counts.changed[TL_KIND_OPTOUTS] += changed;
    return rc;
}

typedef int (*row_fn)(reader *rd, tl_import *imp, tl_err *err);
static const struct {
    row_fn check, write;
} row_ops[TL_KIND_COUNT] = {
    [TL_KIND_CUSTOMERS] = {customers_row_check, customers_row_write},
    [TL_KIND_PRODUCTS] = {products_row_check, products_row_write},
    [TL_KIND_REVIEWS] = {reviews_row_check, reviews_row_write},
    [TL_KIND_HOLDINGS] = {holdings_row_check, holdings_row_write},
    [TL_KIND_MONTHLY] = {monthly_row_check, monthly_row_write},
    [TL_KIND_TRANSACTIONS] = {NULL, txns_row_write},   /* checked as written */
    [TL_KIND_POSTS] = {posts_row_check, posts_row_write},
    [TL_KIND_CONSENT] = {consent_row_check, consent_row_write},
    [TL_KIND_EVENTS] = {events_row_check, events_row_write},
    [TL_KIND_OPTOUTS] = {optouts_row_check, optouts_row_write},
};

/* ---- progress --------------------------------------------------------------- */

/* A one-line bar on stderr, only on a terminal and only for big files. */
typedef struct progress {
    bool on, drawn;
    const char *phase, *name;
    uint64_t total;
    long rows;
    double t0, last;
} progress;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void progress_start(progress *p, bool wanted, const char *phase, table_source *s)
{
    memset(p, 0, sizeof *p);
    p->on = wanted && isatty(STDERR_FILENO);
    if (!p->on)
        return;
    p->phase = phase;
    const char *slash = strrchr(s->base.path, '/');
    p->name = slash ? slash + 1 : s->base.path;
    struct stat sb;
    p->total = s->is_mem ? s->mem_len : stat(s->base.path, &sb) == 0 ? (uint64_t)sb.st_size : 0;
    p->t0 = p->last = now_s();
}

static void progress_draw(progress *p, uint64_t at)
{
    double t = now_s(), pct = p->total ? 100.0 * (double)at / (double)p->total : 0;
    if (pct > 100)
        pct = 100;
    char bar[31];
    int full = (int)(pct * 30 / 100);
    for (int i = 0; i < 30; i++)
        bar[i] = i < full ? '#' : '.';
    bar[30] = '\0';
    double rate = t > p->t0 ? (double)p->rows / (t - p->t0) : 0;
    fprintf(stderr, "\r%-.32s %-8s [%s] %3.0f%% %11ld rows %8.0fk rows/s\033[K", p->name,
            p->phase, bar, pct, p->rows, rate / 1000);
    fflush(stderr);
    p->drawn = true;
    p->last = t;
}

static inline void progress_tick(progress *p, const reader *rd)
{
    if (!p->on || (++p->rows & 0x3fff) || p->rows < PROGRESS_MIN_ROWS)
        return;
    if (now_s() - p->last >= 0.2)
        progress_draw(p, reader_offset(rd));
}

static void progress_end(progress *p)
{
    if (p->drawn) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
}

/* ---- passes ----------------------------------------------------------------- */

static int run_pass(table_source *s, tl_import *imp, bool write, tl_err *err)
{
    reader rd;
    int rc = reader_open(s, &rd, err);
    if (rc)
        return rc;
    row_fn fn = write ? row_ops[s->base.kind].write : row_ops[s->base.kind].check;
    /* A kind without a check is checked while written: count it then. */
    bool count = !write || !row_ops[s->base.kind].check;
    progress p;
    progress_start(&p, imp->progress,
                   !write ? "checking" : count ? "importing" : "writing", s);
    while ((rc = reader_next(&rd, err)) == 1) {
        if ((rc = fn(&rd, imp, err)))
            break;
        if (count)
            imp->counts.read[s->base.kind]++;
        progress_tick(&p, &rd);
    }
    progress_end(&p);
    reader_close(&rd);
    return rc < 0 ? rc : TL_OK;
}

static void caches_free(table_source *s)
{
    for (int i = 0; i < 2; i++) {
        tl_strset_free(&s->cache[i].found);
        s->cache[i].has_last = false;
    }
    fpset_free(&s->pairs);
    pair_runs_free(&s->runs);
}

static int table_check(tl_source *src, tl_import *imp, tl_err *err)
{
    table_source *s = (table_source *)src;
    if (!row_ops[s->base.kind].check)
        return TL_OK;   /* checked in the write pass */
    int rc = run_pass(s, imp, false, err);
    caches_free(s);   /* the ID sets are only needed while checking */
    return rc;
}

/* A bad record after a duplicate in the batch being read: the duplicate,
 * found only when its batch is written, is the error to report. */
static void txns_first_error(table_source *s, tl_err *err)
{
    if (!s->batch.n)
        return;
    batch_sort(&s->batch, s->batch.tmp);
    tl_err dup = {0};
    if (batch_check_unique(s, &dup) == TL_EINPUT)
        *err = dup;
}

/* Whether this import brings enough customers that rebuilding the search
 * index once beats keeping it in step row by row (store/customers.h):
 * a rebuild costs about 5 µs per stored customer, a row kept in step
 * 60-300 µs, the more the bigger the index. */
static int customers_in_bulk(tl_import *imp, bool *bulk, tl_err *err)
{
    long long stored, incoming = imp->counts.read[TL_KIND_CUSTOMERS];
    *bulk = false;
    if (incoming < 1000)
        return TL_OK;
    int rc = tl_store_customers_count(imp->st, &stored, err);
    *bulk = !rc && incoming * 10 >= stored;
    return rc;
}

static int table_write(tl_source *src, tl_import *imp, tl_err *err)
{
    table_source *s = (table_source *)src;
    int rc = s->base.kind == TL_KIND_TRANSACTIONS ? tl_store_bulk_cache_append(imp->st, err)
                                                  : TL_OK;
    bool paused = false;
    if (!rc && s->base.kind == TL_KIND_CUSTOMERS)
        rc = customers_in_bulk(imp, &paused, err);
    if (!rc && paused)
        rc = tl_store_customer_search_pause(imp->st, err);
    /* Events are counted for the overview once per import, not per row. */
    if (!rc && s->base.kind == TL_KIND_EVENTS && !(s->events = tl_event_batch_new()))
        rc = tl_err_set(err, TL_ENOMEM, "out of memory");
    if (!rc)
        rc = run_pass(s, imp, true, err);
    if (!rc && s->events)
        rc = tl_store_event_batch_flush(imp->st, s->events, err);
    tl_event_batch_free(s->events);
    s->events = NULL;
    if (!rc && paused)
        rc = tl_store_customer_search_resume(imp->st, err);
    if (rc == TL_EINPUT && s->base.kind == TL_KIND_TRANSACTIONS)
        txns_first_error(s, err);
    if (!rc && s->base.kind == TL_KIND_TRANSACTIONS)
        rc = txns_finish(s, imp, err);
    batch_free(&s->batch);
    tl_owner_map_free(&s->owners);
    caches_free(s);
    return rc;
}

static void table_destroy(tl_source *src)
{
    table_source *s = (table_source *)src;
    if (!s)
        return;
    caches_free(s);
    tl_owner_map_free(&s->owners);
    batch_free(&s->batch);
    tl_event_batch_free(s->events);
    tl_buf_free(&s->scratch);
    free(s->base.path);
    free(s);
}

/* ---- opening ------------------------------------------------------------------- */

tl_table_format tl_table_format_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return TL_TABLE_UNKNOWN;
    if (tl_strcaseeq(dot, ".csv"))
        return TL_TABLE_CSV;
    if (tl_strcaseeq(dot, ".jsonl") || tl_strcaseeq(dot, ".ndjson"))
        return TL_TABLE_JSONL;
    if (tl_strcaseeq(dot, ".json"))
        return TL_TABLE_JSON;
    return TL_TABLE_UNKNOWN;
}

static int source_new(tl_kind kind, const char *name, table_source **out, tl_err *err)
{
    *out = NULL;
    if ((unsigned)kind >= TL_KIND_COUNT)
        return tl_err_set(err, TL_EUSAGE, "%s: unknown kind of record", name);
    tl_table_format fmt = tl_table_format_of(name);
    if (fmt == TL_TABLE_UNKNOWN)
        return tl_err_set(err, TL_EUSAGE, "%s: unknown file type; expected .csv, .jsonl, "
                                          ".ndjson or .json", name);
    table_source *s = calloc(1, sizeof *s);
    if (!s || !(s->base.path = strdup(name))) {
        free(s);
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    }
    s->base.kind = kind;
    s->base.check = table_check;
    s->base.write = table_write;
    s->base.destroy = table_destroy;
    s->fmt = fmt;
    s->fields = schemas[kind].fields;
    s->nf = schemas[kind].n;
    for (size_t f = 0; f < s->nf; f++) {
        const fdef *d = &s->fields[f];
        normalize_name(d->name, strlen(d->name), s->norm[f][0], NAME_MAX_NORM);
        for (int a = 0; a < 3 && d->alias[a]; a++)
            normalize_name(d->alias[a], strlen(d->alias[a]), s->norm[f][a + 1], NAME_MAX_NORM);
    }
    tl_buf_init(&s->scratch, (size_t)16 << 20);
    tl_owner_map_init(&s->owners);
    /* A per-import seed: no fixed input can make fingerprints collide
     * every time (a collision only costs a re-read anyway). */
    s->seed = mix64((uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uintptr_t)s);
    *out = s;
    return TL_OK;
}

int tl_table_source_open(tl_kind kind, const char *path, tl_source **out, tl_err *err)
{
    table_source *s;
    int rc = source_new(kind, path, &s, err);
    if (rc)
        return rc;
    /* Fail now on a missing or unreadable file, before any pass runs. */
    FILE *f = fopen(path, "rb");
    if (!f) {
        rc = tl_err_set(err, TL_EIO, "%s: cannot open: %s", path, strerror(errno));
        table_destroy(&s->base);
        return rc;
    }
    fclose(f);
    *out = &s->base;
    return TL_OK;
}

int tl_table_source_open_mem(tl_kind kind, const char *name, const char *data, size_t len,
                             tl_source **out, tl_err *err)
{
    table_source *s;
    int rc = source_new(kind, name, &s, err);
    if (rc)
        return rc;
    s->is_mem = true;
    s->mem = data ? data : "";
    s->mem_len = data ? len : 0;
    *out = &s->base;
    return TL_OK;
}
