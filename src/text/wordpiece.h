/* wordpiece.h — BERT's tokenizer, exactly as Hugging Face's
 * BertTokenizer(do_lower_case=True): clean text, split CJK characters and
 * punctuation, lower-case and strip accents (NFD, drop combining marks),
 * greedy longest-match WordPiece with "##" continuations, [UNK] for words
 * over 100 characters, [CLS] … [SEP], truncation. */
#ifndef TL_TEXT_WORDPIECE_H
#define TL_TEXT_WORDPIECE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

typedef struct tl_wordpiece tl_wordpiece;

/* Loads vocab.txt (one token per line, id = line number from 0). */
int tl_wordpiece_load(const char *vocab_path, bool lowercase, tl_wordpiece **out, tl_err *err);

/* Tokenises text[0..len) into ids[0..*n): [CLS] tokens [SEP], truncated so
 * that *n <= max_ids (max_ids >= 2). Never fails on any byte sequence
 * (invalid UTF-8 is treated as U+FFFD). Thread-safe (read-only). */
int tl_wordpiece_encode(const tl_wordpiece *wp, const char *text, size_t len, int32_t *ids,
                        size_t max_ids, size_t *n, tl_err *err);

size_t tl_wordpiece_vocab_size(const tl_wordpiece *wp);
void tl_wordpiece_free(tl_wordpiece *wp);   /* accepts NULL */

#endif
