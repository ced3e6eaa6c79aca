/* posts.c — what customers say: social-media posts (posts.csv) and extra
 * product reviews (reviews.csv).
 *
 * Posts come from a customer's life events ("Our baby arrives in March"),
 * interests ("Looking for a card with better dining cashback"), the
 * products they hold ("The home loan process was painfully slow") and
 * plain chatter that carries no need at all, so matching has to tell them
 * apart. Templates hold slots — {dest}, {month}, {product}, {employer},
 * {city}, {age}, {years}, {pro}, {con} — filled per post. A customer never
 * posts the same template twice, so no post is a duplicate of another. */
#include "synth/model.h"

#include <stdio.h>
#include <string.h>

typedef struct tpl {
    const char *topic;
    const char *text;
} tpl;

#define N(a) (sizeof a / sizeof *a)

static const tpl t_travel[] = {
    {"Holiday Destinations", "Planning my next trip to {dest}. #TravelHacks"},
    {"Holiday Destinations", "Counting down the days until {dest}! Any must-see spots?"},
    {"Travel", "Anyone been to {dest} in {month}? First time going and I have no idea what to pack."},
    {"Travel", "Booked flights to {dest}. Now I need travel insurance that actually pays out."},
    {"Travel", "Looking for a card with no foreign transaction fees before my trip to {dest}."},
    {"Holiday Destinations", "Finally taking that long-overdue holiday in {dest} this {month}."},
    {"Travel", "Airport lounges or not? Trying to decide before we fly to {dest}."},
    {"Travel", "Saving every spare dollar for {dest}. Two weeks, no laptop."},
};
static const tpl t_retirement[] = {
    {"Retirement Planning", "Thinking about retirement, I refuse to work past {age}. #EarlyRetirement"},
    {"Retirement Planning", "How much do I really need saved to retire comfortably?"},
    {"Retirement Planning", "{years} until retirement and I'm not sure my pension is enough."},
    {"Retirement Planning", "Want a steady monthly income once I stop working. Bonds? Deposits? Advice welcome."},
    {"Retirement Planning", "Met with HR about retiring at {age}. Time to get my savings in order."},
};
static const tpl t_baby[] = {
    {"Family", "Our baby arrives in {month}! Nursery shopping has officially begun."},
    {"Family", "Baby on the way and suddenly life insurance doesn't sound boring anymore."},
    {"Family", "Any advice on saving for a newborn's future? Want to start early."},
    {"Family", "Strollers cost HOW much? Budgeting for the little one arriving in {month}."},
    {"Family", "We need a bigger place before the baby comes in {month}."},
};
static const tpl t_first_home[] = {
    {"Home", "Tired of paying rent. Saving hard for a down payment on our first home."},
    {"Home", "We finally found a house we love, now the mortgage paperwork begins."},
    {"Home", "First-time buyer here: fixed or adjustable rate? So confused."},
    {"Home", "House hunting in {city} every weekend. Prices are wild."},
};
static const tpl t_move[] = {
    {"Home", "Just moved to {city}, surrounded by boxes."},
    {"Home", "New city, new apartment. Still figuring out which utilities to set up in {city}."},
    {"Home", "Relocating for work was harder than I thought. {city} is growing on me though."},
};
static const tpl t_car[] = {
    {"Cars", "My car broke down again. Might be time for a new one."},
    {"Cars", "Third repair bill this year, seriously considering a new car."},
    {"Cars", "Shopping around for an auto loan with a decent rate. Any tips?"},
    {"Cars", "The mechanic says the transmission is done. There goes my savings."},
};
static const tpl t_wedding[] = {
    {"Life Events", "We're getting married in {month}! Budgeting for the big day is no joke."},
    {"Life Events", "Honeymoon in {dest} after the wedding. Need to start saving now."},
    {"Life Events", "Wedding venue deposit paid. Wallet crying."},
};
static const tpl t_job[] = {
    {"Career", "Started my new job at {employer} today!"},
    {"Career", "Got the promotion! Time to make my money work harder."},
    {"Career", "New role, bigger paycheck. Should I invest the raise or pay down debt first?"},
    {"Career", "Excited to share that I've joined {employer}."},
};
static const tpl t_business[] = {
    {"Business", "Finally launched my own business! Need to sort out business banking."},
    {"Business", "Running a small business means juggling invoices and cash flow every week."},
    {"Business", "Looking for a business credit card that gives something back on advertising spend."},
    {"Business", "Need working capital to buy new equipment. Bank loan or investor?"},
};
static const tpl t_education[] = {
    {"Education", "Got accepted into grad school! Now to figure out how to pay the tuition."},
    {"Education", "College tuition for my kid starts this fall. Yikes."},
    {"Education", "Comparing student loans is a full-time job."},
    {"Education", "Should we start a college fund now or focus on the mortgage?"},
};
static const tpl t_health[] = {
    {"Health", "Unexpected hospital bill this month. Glad I had some savings."},
    {"Health", "Need better health coverage for the family after this year."},
    {"Health", "Surgery went well. The insurance paperwork, less so."},
};
static const tpl t_dining[] = {
    {"Dining", "Looking for a card with better dining cashback."},
    {"Dining", "Suggest a credit card that gives real rewards on restaurants."},
    {"Dining", "Tried the new ramen place downtown, worth every penny."},
    {"Dining", "We eat out way too much. At least give me points for it."},
};
static const tpl t_investing[] = {
    {"Investment", "Suggest a moderate-risk investment plan for long-term gains."},
    {"Investment", "Index funds or a robo-advisor for a beginner?"},
    {"Investment", "Finally started investing a little every month."},
    {"Investment", "Markets are volatile, thinking of moving some savings into bonds."},
};
static const tpl t_saving[] = {
    {"Savings", "Trying to build a proper emergency fund this year."},
    {"Savings", "Where can I get a decent interest rate on my savings?"},
    {"Savings", "No-spend month challenge, day 12."},
};
static const tpl t_shopping[] = {
    {"Shopping", "Black Friday damage report: not great."},
    {"Shopping", "Any card that gives cash back on online shopping?"},
    {"Shopping", "New sneakers, zero regrets."},
};
static const tpl t_cars[] = {
    {"Cars", "Gas prices are killing me. Any card with fuel rewards?"},
    {"Cars", "Thinking about going electric for the next car."},
};
static const tpl t_fitness[] = {
    {"Fitness", "Ran my first half marathon today!"},
    {"Fitness", "Gym membership renewed. This year I actually go."},
};
static const tpl t_tech[] = {
    {"Technology", "Upgraded my phone and immediately regretted the price."},
    {"Technology", "Does anyone still use a banking app that isn't terrible?"},
};
static const tpl t_gaming[] = {
    {"Gaming", "Stayed up way too late finishing this game."},
    {"Gaming", "Game subscriptions add up fast, need to cancel a few."},
};
static const tpl t_cashback[] = {
    {"Shopping", "Which card gives the best cash back on groceries?"},
    {"Shopping", "Cash back beats points, change my mind."},
};
static const tpl t_positive[] = {
    {"Banking", "Love my {product}, the {pro} {pro_is} fantastic."},
    {"Banking", "Shout out to the {product} team, the {pro} made my week."},
    {"Banking", "Really happy with the {pro} on my {product}."},
};
static const tpl t_negative[] = {
    {"Banking", "The {product} is driving me mad, the {con} {con_is} unacceptable."},
    {"Banking", "Seriously thinking of dropping my {product}. The {con} {con_is} a joke."},
    {"Banking", "Not impressed with the {product}: {con} again."},
};
static const tpl t_mixed[] = {
    {"Banking", "My {product} gets the {pro} right, but the {con} {con_lets} it down."},
    {"Banking", "Mixed feelings about the {product}: good {pro}, annoying {con}."},
};
static const tpl t_chatter[] = {
    {"Lifestyle", "Great coffee this morning, the weekend starts now."},
    {"Lifestyle", "Weekend hike with the dog, best way to reset."},
    {"Lifestyle", "Monday again. How?"},
    {"Lifestyle", "Sunset from the balcony tonight was unreal."},
    {"Sports", "What a game last night!"},
    {"Food", "Baked sourdough for the first time. It's a brick, but it's my brick."},
    {"Lifestyle", "Finished a great book, looking for recommendations."},
    {"Music", "Concert tickets secured!"},
    {"Lifestyle", "Spring cleaning done. Found three umbrellas I forgot I owned."},
    {"Lifestyle", "Volunteered at the food bank today, highly recommend it."},
};

typedef struct tpl_group {
    const tpl *items;
    uint32_t n;
} tpl_group;

enum {
    GRP_TRAVEL, GRP_RETIREMENT, GRP_BABY, GRP_FIRST_HOME, GRP_MOVE, GRP_CAR, GRP_WEDDING,
    GRP_JOB, GRP_BUSINESS, GRP_EDUCATION, GRP_HEALTH, GRP_DINING, GRP_INVESTING, GRP_SAVING,
    GRP_SHOPPING, GRP_CARS, GRP_FITNESS, GRP_TECH, GRP_GAMING, GRP_CASHBACK, GRP_POSITIVE,
    GRP_NEGATIVE, GRP_MIXED, GRP_CHATTER,
    GRP__N
};

static const tpl_group groups[GRP__N] = {
    {t_travel, N(t_travel)},       {t_retirement, N(t_retirement)}, {t_baby, N(t_baby)},
    {t_first_home, N(t_first_home)}, {t_move, N(t_move)},          {t_car, N(t_car)},
    {t_wedding, N(t_wedding)},     {t_job, N(t_job)},               {t_business, N(t_business)},
    {t_education, N(t_education)}, {t_health, N(t_health)},         {t_dining, N(t_dining)},
    {t_investing, N(t_investing)}, {t_saving, N(t_saving)},         {t_shopping, N(t_shopping)},
    {t_cars, N(t_cars)},           {t_fitness, N(t_fitness)},       {t_tech, N(t_tech)},
    {t_gaming, N(t_gaming)},       {t_cashback, N(t_cashback)},     {t_positive, N(t_positive)},
    {t_negative, N(t_negative)},   {t_mixed, N(t_mixed)},           {t_chatter, N(t_chatter)},
};

/* choose() keeps 10 bits per group. */
#define FITS(a) _Static_assert(N(a) <= 10, #a " has more than 10 templates")
FITS(t_travel); FITS(t_retirement); FITS(t_baby); FITS(t_first_home); FITS(t_move);
FITS(t_car); FITS(t_wedding); FITS(t_job); FITS(t_business); FITS(t_education);
FITS(t_health); FITS(t_dining); FITS(t_investing); FITS(t_saving); FITS(t_shopping);
FITS(t_cars); FITS(t_fitness); FITS(t_tech); FITS(t_gaming); FITS(t_cashback);
FITS(t_positive); FITS(t_negative); FITS(t_mixed); FITS(t_chatter);

static const int event_group[TL_EV__N] = {
    [TL_EV_TRAVEL] = GRP_TRAVEL,       [TL_EV_NEW_JOB] = GRP_JOB,
    [TL_EV_BABY] = GRP_BABY,           [TL_EV_FIRST_HOME] = GRP_FIRST_HOME,
    [TL_EV_MOVE] = GRP_MOVE,           [TL_EV_RETIREMENT] = GRP_RETIREMENT,
    [TL_EV_CAR_TROUBLE] = GRP_CAR,     [TL_EV_WEDDING] = GRP_WEDDING,
    [TL_EV_BUSINESS] = GRP_BUSINESS,   [TL_EV_EDUCATION] = GRP_EDUCATION,
    [TL_EV_HEALTH] = GRP_HEALTH,
};

static const char *const month_names[12] = {
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
};

/* True when an aspect phrase is plural ("slow claims", "fees on large
 * portfolios"): its head noun is the last word before any preposition, and
 * is plural when it ends in 's' but not "ss", "us" or "is". */
static bool plural(const char *phrase)
{
    static const char *const cuts[] = {" on ", " of ", " for ", " with ", " after ", " above ",
                                       " abroad", " in ", " at ", " to ", " as ", " against ",
                                       " outside ", " elsewhere", " compared ", " without "};
    size_t n = strlen(phrase);
    for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
        const char *c = strstr(phrase, cuts[i]);
        if (c && (size_t)(c - phrase) < n)
            n = (size_t)(c - phrase);
    }
    if (n < 2 || phrase[n - 1] != 's')
        return false;
    char before = phrase[n - 2];
    return before != 's' && before != 'u' && before != 'i';
}

/* Values for a post's slots. */
typedef struct slots {
    const char *dest, *month, *product, *employer, *city, *pro, *con;
    int age, years;
} slots;

/* The value of slot `name` (length k), or NULL; may format into num. */
static const char *slot_value(const slots *s, const char *name, size_t k, char *num, size_t size)
{
#define IS(lit) (k == sizeof lit - 1 && !strncmp(name, lit, k))
    if (IS("dest")) return s->dest;
    if (IS("month")) return s->month;
    if (IS("product")) return s->product;
    if (IS("employer")) return s->employer;
    if (IS("city")) return s->city;
    if (IS("pro")) return s->pro;
    if (IS("con")) return s->con;
    if (IS("pro_is")) return s->pro && plural(s->pro) ? "are" : "is";
    if (IS("con_is")) return s->con && plural(s->con) ? "are" : "is";
    if (IS("con_lets")) return s->con && plural(s->con) ? "let" : "lets";
    if (IS("con_needs")) return s->con && plural(s->con) ? "need" : "needs";
    if (IS("age")) {
        snprintf(num, size, "%d", s->age);
        return num;
    }
    if (IS("years")) {
        if (s->years == 1)
            return "one year";
        snprintf(num, size, "%d years", s->years);
        return num;
    }
#undef IS
    return NULL;
}

/* Expands `text` into out (NUL-terminated, truncated to size). */
static void fill(char *out, size_t size, const char *text, const slots *s)
{
    size_t n = 0;
    char num[24];
    for (const char *p = text; *p && n + 1 < size;) {
        const char *end = *p == '{' ? strchr(p, '}') : NULL;
        if (!end) {
            out[n++] = *p++;
            continue;
        }
        const char *v = slot_value(s, p + 1, (size_t)(end - p - 1), num, sizeof num);
        if (!v)
            v = "";
        /* A slot at the start of a sentence gets a capital. */
        bool cap = n == 0;
        for (; *v && n + 1 < size; v++, cap = false)
            out[n++] = cap && *v >= 'a' && *v <= 'z' ? (char)(*v - 32) : *v;
        p = end + 1;
    }
    out[n] = '\0';
}

typedef struct post {
    int group, item;
    int month, day;           /* posted_at */
    int product;              /* catalogue index for product posts, else -1 */
    int event;                /* index into p->events, else -1 */
} post;

#define MAX_POSTS 6

/* Chooses a template of group g not yet used by this customer; `used` is
 * a bitset of GRP__N * 10 bits (no group has more than 10 templates). */
static bool choose(tl_rng *r, int g, uint64_t used[4], int *item)
{
    for (int tries = 0; tries < 4; tries++) {
        int k = (int)tl_rng_below(r, groups[g].n), bit = g * 10 + k;
        uint64_t mask = 1ull << (bit % 64);
        if (!(used[bit / 64] & mask)) {
            used[bit / 64] |= mask;
            *item = k;
            return true;
        }
    }
    return false;
}

uint32_t tl_posts_write(const tl_person *p, const tl_world *w, tl_csvw *out)
{
    tl_rng r;
    tl_rng_seed(&r, w->seed, p->index, TL_STREAM_POSTS);
    double presence = p->age < 18 ? 0.6 : p->age < 30 ? 0.8 : p->age < 50 ? 0.65 : p->age < 65 ? 0.5 : 0.3;
    if (!tl_rng_chance(&r, presence))
        return 0;

    post posts[MAX_POSTS + 8];
    int np = 0;
    uint64_t used[4] = {0, 0, 0, 0};
    int first = w->start + p->first_offset;
    int last = w->end;

    /* Life events: one or two posts each, in the months leading up to it. */
    for (int i = 0; i < p->n_events && np < MAX_POSTS; i++) {
        const tl_event *e = &p->events[i];
        int k = tl_rng_chance(&r, 0.45) ? 2 : 1;
        for (int j = 0; j < k && np < MAX_POSTS; j++) {
            post *q = &posts[np];
            q->group = event_group[e->kind];
            if (!choose(&r, q->group, used, &q->item))
                continue;
            int when = w->start + e->offset - tl_rng_range(&r, 0, 4);
            q->month = when < first ? first : when > last ? last : when;
            q->product = -1;
            q->event = i;
            np++;
        }
    }
    /* Interests: sometimes. */
    static const struct { unsigned bit; int group; double p; } ints[] = {
        {TL_INT_DINING, GRP_DINING, 0.5},     {TL_INT_INVESTING, GRP_INVESTING, 0.5},
        {TL_INT_SAVING, GRP_SAVING, 0.4},     {TL_INT_SHOPPING, GRP_SHOPPING, 0.35},
        {TL_INT_CARS, GRP_CARS, 0.4},         {TL_INT_FITNESS, GRP_FITNESS, 0.3},
        {TL_INT_TECH, GRP_TECH, 0.3},         {TL_INT_GAMING, GRP_GAMING, 0.3},
        {TL_INT_CASHBACK, GRP_CASHBACK, 0.5}, {TL_INT_TRAVEL, GRP_TRAVEL, 0.3},
    };
    for (size_t i = 0; i < N(ints) && np < MAX_POSTS; i++) {
        if (!(p->interests & ints[i].bit) || !tl_rng_chance(&r, ints[i].p))
            continue;
        post *q = &posts[np];
        q->group = ints[i].group;
        if (!choose(&r, q->group, used, &q->item))
            continue;
        q->month = tl_rng_range(&r, first, last);
        q->product = -1;
        q->event = -1;
        np++;
    }
    /* Opinions about products they hold. */
    for (int i = 0; i < p->n_hold && np < MAX_POSTS; i++) {
        if (!tl_rng_chance(&r, 0.3))
            continue;
        double u = tl_rng_unit(&r);
        post *q = &posts[np];
        q->group = u < 0.55 ? GRP_POSITIVE : u < 0.8 ? GRP_NEGATIVE : GRP_MIXED;
        if (!choose(&r, q->group, used, &q->item))
            continue;
        int from = p->hold_month[i] > first ? p->hold_month[i] : first;
        q->month = tl_rng_range(&r, from > last ? last : from, last);
        q->product = p->hold[i];
        q->event = -1;
        np++;
    }
    /* Chatter that means nothing for the bank. */
    int chatter = (int)tl_rng_below(&r, 3);
    for (int i = 0; i < chatter && np < MAX_POSTS; i++) {
        post *q = &posts[np];
        q->group = GRP_CHATTER;
        if (!choose(&r, q->group, used, &q->item))
            continue;
        q->month = tl_rng_range(&r, first, last);
        q->product = -1;
        q->event = -1;
        np++;
    }

    /* Oldest first. */
    for (int i = 0; i < np; i++)
        posts[i].day = tl_rng_range(&r, 1, tl_model_days_in_month(posts[i].month));
    for (int i = 1; i < np; i++) {
        post x = posts[i];
        int j = i;
        while (j > 0 && (posts[j - 1].month > x.month ||
                         (posts[j - 1].month == x.month && posts[j - 1].day > x.day))) {
            posts[j] = posts[j - 1];
            j--;
        }
        posts[j] = x;
    }

    tl_strlist platforms = tl_names_list(TL_NAMES_PLATFORM);
    tl_strlist dests = tl_names_list(TL_NAMES_DESTINATION);
    tl_strlist employers = tl_names_list(TL_NAMES_EMPLOYER);
    /* Platforms: 0 Twitter, 1 Instagram, 2 Facebook, 3 LinkedIn, 4 Reddit.
     * A favourite by age; LinkedIn only for work and money topics. */
    static const uint32_t young[] = {0, 1, 1, 4}, mid[] = {0, 1, 2, 2}, old[] = {2, 2, 2, 0};
    const uint32_t *favs = p->age < 30 ? young : p->age < 55 ? mid : old;
    uint32_t fav = favs[tl_rng_below(&r, 4)];
    char text[320];
    for (int i = 0; i < np; i++) {
        const post *q = &posts[i];
        const tpl *t = &groups[q->group].items[q->item];
        slots s = {0};
        const tl_event *e = q->event >= 0 ? &p->events[q->event] : NULL;
        uint32_t param = e ? e->param : tl_rng_below(&r, 60000);
        s.dest = dests.items[param % dests.n];
        s.month = month_names[e ? (uint32_t)((w->start + e->offset) % 12) : tl_rng_below(&r, 12)];
        s.employer = employers.items[param % employers.n];
        s.city = w->cities[p->city].name;
        /* The age they mean to retire at lies ahead of them. */
        s.age = 60 + (int)(param % 8);
        if (s.age <= p->age)
            s.age = p->age + 1 + (int)(param % 3);
        s.years = s.age - p->age;
        if (q->product >= 0) {
            const tl_product *pr = &w->products[q->product];
            int npro = 0, ncon = 0;
            while (npro < TL_PRODUCT_ASPECTS && pr->pros[npro])
                npro++;
            while (ncon < TL_PRODUCT_ASPECTS && pr->cons[ncon])
                ncon++;
            s.product = pr->name;
            s.pro = npro ? pr->pros[tl_rng_below(&r, (uint32_t)npro)] : "service";
            s.con = ncon ? pr->cons[tl_rng_below(&r, (uint32_t)ncon)] : "service";
        }
        fill(text, sizeof text, t->text, &s);
        static const uint32_t casual[] = {0, 1, 2, 4};
        uint32_t plat = tl_rng_chance(&r, 0.7) ? fav : casual[tl_rng_below(&r, 4)];
        double linkedin = q->group == GRP_JOB || q->group == GRP_BUSINESS ? 0.65
                          : q->group == GRP_INVESTING || q->group == GRP_RETIREMENT ? 0.25
                                                                                     : 0.0;
        if (tl_rng_chance(&r, linkedin))
            plat = 3;
        tl_csvw_plain(out, p->id);
        tl_csvw_plain(out, platforms.items[plat % platforms.n]);
        tl_csvw_str(out, t->topic);
        tl_csvw_str(out, text);
        tl_csvw_date(out, q->month, q->day);
        tl_csvw_end(out);
    }
    return (uint32_t)np;
}

/* ------------------------------------------------------------- reviews */

static const char *const r_pos[] = {
    "Love the {pro}.",
    "The {pro} {pro_is} the best part of this product.",
    "Really impressed with the {pro}.",
    "Five stars for the {pro}, no complaints.",
    "Switched from another bank for the {pro} and it was worth it.",
};
static const char *const r_neg[] = {
    "The {con} {con_is} frustrating.",
    "Not happy about the {con}.",
    "Disappointed with the {con}, thinking of switching.",
    "The {con} made this a bad experience.",
};
static const char *const r_mixed[] = {
    "Good {pro} but the {con} {con_lets} it down.",
    "The {pro} {pro_is} good, though the {con} {con_needs} work.",
    "Decent overall: great {pro}, poor {con}.",
};
/* Closing words, matched to the review's mood. */
static const char *const r_tail_pos[] = {
    "", "", " Would recommend.", " Customer for {years} and still happy.",
    " Staff at the {city} branch were helpful.",
};
static const char *const r_tail_neg[] = {
    "", "", " Expected better from this bank.", " Customer for {years}, not for much longer.",
    " The {city} branch could not help either.",
};
static const char *const r_tail_mixed[] = {
    "", "", " Still a customer, for now.", " Staff at the {city} branch tried their best.",
};

/* FNV-1a: tells review texts apart. */
static uint64_t text_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return h;
}

static bool seen(const uint64_t *hashes, int n, uint64_t h)
{
    for (int i = 0; i < n; i++)
        if (hashes[i] == h)
            return true;
    return false;
}

#define MAX_REVIEWS 200

uint32_t tl_reviews_write(const tl_world *w, uint64_t customers, tl_csvw *out)
{
    uint32_t rows = 0;
    uint64_t per = 4 + customers / 500;
    if (per > MAX_REVIEWS)
        per = MAX_REVIEWS;
    char text[320], line[360];
    /* A review is identified by (product, text) when imported: every text
     * is new for its product, also against products.json's reviews. */
    uint64_t hashes[MAX_REVIEWS + TL_PRODUCT_REVIEWS];
    for (uint32_t i = 0; i < w->n_products; i++) {
        const tl_product *pr = &w->products[i];
        tl_rng r;
        tl_rng_seed(&r, w->seed, i, TL_STREAM_REVIEWS);
        int npro = 0, ncon = 0, nh = 0;
        while (npro < TL_PRODUCT_ASPECTS && pr->pros[npro])
            npro++;
        while (ncon < TL_PRODUCT_ASPECTS && pr->cons[ncon])
            ncon++;
        for (int k = 0; k < TL_PRODUCT_REVIEWS && pr->reviews[k].text; k++)
            hashes[nh++] = text_hash(pr->reviews[k].text);
        /* Happier products draw more positive reviews. */
        double p_pos = (pr->satisfaction - 3.0) / 2.0 * 0.8, p_neg = (1.0 - p_pos) * 0.5;
        for (uint64_t k = 0; k < per; k++) {
            int rating = 0;
            uint64_t h = 0;
            /* A few tries for a text this product has not had yet; a
             * product whose phrasings run out simply gets fewer reviews. */
            for (int tries = 0; tries < 8; tries++) {
                double u = tl_rng_unit(&r);
                const char *t, *tail;
                if (u < p_pos || !ncon) {
                    t = r_pos[tl_rng_below(&r, N(r_pos))];
                    tail = r_tail_pos[tl_rng_below(&r, N(r_tail_pos))];
                    rating = tl_rng_chance(&r, 0.6) ? 5 : 4;
                } else if (u < p_pos + p_neg || !npro) {
                    t = r_neg[tl_rng_below(&r, N(r_neg))];
                    tail = r_tail_neg[tl_rng_below(&r, N(r_tail_neg))];
                    rating = tl_rng_chance(&r, 0.5) ? 1 : 2;
                } else {
                    t = r_mixed[tl_rng_below(&r, N(r_mixed))];
                    tail = r_tail_mixed[tl_rng_below(&r, N(r_tail_mixed))];
                    rating = 3;
                }
                slots s = {0};
                s.pro = npro ? pr->pros[tl_rng_below(&r, (uint32_t)npro)] : "";
                s.con = ncon ? pr->cons[tl_rng_below(&r, (uint32_t)ncon)] : "";
                s.city = w->cities[tl_rng_weighted(&r, w->city_w, w->n_cities, w->city_total)].name;
                s.years = tl_rng_range(&r, 2, 25);
                snprintf(line, sizeof line, "%s%s", t, tail);
                fill(text, sizeof text, line, &s);
                h = text_hash(text);
                if (!seen(hashes, nh, h))
                    break;
                rating = 0;
            }
            if (!rating)
                continue;
            hashes[nh++] = h;
            tl_csvw_plain(out, pr->id);
            tl_csvw_str(out, text);
            tl_csvw_int(out, rating);
            tl_csvw_end(out);
            rows++;
        }
    }
    return rows;
}
