/* wordpiece.h — BERT's tokenizer, exactly as Hugging Face's
 * BertTokenizer(do_lower_case=True): clean text, split CJK characters and
 * punctuation, lower-case and strip accents (NFD, drop combining marks),
 * greedy longest-match WordPiece with "##" continuations, [UNK] for words
 * over 100 characters, [CLS] … [SEP], truncation.
 *
 * Unicode properties (categories, canonical decomposition, lower-case
 * mappings) come from utf8proc; docs/tokenizer.md lists every rule and the
 * few places where the reference's behaviour is surprising but kept (the
 * special-token strings typed in a text, final sigma, U+2028/U+2029).
 *
 * A loaded tokenizer is read-only: share one between threads freely. */
#ifndef TL_TEXT_WORDPIECE_H
#define TL_TEXT_WORDPIECE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

typedef struct tl_wordpiece tl_wordpiece;

/* Loads vocab.txt (one token per line, id = line number from 0; "\n",
 * "\r\n" and "\r" end a line; a repeated token keeps its last id, as a
 * Python dict would). `lowercase` is the model's do_lower_case: when false,
 * neither lower-casing nor accent stripping is done.
 * Returns 0 and a tokenizer the caller frees with tl_wordpiece_free;
 * TL_ENOTFOUND when the file does not exist, TL_EIO when it cannot be read,
 * TL_ETOOBIG past 64 MiB, TL_EINPUT when it is not UTF-8 or lacks [CLS],
 * [SEP] or [UNK] (err names the file, and the line for bad UTF-8). */
int tl_wordpiece_load(const char *vocab_path, bool lowercase, tl_wordpiece **out, tl_err *err);

/* As tl_wordpiece_load, from vocab text data[0..len) already in memory
 * (copied; the caller keeps data). `name` is only used in messages. */
int tl_wordpiece_load_mem(const char *data, size_t len, const char *name, bool lowercase,
                          tl_wordpiece **out, tl_err *err);

/* Tokenises text[0..len) into ids[0..*n): [CLS] tokens [SEP], truncated so
 * that *n <= max_ids (max_ids >= 2): the first max_ids - 2 word pieces are
 * kept, as HF's truncation=True, max_length=max_ids does. Never fails on
 * any byte sequence (invalid UTF-8 is treated as U+FFFD, which the cleaning
 * step removes). `text` may be NULL when len is 0. Allocates nothing: the
 * per-word scratch lives on the stack (a word over 100 characters is [UNK]
 * whatever its length, so no word needs more). Returns 0, or TL_EINPUT for
 * a NULL argument or max_ids < 2 (nothing written then). Thread-safe. */
int tl_wordpiece_encode(const tl_wordpiece *wp, const char *text, size_t len, int32_t *ids,
                        size_t max_ids, size_t *n, tl_err *err);

/* Number of ids: the vocabulary's line count (the embedding table's rows),
 * which exceeds the distinct tokens when a line repeats. */
size_t tl_wordpiece_vocab_size(const tl_wordpiece *wp);

/* The id of token[0..len) exactly as written in the vocabulary (so
 * "##ing" for a continuation), or -1 when absent. */
int32_t tl_wordpiece_lookup(const tl_wordpiece *wp, const char *token, size_t len);

/* The text of id (NUL-terminated, owned by wp, valid until it is freed),
 * its length in *len when len is not NULL; NULL for an id out of range. */
const char *tl_wordpiece_token(const tl_wordpiece *wp, int32_t id, size_t *len);

void tl_wordpiece_free(tl_wordpiece *wp);   /* accepts NULL */

#endif
