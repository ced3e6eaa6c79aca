/* rec_json.c — a recommendation result as JSON: the API's shape and the
 * prototype's, written value by value (every answer is one of them). */
#include "recommend/engine.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "recommend/rollout.h"

/* What a need rests on: for the API, with the post's text (the customer's
 * own words, shown to them); the audit entry refers to posts by hash. */
static void write_needs(tl_jw *w, const tl_needs *n)
{
    static const char *const kinds[] = {"post", "figure", "field", "holding"};
    tl_jw_array(w);
    for (size_t i = 0; i < n->n; i++) {
        const tl_need *need = &n->needs[i];
        const tl_need_def *d = tl_need_def_get(need->id);
        tl_jw_object(w);
        tl_jw_key_str(w, "need", d->key);
        tl_jw_key_str(w, "label", d->label);
        tl_jw_key_real(w, "strength", round(need->strength * 1000) / 1000);
        tl_jw_key(w, "evidence");
        tl_jw_array(w);
        for (size_t k = 0; k < need->n_evidence; k++) {
            tl_jw_object(w);
            tl_jw_key_str(w, "type", kinds[need->evidence[k].kind]);
            tl_jw_key_str(w, "text", need->evidence[k].text);
            tl_jw_key_real(w, "weight", round(need->evidence[k].weight * 1000) / 1000);
            tl_jw_end(w, '}');
        }
        tl_jw_end(w, ']');
        tl_jw_end(w, '}');
    }
    tl_jw_end(w, ']');
}

static void write_excluded(tl_jw *w, const tl_rec_result *r)
{
    tl_jw_array(w);
    for (size_t i = 0; i < r->n_excluded; i++) {
        const tl_rec_exclusion *x = &r->excluded[i];
        tl_jw_object(w);
        tl_jw_key_str(w, "product_id", x->product_id);
        tl_jw_key_str(w, "name", x->name);
        tl_jw_key_str(w, "code", x->code);
        tl_jw_key_str(w, "reason", x->reason);
        if (!isnan(x->score))
            tl_jw_key_real(w, "score", x->score);
        tl_jw_end(w, '}');
    }
    tl_jw_end(w, ']');
}

static void write_recommendations(tl_jw *w, const tl_rec_result *r)
{
    tl_jw_array(w);
    for (size_t i = 0; i < r->n_items; i++) {
        const tl_rec_item *it = &r->items[i];
        tl_jw_object(w);
        tl_jw_key_str(w, "product_id", it->product_id);
        tl_jw_key_str(w, "name", it->name);
        tl_jw_key_str(w, "category", it->category);
        tl_jw_key_real(w, "score", it->score);
        tl_jw_key_real(w, "p_accept", it->p_accept);
        tl_jw_key_real(w, "learned_lift", it->learned_lift);
        tl_jw_key_str(w, "need", it->need);
        tl_jw_key(w, "reasons");
        tl_jw_array(w);
        for (size_t k = 0; k < it->n_reasons; k++)
            tl_jw_str(w, it->reasons[k]);
        tl_jw_end(w, ']');
        tl_jw_key(w, "evidence");
        tl_jw_raw(w, it->evidence);
        tl_jw_end(w, '}');
    }
    tl_jw_end(w, ']');
}

void tl_rec_result_write_members(tl_jw *w, const tl_engine *e, const tl_rec_result *r)
{
    tl_jw_key_str(w, "customer_id", r->customer_id);
    tl_jw_key(w, "recommendations");
    write_recommendations(w, r);
    tl_jw_key(w, "needs");
    write_needs(w, &r->needs);
    tl_jw_key_str(w, "profile_summary", r->profile_summary);
    tl_jw_key_str(w, "product_offering", r->product_offering);
    tl_jw_key_str(w, "encoder", tl_engine_encoder_id(e));
    tl_jw_key(w, "products_mentioned");
    if (r->post_sentiment) {
        tl_jw_value(w, r->post_sentiment);
    } else {
        tl_jw_array(w);
        tl_jw_end(w, ']');
    }
    /* What p_accept means travels with it, with the evidence behind it. */
    tl_jw_key(w, "learning");
    tl_jw_object(w);
    tl_jw_key_str(w, "segment", r->segment[0] ? r->segment : NULL);
    tl_jw_key_int(w, "segment_events", r->segment_events);
    tl_jw_key_int(w, "global_events", r->global_events);
    tl_jw_key_real(w, "weight", tl_engine_learned_weight(e));
    tl_jw_key_str(w, "p_accept",
               "probability that this customer accepts the offer if it is shown, estimated by "
               "an online logistic regression on feedback events of the customer's segment "
               "(age band x risk profile) and of all customers; with no events it is the prior "
               "of 5% adjusted by the match score, not a measurement");
    tl_jw_end(w, '}');
    tl_jw_key(w, "suppressed");
    const tl_contact_block *b = &r->suppressed;
    if (!b->code) {
        tl_jw_null(w);
    } else {
        tl_jw_object(w);
        tl_jw_key_str(w, "code", b->code);
        tl_jw_key_str(w, "reason", b->reason);
        tl_jw_key_str(w, "until", b->until[0] ? b->until : NULL);
        tl_jw_end(w, '}');
    }
    if (r->arm != TL_ARM_NONE) {
        tl_jw_key(w, "rollout");
        tl_jw_object(w);
        tl_jw_key_str(w, "name", r->rollout);
        tl_jw_key_str(w, "arm", tl_arm_name(r->arm));
        tl_jw_end(w, '}');
    }
    if (r->excluded) {
        tl_jw_key(w, "excluded");
        write_excluded(w, r);
    }
}

void tl_rec_result_write_prototype_members(tl_jw *w, const tl_rec_result *r)
{
    tl_jw_key_str(w, "profile", r->profile_summary);
    tl_jw_key(w, "recommended");
    tl_jw_array(w);
    for (size_t i = 0; i < r->n_items; i++) {
        const tl_rec_item *it = &r->items[i];
        char sim[32];
        snprintf(sim, sizeof sim, "%.3f", it->score);
        tl_jw_object(w);
        tl_jw_key_str(w, "Product_Name", it->name);
        tl_jw_key_str(w, "Product_Category", it->category);
        tl_jw_key_str(w, "Similarity", sim);
        tl_jw_end(w, '}');
    }
    tl_jw_end(w, ']');
    /* Real sentiment: products the posts speak of, with the score mapped to
     * 0..1 in the prototype's "Similarity" field. */
    tl_jw_key(w, "products_sentiment");
    tl_jw_array(w);
    size_t i;
    json_t *m;
    json_array_foreach(r->post_sentiment, i, m) {
        char s[32];
        snprintf(s, sizeof s, "%.3f", (json_number_value(json_object_get(m, "score")) + 1) / 2);
        tl_jw_object(w);
        tl_jw_key_str(w, "Product_Name", json_string_value(json_object_get(m, "name")));
        tl_jw_key_str(w, "Product_Category", "");
        tl_jw_key_str(w, "Similarity", s);
        tl_jw_key_str(w, "Sentiment", json_string_value(json_object_get(m, "sentiment")));
        tl_jw_end(w, '}');
    }
    tl_jw_end(w, ']');
    tl_jw_key(w, "products");
    tl_jw_array(w);
    for (size_t k = 0; k < r->n_items; k++) {
        const tl_rec_item *it = &r->items[k];
        char reason[900] = "";
        size_t used = 0;
        for (size_t j = 0; j < it->n_reasons && used < sizeof reason; j++)
            used += (size_t)snprintf(reason + used, sizeof reason - used, "%s%s.",
                                     j ? " " : "", it->reasons[j]);
        tl_jw_object(w);
        tl_jw_key_str(w, "Product_Name", it->name);
        tl_jw_key_str(w, "Reason", reason);
        tl_jw_end(w, '}');
    }
    tl_jw_end(w, ']');
}

/* What tl_rec_result_to_json reads back as a tree. */
typedef struct tree_of {
    const tl_engine *e;
    const tl_rec_result *r;
} tree_of;

static void write_object(tl_jw *w, const void *ctx)
{
    const tree_of *t = ctx;
    tl_jw_object(w);
    tl_rec_result_write_members(w, t->e, t->r);
    tl_jw_end(w, '}');
}

json_t *tl_rec_result_to_json(const tl_engine *e, const tl_rec_result *r)
{
    tree_of t = {e, r};
    return tl_jw_tree(write_object, &t);
}
