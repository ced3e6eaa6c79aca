/* view.c — loading a customer's view from the store. */
#include "recommend/view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/holdings.h"
#include "store/posts.h"
#include "store/products.h"

void tl_view_free(tl_customer_view *v)
{
    if (!v)
        return;
    tl_customer_free(&v->customer);
    tl_record_free(v->record);
    tl_insights_free(&v->insights);
    for (size_t i = 0; i < v->n_posts; i++) {
        free(v->posts[i].text);
        free(v->posts[i].topic);
    }
    for (size_t i = 0; i < v->n_holdings; i++) {
        free(v->holdings[i].product_id);
        free(v->holdings[i].name);
        free(v->holdings[i].category);
    }
    memset(v, 0, sizeof *v);
}

static int add_post(void *ctx, const tl_post *p)
{
    tl_customer_view *v = ctx;
    if (v->n_posts >= TL_VIEW_MAX_POSTS)
        return 1;
    tl_view_post *vp = &v->posts[v->n_posts];
    vp->text = strdup(p->text);
    vp->topic = strdup(p->topic ? p->topic : "");
    if (!vp->text || !vp->topic) {
        free(vp->text);
        free(vp->topic);
        return 1;
    }
    tl_sentiment_score_str(vp->text, &vp->sentiment);
    v->n_posts++;
    return 0;
}

static int add_holding(void *ctx, const tl_holding *h)
{
    tl_customer_view *v = ctx;
    if (v->n_holdings >= TL_VIEW_MAX_HOLDINGS)
        return 1;
    tl_view_holding *vh = &v->holdings[v->n_holdings];
    vh->product_id = strdup(h->product_id);
    /* Names and categories of what is held, for reasons and the analyst. */
    vh->name = strdup(h->product_name ? h->product_name : "");
    vh->category = strdup(h->product_category ? h->product_category : "");
    if (!vh->product_id || !vh->name || !vh->category) {
        free(vh->product_id);
        free(vh->name);
        free(vh->category);
        return 1;
    }
    v->n_holdings++;
    return 0;
}

int tl_view_load(tl_store *st, const char *customer_id, int read_posts, tl_customer_view *out,
                 tl_err *err)
{
    memset(out, 0, sizeof *out);
    int rc = tl_store_customer_get(st, customer_id, &out->customer, err);
    if (rc)
        return rc;
    if ((rc = tl_record_read(out->customer.doc, &out->record, err)) ||
        (rc = tl_insights_compute_for(st, &out->customer, out->record, &out->insights, err)))
        goto fail;
    out->social_consent = read_posts;
    if (read_posts && (rc = tl_store_posts_each(st, customer_id, add_post, out, err)))
        goto fail;
    if ((rc = tl_store_holdings_each(st, customer_id, add_holding, out, err)))
        goto fail;
    return TL_OK;
fail:
    tl_view_free(out);
    return rc;
}

const char *tl_view_field(const tl_customer_view *v, const char *key, char *buf, size_t size)
{
    return tl_record_field(v->record, key, buf, size);
}

int tl_view_holds(const tl_customer_view *v, const char *product_id)
{
    for (size_t i = 0; i < v->n_holdings; i++)
        if (strcmp(v->holdings[i].product_id, product_id) == 0)
            return 1;
    return 0;
}
