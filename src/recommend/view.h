/* view.h — everything the recommender reads about one customer, loaded
 * once per request: the profile, its 360 figures, posts with their
 * sentiment, and the products held. */
#ifndef TL_RECOMMEND_VIEW_H
#define TL_RECOMMEND_VIEW_H

#include <jansson.h>
#include <stddef.h>

#include "base/json_record.h"
#include "profile/insights.h"
#include "store/customers.h"
#include "store/store.h"
#include "text/sentiment.h"

#define TL_VIEW_MAX_POSTS 32
#define TL_VIEW_MAX_HOLDINGS 32

typedef struct tl_view_post {
    char *text;           /* owned */
    char *topic;          /* owned, may be "" */
    tl_sentiment sentiment;
} tl_view_post;

typedef struct tl_view_holding {
    char *product_id;     /* owned */
    char *name;           /* owned, "" when the product is unknown */
    char *category;       /* owned */
} tl_view_holding;

typedef struct tl_customer_view {
    tl_customer customer;     /* owned strings */
    tl_record *record;        /* the profile as received (owned) */
    tl_insights insights;     /* owned */
    tl_view_post posts[TL_VIEW_MAX_POSTS];
    size_t n_posts;
    tl_view_holding holdings[TL_VIEW_MAX_HOLDINGS];
    size_t n_holdings;
    int social_consent;       /* posts were read (consent to use social data) */
} tl_customer_view;

/* Loads the view of `customer_id`. Posts are read only when read_posts is
 * non-zero (consent). TL_ENOTFOUND for an unknown customer. The caller frees
 * with tl_view_free. */
int tl_view_load(tl_store *st, const char *customer_id, int read_posts, tl_customer_view *out,
                 tl_err *err);

void tl_view_free(tl_customer_view *v);   /* accepts NULL */

/* A profile field as text ("" when absent): for the prototype's fields
 * such as "VATUserStatus". Borrowed from the view. */
const char *tl_view_field(const tl_customer_view *v, const char *key, char *buf, size_t size);

/* Whether the customer holds product `id`. */
int tl_view_holds(const tl_customer_view *v, const char *product_id);

#endif
