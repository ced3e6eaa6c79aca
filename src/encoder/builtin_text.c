/* builtin_text.c — the built-in encoder's words: splitting, case folding,
 * stop and common words, and a small suffix stripper.
 *
 * Deliberately independent of src/text/ (the WordPiece tokenizer must match
 * Hugging Face byte for byte; this one only has to be consistent with
 * itself). All functions are pure and thread-safe; the word lists are
 * sorted once, under pthread_once. */
#include "encoder/builtin.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

/* Function words: they join phrases ("broke down", "old age") but carry no
 * meaning of their own. Negations are not here: "did not arrive" and
 * "arrived" differ. */
static const char *const stop_words[] = {
    "a", "about", "above", "across", "after", "afterwards", "again", "against", "all", "almost",
    "along", "already", "also", "although", "am", "among", "an", "and", "another", "any",
    "anybody", "anyone", "anything", "anyway", "anywhere", "are", "around", "as", "at", "be",
    "became", "because", "been", "before", "being", "below", "beside", "besides", "between",
    "both", "but", "by", "can", "cannot", "could", "d", "did", "do", "does", "doing",
    "during", "each", "either", "else", "etc", "even", "ever", "every", "everybody",
    "everyone", "everything", "for", "from", "further", "had", "has", "have", "having", "he",
    "hed", "hello", "her", "here", "hers", "herself", "hes", "hey", "hi", "him", "himself",
    "his", "i", "id", "if", "ill", "im", "in", "into", "is", "it", "its", "itself", "ive",
    "just", "ll", "m", "may", "me", "might", "mine", "more", "most", "much", "must", "my",
    "myself", "neither", "nor", "of", "oh", "ok", "okay", "on", "once", "one", "onto",
    "or", "other", "others", "our", "ours", "ourselves", "over", "own", "per", "please",
    "quite", "rather", "re", "s", "same", "shall", "she", "shes", "should", "so", "some",
    "somebody", "someone", "something", "somewhat", "such", "t", "than", "thank", "thanks",
    "that", "thats", "the", "their", "theirs", "them", "themselves", "then", "there",
    "therefore", "these", "they", "theyre", "this", "those", "though", "through", "thus", "to",
    "too", "toward", "towards", "under", "unless", "until", "upon", "us", "ve", "very",
    "via", "was", "we", "were", "weve", "whatever", "whenever", "wherever", "whether", "which",
    "while", "who", "whoever", "whom", "whose", "will", "with", "within", "would", "yet", "you",
    "youd", "youll", "your", "youre", "yours", "yourself", "yourselves", "youve",
};

/* Frequent, vague words: kept (they tell "how do I" from "why did"), but
 * weighted low so that they never decide a match alone. */
static const char *const common_words[] = {
    "able", "actually", "ago", "always", "anymore", "asap", "ask", "asked", "asking", "back",
    "bit", "come", "coming", "currently", "day", "days", "done", "dont", "enough",
    "find", "first", "get", "gets", "getting", "give", "go", "goes", "going", "gone", "good",
    "got", "great", "guess", "help", "how", "idea", "know", "last", "later", "let", "lets",
    "like", "little", "look", "looking", "lot", "lots", "make", "maybe", "mean", "need",
    "needed", "needs", "never", "new", "next", "no", "not", "now", "often", "possible",
    "really", "recently", "right", "said", "say", "see", "seem", "seems", "since",
    "soon", "still", "sure", "take", "tell", "thing", "things", "think", "time", "times",
    "today", "try", "tried", "trying", "two", "use", "used", "using", "want", "wanted",
    "wants", "way", "up", "down", "off", "out", "well", "what", "when", "where", "why", "wish",
    "yes", "yesterday",
};

/* Forms the suffix rules cannot reach, and contractions of "not". */
static const char *const irregular[][2] = {
    {"agreed", "agree"}, {"aint", "not"}, {"annually", "year"}, {"arent", "not"}, {"ate", "eat"},
    {"became", "become"}, {"began", "begin"}, {"begun", "begin"}, {"bought", "buy"},
    {"broke", "break"}, {"broken", "break"}, {"brought", "bring"}, {"built", "build"},
    {"cant", "not"}, {"caught", "catch"}, {"children", "child"}, {"chose", "choose"},
    {"chosen", "choose"}, {"couldnt", "not"}, {"daily", "day"}, {"didnt", "not"},
    {"doesnt", "not"}, {"dont", "not"}, {"drove", "drive"}, {"driven", "drive"},
    {"eaten", "eat"}, {"fell", "fall"}, {"fallen", "fall"}, {"feet", "foot"}, {"felt", "feel"},
    {"flew", "fly"}, {"freed", "free"}, {"flown", "fly"}, {"found", "find"}, {"gave", "give"},
    {"given", "give"},
    {"gone", "go"}, {"goes", "go"}, {"got", "get"}, {"gotten", "get"}, {"grew", "grow"},
    {"grown", "grow"}, {"guaranteed", "guarantee"}, {"hadnt", "not"}, {"hasnt", "not"},
    {"havent", "not"}, {"held", "hold"},
    {"hid", "hide"}, {"hidden", "hide"}, {"isnt", "not"}, {"kept", "keep"}, {"knew", "know"},
    {"known", "know"}, {"led", "lead"}, {"left", "leave"}, {"lent", "lend"}, {"lives", "life"},
    {"lost", "lose"}, {"made", "make"}, {"meant", "mean"}, {"men", "man"}, {"met", "meet"},
    {"mice", "mouse"}, {"monthly", "month"}, {"nope", "no"}, {"paid", "pay"},
    {"quarterly", "quarter"}, {"ran", "run"}, {"rang", "ring"}, {"rode", "ride"},
    {"said", "say"}, {"sent", "send"}, {"shouldnt", "not"}, {"sold", "sell"},
    {"spent", "spend"}, {"stole", "steal"}, {"stolen", "steal"}, {"stuck", "stick"},
    {"taught", "teach"}, {"teeth", "tooth"}, {"thought", "think"}, {"told", "tell"},
    {"took", "take"}, {"taken", "take"}, {"understood", "understand"}, {"used", "use"},
    {"uses", "use"}, {"using", "use"}, {"wasnt", "not"}, {"weekly", "week"}, {"went", "go"},
    {"werent", "not"}, {"wives", "wife"}, {"women", "woman"}, {"wont", "not"}, {"won", "win"},
    {"wouldnt", "not"}, {"wrote", "write"}, {"written", "write"}, {"yearly", "year"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *sorted_stop[COUNT(stop_words)];
static const char *sorted_common[COUNT(common_words)];
static size_t irregular_order[COUNT(irregular)];
static pthread_once_t sort_once = PTHREAD_ONCE_INIT;

static int cmp_strp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_irregular(const void *a, const void *b)
{
    return strcmp(irregular[*(const size_t *)a][0], irregular[*(const size_t *)b][0]);
}

/* The lists above are written for people (roughly alphabetical, but not
 * trusted to be); binary search needs them sorted. */
static void sort_lists(void)
{
    memcpy(sorted_stop, stop_words, sizeof stop_words);
    qsort(sorted_stop, COUNT(sorted_stop), sizeof sorted_stop[0], cmp_strp);
    memcpy(sorted_common, common_words, sizeof common_words);
    qsort(sorted_common, COUNT(sorted_common), sizeof sorted_common[0], cmp_strp);
    for (size_t i = 0; i < COUNT(irregular); i++)
        irregular_order[i] = i;
    qsort(irregular_order, COUNT(irregular), sizeof irregular_order[0], cmp_irregular);
}

static bool in_sorted(const char *const *list, size_t n, const char *w)
{
    return bsearch(&w, list, n, sizeof list[0], cmp_strp) != NULL;
}

static const char *irregular_stem(const char *w)
{
    size_t lo = 0, hi = COUNT(irregular);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(w, irregular[irregular_order[mid]][0]);
        if (c == 0)
            return irregular[irregular_order[mid]][1];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

enum tl_builtin_word_kind tl_builtin_word_kind(const char *word)
{
    pthread_once(&sort_once, sort_lists);
    if (!*word)
        return TL_BW_STOP;
    const char *p = word;
    while (*p >= '0' && *p <= '9')
        p++;
    if (!*p)
        return TL_BW_NUMBER;
    if (in_sorted(sorted_stop, COUNT(sorted_stop), word))
        return TL_BW_STOP;
    if (in_sorted(sorted_common, COUNT(sorted_common), word))
        return TL_BW_COMMON;
    return TL_BW_CONTENT;
}

/* ---- stemming ---- */

static bool is_vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

static bool ends_with(const char *w, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && memcmp(w + n - k, suf, k) == 0;
}

static bool has_vowel(const char *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (is_vowel(w[i]) || (w[i] == 'y' && i > 0))
            return true;
    return false;
}

/* consonant-vowel-consonant, the last not w, x or y: "hop" -> "hope". */
static bool short_cvc(const char *w, size_t n)
{
    return n == 3 && !is_vowel(w[0]) && is_vowel(w[1]) && !is_vowel(w[2]) && w[2] != 'w' &&
           w[2] != 'x' && w[2] != 'y';
}

/* What is left after "-ed" or "-ing" comes off, made to meet the bare form:
 * "stopp" -> "stop", "travell" -> "travel", "hop" -> "hope". */
static size_t tidy_after_suffix(char *w, size_t n)
{
    char a = w[n - 1];
    if (n >= 4 && a == w[n - 2] && !is_vowel(a)) {
        if (a == 'l')
            return (n >= 6 && w[n - 3] == 'e') ? n - 1 : n;
        if (a != 's' && a != 'z')
            return n - 1;
        return n;
    }
    if (short_cvc(w, n)) {
        w[n] = 'e';
        return n + 1;
    }
    return n;
}

void tl_builtin_stem(const char *word, char *out, size_t cap)
{
    pthread_once(&sort_once, sort_lists);
    if (cap == 0)
        return;
    const char *irr = irregular_stem(word);
    char w[TL_BUILTIN_WORD_MAX + 2];
    size_t n = strlen(irr ? irr : word);
    if (n > TL_BUILTIN_WORD_MAX - 1)
        n = TL_BUILTIN_WORD_MAX - 1;
    memcpy(w, irr ? irr : word, n);
    w[n] = '\0';
    bool ascii = true;
    for (size_t i = 0; i < n; i++)
        if (!((w[i] >= 'a' && w[i] <= 'z') || (w[i] >= '0' && w[i] <= '9')))
            ascii = false;
    if (irr || !ascii || n <= 3)
        goto done;

    /* plurals and third persons */
    if (ends_with(w, n, "ies") || ends_with(w, n, "ied")) {
        if (n > 4) {
            n -= 3;
            w[n++] = 'y';
        } else {
            n -= 1;
        }
    } else if (ends_with(w, n, "sses") || ends_with(w, n, "ches") || ends_with(w, n, "shes") ||
               ends_with(w, n, "xes") || ends_with(w, n, "zes")) {
        n -= 2;
    } else if (w[n - 1] == 's' && !ends_with(w, n, "ss") && !ends_with(w, n, "us") &&
               !ends_with(w, n, "is")) {
        n -= 1;
    }
    /* then -ed and -ing, also under a plural ("savings" -> "save"); "-eed"
     * words keep theirs ("need", "exceed"; "agreed" is irregular) */
    if (ends_with(w, n, "eed")) {
        /* nothing */
    } else if (ends_with(w, n, "ed")) {
        if (n - 2 >= 3 && has_vowel(w, n - 2))
            n = tidy_after_suffix(w, n - 2);
    } else if (ends_with(w, n, "ing")) {
        if (n - 3 >= 3 && has_vowel(w, n - 3))
            n = tidy_after_suffix(w, n - 3);
    }
    /* a final silent e goes, so "retire", "retired" and "retiring" meet;
     * short words keep it ("care" must not become "car") */
    if (n >= 5 && w[n - 1] == 'e' && w[n - 2] != 'e')
        n -= 1;
done:
    w[n] = '\0';
    size_t k = n < cap - 1 ? n : cap - 1;
    memcpy(out, w, k);
    out[k] = '\0';
}

/* ---- splitting ---- */

static bool is_word_cp(utf8proc_int32_t c)
{
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return true;
    default:
        return false;
    }
}

static bool is_apostrophe(utf8proc_int32_t c)
{
    return c == '\'' || c == 0x2019 || c == 0x02BC;
}

static void finish_token(tl_builtin_token *t, size_t wlen)
{
    t->word[wlen] = '\0';
    t->kind = (uint8_t)tl_builtin_word_kind(t->word);
    t->number = -1;
    if (t->kind == TL_BW_NUMBER) {
        if (wlen <= 6) {
            int32_t v = 0;
            for (size_t i = 0; i < wlen; i++)
                v = v * 10 + (t->word[i] - '0');
            t->number = v;
        }
        memcpy(t->stem, t->word, wlen + 1);
    } else {
        tl_builtin_stem(t->word, t->stem, sizeof t->stem);
    }
}

/* Appends code point c to the word being built, case-folded and without
 * accents (utf8proc, one code point at a time: no allocation), keeping
 * whole code points only so that a long word is cut cleanly. */
static void append_folded(tl_builtin_token *t, size_t *wlen, utf8proc_int32_t c)
{
    if (c < 0x80) {
        if (*wlen + 1 < TL_BUILTIN_WORD_MAX)
            t->word[(*wlen)++] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
        return;
    }
    utf8proc_int32_t buf[8];
    int boundclass = 0;
    utf8proc_ssize_t k = utf8proc_decompose_char(
        c, buf, 8,
        (utf8proc_option_t)(UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK |
                            UTF8PROC_IGNORE),
        &boundclass);
    if (k < 0 || k > 8)
        return;
    for (utf8proc_ssize_t j = 0; j < k; j++) {
        utf8proc_uint8_t enc[4];
        utf8proc_ssize_t m = utf8proc_encode_char(buf[j], enc);
        if (m <= 0 || *wlen + (size_t)m >= TL_BUILTIN_WORD_MAX)
            return;
        memcpy(t->word + *wlen, enc, (size_t)m);
        *wlen += (size_t)m;
    }
}

int tl_builtin_tokenize(const char *text, tl_builtin_token *toks, size_t max, size_t *n,
                        tl_err *err)
{
    *n = 0;
    if (!text || max == 0)
        return 0;
    const uint8_t *s = (const uint8_t *)text;
    size_t len = strlen(text), i = 0, wlen = 0, count = 0;
    bool in_word = false;
    while (i < len && count < max) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k;
        if (s[i] < 0x80) {
            c = s[i];
            k = 1;
        } else {
            k = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &c);
            if (k <= 0) { /* invalid UTF-8: the byte separates words */
                c = ' ';
                k = 1;
            }
        }
        bool word = is_word_cp(c);
        if (!word && in_word && is_apostrophe(c) && i + (size_t)k < len) {
            /* "don't", "customer's": the apostrophe joins when a letter follows */
            utf8proc_int32_t next;
            utf8proc_ssize_t k2 = utf8proc_iterate(s + i + k, (utf8proc_ssize_t)(len - i - k),
                                                   &next);
            if (k2 > 0 && is_word_cp(next)) {
                i += (size_t)k;
                continue;
            }
        }
        if (word) {
            if (!in_word) {
                in_word = true;
                wlen = 0;
                toks[count].capital = count > 0 && utf8proc_isupper(c);
            }
            append_folded(&toks[count], &wlen, c);
        } else if (in_word) {
            finish_token(&toks[count++], wlen);
            in_word = false;
        }
        i += (size_t)k;
    }
    if (in_word && count < max)
        finish_token(&toks[count++], wlen);
    *n = count;
    (void)err; /* no failure left: kept for the interface */
    return 0;
}
