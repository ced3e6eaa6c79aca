/* posts.h — customers' social-media posts. A post is identified by
 * (customer, platform, topic, text): importing it twice stores it once. */
#ifndef TL_STORE_POSTS_H
#define TL_STORE_POSTS_H

#include "store/store.h"

typedef struct tl_post {
    const char *customer_id;
    const char *platform, *topic;  /* "" when unknown */
    const char *text;
    const char *posted_at;         /* "YYYY-MM-DD" or NULL */
} tl_post;

int tl_store_post_upsert(tl_store *st, const tl_post *p, tl_err *err);

/* Visits a customer's posts in insertion order; strings valid during the
 * callback only. */
int tl_store_posts_each(tl_store *st, const char *customer_id,
                        int (*cb)(void *ctx, const tl_post *p), void *ctx, tl_err *err);

#endif
