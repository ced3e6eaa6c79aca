/* fuzz_wordpiece.c — the BERT tokenizer on arbitrary bytes, and its loader
 * on arbitrary vocabularies. Must never crash or read out of bounds, and
 * what it returns must hold together:
 *   - [CLS] first, [SEP] last, every id inside the vocabulary;
 *   - truncating to max_ids gives the first max_ids - 2 pieces of the
 *     untruncated answer (so truncation never changes how a text splits).
 *
 * The first byte picks the mode: odd, the rest is a vocabulary to load (it
 * may be refused, but not crash) and then used; even, the rest is text,
 * encoded with a built-in vocabulary (or the file named by
 * $TAILOR_FUZZ_VOCAB, e.g. bert-base-uncased's) and a max_ids taken from
 * the first byte. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/wordpiece.h"

/* Small but with every path: specials, ASCII, continuations, multi-byte
 * tokens, a CJK character, an accented letter that lower-casing strips. */
static const char builtin_vocab[] =
    "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n"
    "!\n#\n,\n.\n?\n[\n]\n'\n-\n"
    "a\nb\nc\nd\ne\nh\ni\nl\no\nr\ns\nw\nu\nf\n0\n1\n"
    "##a\n##b\n##c\n##d\n##e\n##h\n##i\n##l\n##o\n##r\n##s\n##w\n##u\n##f\n##0\n##1\n"
    "hello\nworld\nfu\n##hrer\ncafe\nσ\nοδο\n##σ\n我\n工\n作\n##ß\nß\n\n##\n###\n";

static void check(const tl_wordpiece *wp, const char *text, size_t len, size_t max_ids)
{
    size_t full_max = 3 * len + 2;
    int32_t *full = malloc(full_max * sizeof *full);
    int32_t *part = malloc((max_ids ? max_ids : 1) * sizeof *part);
    if (!full || !part)
        abort();
    size_t nf = 0, np = 0;
    if (tl_wordpiece_encode(wp, text, len, full, full_max, &nf, NULL) != 0)
        abort();
    int rc = tl_wordpiece_encode(wp, text, len, part, max_ids, &np, NULL);
    if (max_ids < 2) {
        if (rc == 0)
            abort();
    } else {
        if (rc != 0 || np > max_ids || np < 2)
            abort();
        int32_t cls = tl_wordpiece_lookup(wp, "[CLS]", 5);
        int32_t sep = tl_wordpiece_lookup(wp, "[SEP]", 5);
        if (part[0] != cls || part[np - 1] != sep || full[0] != cls || full[nf - 1] != sep)
            abort();
        size_t size = tl_wordpiece_vocab_size(wp);
        for (size_t i = 0; i < nf; i++)
            if (full[i] < 0 || (size_t)full[i] >= size)
                abort();
        size_t want = nf < max_ids ? nf : max_ids;
        if (nf < full_max && np != want)
            abort();
        if (np > 2 && memcmp(part + 1, full + 1, (np - 2) * sizeof *part) != 0)
            abort();
    }
    free(full);
    free(part);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static tl_wordpiece *wp;
    if (!wp) {
        const char *path = getenv("TAILOR_FUZZ_VOCAB");
        tl_err err;
        int rc = path ? tl_wordpiece_load(path, true, &wp, &err)
                      : tl_wordpiece_load_mem(builtin_vocab, sizeof builtin_vocab - 1,
                                              "builtin", true, &wp, &err);
        if (rc != 0) {
            fprintf(stderr, "fuzz_wordpiece: %s\n", err.msg);
            abort();
        }
    }
    if (size == 0)
        return 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    if (data[0] & 1) {
        tl_wordpiece *v = NULL;
        if (tl_wordpiece_load_mem(text, len, "fuzz", (data[0] & 2) != 0, &v, NULL) == 0) {
            static const char sample[] = "Hello, [SEP] wörld! 我想 ##x \xff" "café unaffable";
            check(v, sample, sizeof sample - 1, 8);
            check(v, text, len, 16);
            tl_wordpiece_free(v);
        }
        return 0;
    }
    check(wp, text, len, (size_t)(data[0] >> 1));
    return 0;
}
