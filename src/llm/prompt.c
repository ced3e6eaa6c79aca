/* prompt.c — facts and messages for the model, pseudonymised. */
#include "llm/prompt.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "recommend/needs.h"
#include "store/products.h"

#define CUSTOMER_TOKEN "C1"

static const char RECS_SYSTEM[] =
    "You help a bank adviser write to a customer. You receive facts that the bank's "
    "recommender computed. Rewrite its summary of the customer and its reasons for each "
    "recommended product in a warm, plain and friendly voice, speaking to the customer as "
    "\"you\". Use only the facts given: do not add or drop products, do not change scores, "
    "rates, fees or eligibility, and write no number that is not in the facts (copy figures "
    "exactly as written there). Never guess who the customer is. Answer with one JSON object "
    "and nothing else: {\"summary\": string of at most 600 characters, \"reasons\": "
    "[{\"product_id\": string, \"reason\": string of at most 400 characters}]} with exactly "
    "one reason per product of the facts, using its product_id.";

static const char SUGGESTIONS_SYSTEM[] =
    "You help a bank's product manager. You receive facts about one product: how its reviews "
    "read, who holds it against who it targets, and how its offers fare, with the bank's own "
    "suggestions. Write up to 6 concrete, friendly suggestions to improve the product or how "
    "it is offered, based only on these facts. Write no number that is not in the facts "
    "(copy figures exactly as written there). Answer with one JSON object and nothing else: "
    "{\"suggestions\": [string of at most 300 characters, ...]} with 1 to 6 suggestions.";

/* ---- identifiers to keep out ---- */

static int add_pii(tl_llm_prompt *p, const char *s)
{
    if (!s)
        return 0;
    while (*s == ' ')
        s++;
    size_t len = strlen(s);
    while (len && s[len - 1] == ' ')
        len--;
    if (len < 2)
        return 0;
    for (size_t i = 0; i < p->n_pii; i++)
        if (strlen(p->pii[i]) == len && strncasecmp(p->pii[i], s, len) == 0)
            return 0;
    char **grown = realloc(p->pii, (p->n_pii + 1) * sizeof *grown);
    if (!grown)
        return -1;
    p->pii = grown;
    if (!(p->pii[p->n_pii] = strndup(s, len)))
        return -1;
    p->n_pii++;
    return 0;
}

/* Keys of a customer record whose string values identify the person. */
static int identifying_key(const char *key)
{
    static const char *const parts[] = {"name",    "mail",     "phone",    "mobile",
                                        "address", "street",   "zip",      "postcode",
                                        "postal",  "iban",     "accountnumber",
                                        "account_number", "card_number", "cardnumber",
                                        "ssn",     "passport", "city",     "birth"};
    char low[64];
    size_t n = 0;
    for (; key[n] && n < sizeof low - 1; n++)
        low[n] = (char)tolower((unsigned char)key[n]);
    low[n] = '\0';
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
        if (strstr(low, parts[i]))
            return 1;
    return 0;
}

static int collect_pii(tl_llm_prompt *p, const tl_customer *c)
{
    int rc = add_pii(p, c->id) || add_pii(p, c->name) || add_pii(p, c->city);
    if (c->name) {
        /* Each part of the name on its own too. */
        for (const char *w = c->name; *w && !rc;) {
            size_t len = strcspn(w, " ");
            char *part = strndup(w, len);
            rc = part ? add_pii(p, part) : -1;
            free(part);
            w += len;
            w += strspn(w, " ");
        }
    }
    json_t *doc = c->doc ? json_loads(c->doc, 0, NULL) : NULL;
    const char *k;
    json_t *v;
    json_object_foreach(doc, k, v) {
        if (!rc && json_is_string(v) && identifying_key(k))
            rc = add_pii(p, json_string_value(v));
    }
    json_decref(doc);
    return rc;
}

static int word_char(char ch)
{
    return isalnum((unsigned char)ch) || ch == '_' || ch == '@' || (unsigned char)ch >= 0x80;
}

/* Position of needle in hay as a whole word, case-insensitively, or NULL. */
static const char *find_word(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *s = hay; *s; s++) {
        if (strncasecmp(s, needle, n) != 0)
            continue;
        int before = s > hay && word_char(s[-1]) && word_char(needle[0]);
        int after = s[n] && word_char(s[n]) && word_char(needle[n - 1]);
        if (!before && !after)
            return s;
    }
    return NULL;
}

/* Copies text with every identifier replaced and quoted spans (posts)
 * dropped. Returns a malloc'd string or NULL. */
static char *scrub(const tl_llm_prompt *p, const tl_customer *c, const char *text)
{
    tl_buf b;
    tl_buf_init(&b, 1u << 16);
    /* Quoted spans first: reasons quote the customer's posts. */
    for (const char *s = text; *s; s++) {
        if (*s == '"') {
            const char *end = strchr(s + 1, '"');
            if (end) {
                tl_buf_puts(&b, "(in a post)");
                s = end;
                continue;
            }
        }
        tl_buf_putc(&b, *s);
    }
    char *cur = tl_buf_steal(&b, NULL);
    for (size_t i = 0; cur && i < p->n_pii; i++) {
        const char *repl = c && c->id && strcasecmp(p->pii[i], c->id) == 0 ? CUSTOMER_TOKEN
                           : c && c->city && strcasecmp(p->pii[i], c->city) == 0
                               ? "your city"
                               : "you";
        const char *hit;
        while (cur && (hit = find_word(cur, p->pii[i]))) {
            tl_buf_init(&b, 1u << 16);
            tl_buf_append(&b, cur, (size_t)(hit - cur));
            tl_buf_puts(&b, repl);
            tl_buf_puts(&b, hit + strlen(p->pii[i]));
            free(cur);
            cur = tl_buf_steal(&b, NULL);
        }
    }
    return cur;
}

/* ---- facts ---- */

static const char *age_band(int age)
{
    if (age < 0)
        return "unknown";
    return age < 25 ? "18-24" : age < 35 ? "25-34" : age < 45 ? "35-44" : age < 55 ? "45-54"
         : age < 65 ? "55-64" : "65+";
}

static json_t *scrubbed(const tl_llm_prompt *p, const tl_customer *c, const char *text)
{
    char *s = scrub(p, c, text ? text : "");
    json_t *j = json_string(s ? s : "");
    free(s);
    return j;
}

static json_t *product_fact(tl_store *st, const tl_llm_prompt *p, const tl_customer *c,
                            const tl_rec_item *it)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:f}", "product_id", it->product_id, "name",
                          it->name, "category", it->category, "score", it->score);
    char *doc = NULL;
    if (o && tl_store_product_get_doc(st, it->product_id, &doc, NULL) == TL_OK) {
        json_t *pj = json_loads(doc, 0, NULL);
        static const char *const fields[] = {"annual_fee", "interest_rate", "credit_limit",
                                             "rewards", "eligibility", "features"};
        for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
            json_t *v = json_object_get(pj, fields[i]);
            if (json_is_string(v) || json_is_number(v))
                json_object_set(o, fields[i], v);
        }
        json_decref(pj);
    }
    free(doc);
    json_t *reasons = json_array();
    for (size_t k = 0; k < it->n_reasons; k++)
        json_array_append_new(reasons, scrubbed(p, c, it->reasons[k]));
    json_object_set_new(o, "reasons_to_rewrite", reasons);
    return o;
}

static int finish(tl_llm_prompt *p, const char *system, json_t *facts, tl_err *err)
{
    char *text = facts ? json_dumps(facts, JSON_COMPACT | JSON_SORT_KEYS |
                                               JSON_REAL_PRECISION(10))
                       : NULL;
    json_decref(facts);
    tl_buf b;
    tl_buf_init(&b, 1u << 20);
    if (!text || tl_buf_printf(&b, "Facts (JSON):\n%s", text)) {
        free(text);
        tl_buf_free(&b);
        return tl_err_set(err, TL_ENOMEM, "out of memory building the LLM prompt");
    }
    free(text);
    p->user = tl_buf_steal(&b, NULL);
    p->system = strdup(system);
    if (!p->user || !p->system)
        return tl_err_set(err, TL_ENOMEM, "out of memory building the LLM prompt");
    tl_buf_init(&b, 1u << 21);
    tl_buf_puts(&b, p->system);
    tl_buf_putc(&b, '\0');
    tl_buf_puts(&b, p->user);
    tl_sha256_hex(b.data, b.len, p->hash);
    tl_buf_free(&b);
    return TL_OK;
}

int tl_llm_prompt_recs(tl_store *st, const tl_customer *c, const tl_rec_result *r,
                       tl_llm_prompt *out, tl_err *err)
{
    memset(out, 0, sizeof *out);
    out->task = TL_LLM_TASK_RECS;
    int rc = TL_OK;
    if (collect_pii(out, c) || add_pii(out, r->customer_id)) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory");
        goto fail;
    }
    out->ids = calloc(r->n_items ? r->n_items : 1, sizeof *out->ids);
    if (!out->ids) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory");
        goto fail;
    }
    json_t *needs = json_array();
    for (size_t i = 0; i < r->needs.n && i < 4; i++) {
        const tl_need *n = &r->needs.needs[i];
        json_t *ev = json_array();
        for (size_t k = 0; k < n->n_evidence; k++)
            if (n->evidence[k].kind != TL_EV_POST)   /* posts stay out */
                json_array_append_new(ev, scrubbed(out, c, n->evidence[k].text));
        json_array_append_new(needs, json_pack("{s:s, s:f, s:o}", "need",
                                               tl_need_def_get(n->id)->label, "strength",
                                               round(n->strength * 100) / 100, "evidence", ev));
    }
    json_t *products = json_array();
    for (size_t i = 0; i < r->n_items; i++) {
        json_array_append_new(products, product_fact(st, out, c, &r->items[i]));
        if (!(out->ids[i] = strdup(r->items[i].product_id))) {
            json_decref(needs);
            json_decref(products);
            rc = tl_err_set(err, TL_ENOMEM, "out of memory");
            goto fail;
        }
        out->n_ids++;
    }
    json_t *facts = json_pack("{s:s, s:s, s:s, s:o, s:o, s:I, s:o}", "customer", CUSTOMER_TOKEN,
                              "age_band", age_band(c->age), "risk_profile",
                              c->risk_profile ? c->risk_profile : "unknown", "needs", needs,
                              "products", products, "number_of_products",
                              (json_int_t)r->n_items, "summary_to_rewrite",
                              scrubbed(out, c, r->profile_summary));
    if ((rc = finish(out, RECS_SYSTEM, facts, err)))
        goto fail;
    return TL_OK;
fail:
    tl_llm_prompt_free(out);
    return rc;
}

int tl_llm_prompt_suggestions(const json_t *insights, tl_llm_prompt *out, tl_err *err)
{
    memset(out, 0, sizeof *out);
    out->task = TL_LLM_TASK_SUGGESTIONS;
    /* Product facts hold no personal data; they go as computed, renamed
     * where a name says what to do with them. */
    json_t *facts = json_deep_copy(insights);
    if (!facts)
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    json_t *s = json_object_get(facts, "suggestions");
    if (s) {
        json_object_set(facts, "suggestions_to_rewrite", s);
        json_object_del(facts, "suggestions");
    }
    int rc = finish(out, SUGGESTIONS_SYSTEM, facts, err);
    if (rc)
        tl_llm_prompt_free(out);
    return rc;
}

void tl_llm_prompt_free(tl_llm_prompt *p)
{
    if (!p)
        return;
    free(p->system);
    free(p->user);
    for (size_t i = 0; i < p->n_ids; i++)
        free(p->ids[i]);
    free(p->ids);
    for (size_t i = 0; i < p->n_pii; i++)
        free(p->pii[i]);
    free(p->pii);
    memset(p, 0, sizeof *p);
}

int tl_llm_prompt_is_clean(const tl_llm_prompt *p)
{
    for (size_t i = 0; i < p->n_pii; i++)
        if ((p->system && find_word(p->system, p->pii[i])) ||
            (p->user && find_word(p->user, p->pii[i])))
            return 0;
    return 1;
}
