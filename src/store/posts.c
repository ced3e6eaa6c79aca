/* posts.c — posts table. */
#include "store/posts.h"
#include "store/store_int.h"

int tl_store_post_upsert(tl_store *st, const tl_post *p, tl_err *err)
{
    sqlite3_stmt *s = tl__store_stmt(
        st, TL_STMT_POST_UPSERT,
        "INSERT INTO posts(customer_id, platform, topic, text, posted_at) VALUES(?1,?2,?3,?4,?5) "
        "ON CONFLICT(customer_id, platform, topic, text) DO UPDATE SET posted_at=?5 "
        "WHERE posted_at IS NOT ?5",
        err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, p->customer_id);
    tl__bind_text(s, 2, p->platform ? p->platform : "");
    tl__bind_text(s, 3, p->topic ? p->topic : "");
    tl__bind_text(s, 4, p->text);
    tl__bind_text(s, 5, p->posted_at);
    if (sqlite3_step(s) != SQLITE_DONE)
        return tl__store_fail(st, err, "write post");
    return TL_OK;
}

int tl_store_posts_each(tl_store *st, const char *customer_id,
                        int (*cb)(void *ctx, const tl_post *p), void *ctx, tl_err *err)
{
    sqlite3_stmt *s = tl__store_stmt(st, TL_STMT_POSTS_GET,
                                     "SELECT customer_id, platform, topic, text, posted_at "
                                     "FROM posts WHERE customer_id=?1 ORDER BY id",
                                     err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, customer_id);
    int step, rc = TL_OK;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        tl_post p = {
            .customer_id = (const char *)sqlite3_column_text(s, 0),
            .platform = (const char *)sqlite3_column_text(s, 1),
            .topic = (const char *)sqlite3_column_text(s, 2),
            .text = (const char *)sqlite3_column_text(s, 3),
            .posted_at = (const char *)sqlite3_column_text(s, 4),
        };
        if (cb(ctx, &p))
            break;
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "read posts");
    sqlite3_reset(s);
    return rc;
}
