/* pipeline._native: compiled inner loops of newsclean's per-article stages.
 *
 * Every function here has a pure-Python twin that defines what it must return (the
 * tests compare the two on the same inputs); the Python code uses these when the
 * extension is built and falls back to its own loops when it is not.
 *
 * - scan_spin: unspin's scoring pass (pipeline.unspin._scan): the tokens of a lower-cased
 *   paragraph, one hash look-up per word token for its bigram-model id and lexicon flags,
 *   the adjacent pairs listed in the bigram table, the common-word pairs, and the lexicon
 *   phrases with the bigram gain of their best candidate.
 * - line_key: chrome's line key (pipeline.chrome.line_key): the CCNet-style normal form
 *   of a line and its xxh64, without building the normal form in Python.
 * - normalize_line: the form boilerplate rules are matched against
 *   (pipeline.strip.normalize_line); collapse_spaces: split's paragraph spacing.
 * - unplain_lines: the lines of a document that repair must look at (repair.plain_line).
 * - make_needles, needle_bits: the `requires` pre-checks of boilerplate rules
 *   (strip._Matcher), all a line's in one pass.
 * - leak_hints: the lines where split looks for a leaked page title.
 * - fingerprint: the signatures of fingerprint.signatures, a text at a time.
 * - count_words: an article's word count (model.Article.word_count).
 * - collapse_utf8: the whitespace-collapsed UTF-8 text fingerprint.content_hash hashes.
 */
#define PY_SSIZE_T_CLEAN
#define _GNU_SOURCE /* memmem */
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* A str's characters, read with PyUnicode_READ(t.kind, t.data, i). */
typedef struct {
    Py_ssize_t n;
    int kind;
    const void *data;
} Text;

/* Text of a str argument, or -1 with a TypeError naming the function. */
static int text_of(PyObject *arg, const char *fn, Text *t) {
    if (!PyUnicode_Check(arg)) {
        PyErr_Format(PyExc_TypeError, "%s needs a str", fn);
        return -1;
    }
    t->n = PyUnicode_GET_LENGTH(arg);
    t->kind = PyUnicode_KIND(arg);
    t->data = PyUnicode_DATA(arg);
    return 0;
}

/* Append the index i to a list; -1 on error. */
static int append_index(PyObject *list, Py_ssize_t i) {
    PyObject *v = PyLong_FromSsize_t(i);
    int rc = v ? PyList_Append(list, v) : -1;
    Py_XDECREF(v);
    return rc;
}

/* ------------------------------------------------------------------ word table */

#define KEY_MAX 24 /* longer tokens are never listed (the longest listed word has 24) */

typedef struct { /* 32 bytes: two to a cache line */
    char key[KEY_MAX]; /* zero-padded; an empty slot has key[0] == 0 */
    int32_t value;
    int32_t word; /* index of the mapping's own key object, handed out as the token */
} WordSlot;

typedef struct {
    WordSlot *slots;
    uint64_t mask;
} WordHash;

/* Two open-addressing tables: every word, and the most frequent words alone. News text
 * is mostly frequent words, and their small table stays in the CPU cache where the big
 * one (13 MB for 333k words) does not: a look-up tries the small one first. */
typedef struct WordTable WordTable;

static uint64_t fmix64(uint64_t x) { /* MurmurHash3's finalizer: every bit mixes */
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDULL;
    x ^= x >> 33;
    x *= 0xC4CEB9FE1A85EC53ULL;
    x ^= x >> 33;
    return x;
}

static uint64_t key_hash(const char *key) {
    uint64_t a, b, c;
    memcpy(&a, key, 8);
    memcpy(&b, key + 8, 8);
    memcpy(&c, key + 16, 8);
    return fmix64(a * 0x9E3779B97F4A7C15ULL + b * 0xC2B2AE3D27D4EB4FULL + c * 0x165667B19E3779F9ULL);
}

/* A pair slot: its code << 20 | its position (codes < 2^44, positions < 2^20); 0: empty
 * (a listed pair's code is never 0: word ids start at 1). */
typedef uint64_t PairSlot;
#define PAIR_INDEX_BITS 20

typedef struct {
    PairSlot *slots;
    uint64_t mask;
} PairHash;

/* Zeroed slots for n entries of an open-addressing table (at most two thirds full), and
 * the mask of their count; NULL when out of memory. */
static void *table_slots(Py_ssize_t n, size_t slot_size, uint64_t *mask) {
    uint64_t cap = 16;
    while (cap < (uint64_t)n + (uint64_t)n / 2 + 16) cap <<= 1;
    *mask = cap - 1;
    return PyMem_Calloc(cap, slot_size);
}

static int pair_hash_init(PairHash *h, Py_ssize_t n) {
    h->slots = table_slots(n, sizeof(PairSlot), &h->mask);
    return h->slots ? 0 : -1;
}

/* Put code -> index unless the code is there already (its first index stays). */
static void pair_hash_put(PairHash *h, int64_t code, int64_t index) {
    uint64_t i = fmix64((uint64_t)code) & h->mask;
    while (h->slots[i] && (int64_t)(h->slots[i] >> PAIR_INDEX_BITS) != code) i = (i + 1) & h->mask;
    if (!h->slots[i]) h->slots[i] = (uint64_t)code << PAIR_INDEX_BITS | (uint64_t)index;
}

static int64_t pair_hash_get(const PairHash *h, int64_t code) {
    uint64_t i = fmix64((uint64_t)code) & h->mask;
    for (;;) {
        PairSlot slot = h->slots[i];
        if (!slot) return -1;
        if ((int64_t)(slot >> PAIR_INDEX_BITS) == code)
            return (int64_t)(slot & ((1ULL << PAIR_INDEX_BITS) - 1));
        i = (i + 1) & h->mask;
    }
}

/* The key of (word, next word) in WordTable.prefixes (word indices < 2^20). */
#define PREFIX_CODE(a, b) ((((int64_t)(a) << 20) | (int64_t)(b)) + 1)

struct WordTable {
    WordHash hot, all;
    PyObject **words; /* the key objects, by WordSlot.word */
    Py_ssize_t n_words;
    PairHash prefixes; /* (word, next word) that open some longer lexicon phrase */
};

static int word_hash_init(WordHash *h, Py_ssize_t n) {
    h->slots = table_slots(n, sizeof(WordSlot), &h->mask);
    return h->slots ? 0 : -1;
}

static void word_hash_put(WordHash *h, const char *key, int32_t value, int32_t word) {
    uint64_t i = key_hash(key) & h->mask;
    while (h->slots[i].key[0]) i = (i + 1) & h->mask; /* a dict's keys are distinct */
    memcpy(h->slots[i].key, key, KEY_MAX);
    h->slots[i].value = value;
    h->slots[i].word = word;
}

static void word_table_free(PyObject *capsule) {
    WordTable *t = (WordTable *)PyCapsule_GetPointer(capsule, "newsclean.WordTable");
    if (t) {
        for (Py_ssize_t k = 0; k < t->n_words; k++) Py_DECREF(t->words[k]);
        PyMem_Free(t->words);
        PyMem_Free(t->hot.slots);
        PyMem_Free(t->all.slots);
        PyMem_Free(t->prefixes.slots);
        PyMem_Free(t);
    }
}

/* 0 when v is an int; else -1 with a TypeError. The table builders read dicts and lists
 * with borrowed references and sizes taken first, so they take ints only: converting any
 * other object may run Python code (__index__) that changes what is being read. */
static int exact_int(PyObject *v, const char *where) {
    if (PyLong_CheckExact(v)) return 0;
    PyErr_Format(PyExc_TypeError, "%s: values must be int", where);
    return -1;
}

/* make_word_table(mapping: dict[str, int], hot: int, prefixes) -> capsule. Keys: ASCII,
 * 1 to 24 characters. Words whose value >> 3 (their id) is 1..hot also go in the small
 * table. prefixes: (word, next word) pairs of the mapping's words that open a longer
 * lexicon phrase. */
static const WordSlot *word_lookup(const WordTable *t, const char *key);

static PyObject *make_word_table(PyObject *self, PyObject *args) {
    PyObject *mapping, *prefixes;
    long long hot;
    if (!PyArg_ParseTuple(args, "O!LO!", &PyDict_Type, &mapping, &hot, &PyTuple_Type, &prefixes))
        return NULL;
    if (hot < 0) {
        PyErr_SetString(PyExc_ValueError, "make_word_table: hot must not be negative");
        return NULL;
    }
    if (hot > PyDict_Size(mapping)) hot = PyDict_Size(mapping);
    WordTable *t = PyMem_Calloc(1, sizeof(WordTable));
    if (!t) return PyErr_NoMemory();
    PyObject *capsule = PyCapsule_New(t, "newsclean.WordTable", word_table_free);
    if (!capsule) {
        PyMem_Free(t);
        return NULL;
    }
    t->words = PyMem_Calloc(PyDict_Size(mapping) + 1, sizeof(PyObject *));
    if (!t->words || word_hash_init(&t->all, PyDict_Size(mapping)) < 0 ||
        word_hash_init(&t->hot, hot) < 0) {
        Py_DECREF(capsule);
        return PyErr_NoMemory();
    }
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    Py_ssize_t n_hot = 0;
    while (PyDict_Next(mapping, &pos, &key, &value)) {
        if (!PyUnicode_Check(key) || !PyUnicode_IS_ASCII(key) ||
            PyUnicode_GET_LENGTH(key) < 1 || PyUnicode_GET_LENGTH(key) > KEY_MAX) {
            PyErr_SetString(PyExc_ValueError, "word table keys must be ASCII, 1 to 24 long");
            Py_DECREF(capsule);
            return NULL;
        }
        if (exact_int(value, "make_word_table") < 0) {
            Py_DECREF(capsule);
            return NULL;
        }
        long long v = PyLong_AsLongLong(value);
        if (v == -1 && PyErr_Occurred()) {
            Py_DECREF(capsule);
            return NULL;
        }
        if (v < 0 || v > INT32_MAX) {
            PyErr_SetString(PyExc_ValueError, "word table values must fit 31 bits");
            Py_DECREF(capsule);
            return NULL;
        }
        char k[KEY_MAX] = {0};
        memcpy(k, PyUnicode_DATA(key), PyUnicode_GET_LENGTH(key));
        int32_t w = (int32_t)t->n_words;
        t->words[t->n_words++] = Py_NewRef(key);
        word_hash_put(&t->all, k, (int32_t)v, w);
        if ((v >> 3) >= 1 && (v >> 3) <= hot && n_hot < hot) {
            word_hash_put(&t->hot, k, (int32_t)v, w);
            n_hot++;
        }
    }
    if (pair_hash_init(&t->prefixes, PyTuple_GET_SIZE(prefixes)) < 0) {
        Py_DECREF(capsule);
        return PyErr_NoMemory();
    }
    for (Py_ssize_t p = 0; p < PyTuple_GET_SIZE(prefixes); p++) {
        PyObject *pair = PyTuple_GET_ITEM(prefixes, p);
        const WordSlot *ab[2] = {NULL, NULL};
        for (int j = 0; j < 2 && PyTuple_Check(pair) && PyTuple_GET_SIZE(pair) == 2; j++) {
            PyObject *w = PyTuple_GET_ITEM(pair, j);
            if (!PyUnicode_Check(w) || !PyUnicode_IS_ASCII(w) || PyUnicode_GET_LENGTH(w) < 1 ||
                PyUnicode_GET_LENGTH(w) > KEY_MAX)
                break;
            char k[KEY_MAX] = {0};
            memcpy(k, PyUnicode_DATA(w), PyUnicode_GET_LENGTH(w));
            ab[j] = word_lookup(t, k);
        }
        if (!ab[0] || !ab[1]) {
            PyErr_SetString(PyExc_ValueError, "make_word_table: prefixes are pairs of its words");
            Py_DECREF(capsule);
            return NULL;
        }
        pair_hash_put(&t->prefixes, PREFIX_CODE(ab[0]->word, ab[1]->word), 0);
    }
    return capsule;
}

static const WordSlot *word_hash_get(const WordHash *h, const char *key) {
    uint64_t i = key_hash(key) & h->mask;
    for (;;) {
        const WordSlot *slot = &h->slots[i];
        if (!slot->key[0]) return NULL;
        if (memcmp(slot->key, key, KEY_MAX) == 0) return slot;
        i = (i + 1) & h->mask;
    }
}

/* The slot of a zero-padded key, or NULL. */
static const WordSlot *word_lookup(const WordTable *t, const char *key) {
    const WordSlot *slot = word_hash_get(&t->hot, key);
    return slot ? slot : word_hash_get(&t->all, key);
}

/* ------------------------------------------------------------------ pair table */

/* As the word table: every listed pair, and the most frequent pairs alone. A slot holds
 * the pair's own position in pmi and both_common, where the frequent pairs come first
 * (their values share a few cache lines). */
typedef struct {
    PairHash hot, all;
    double *pmi;
    unsigned char *both_common;
} PairTable;

static void pair_table_release(PairTable *t) {
    if (!t) return;
    PyMem_Free(t->hot.slots);
    PyMem_Free(t->all.slots);
    PyMem_Free(t->pmi);
    PyMem_Free(t->both_common);
    PyMem_Free(t);
}

static void pair_table_free(PyObject *capsule) {
    pair_table_release((PairTable *)PyCapsule_GetPointer(capsule, "newsclean.PairTable"));
}

/* make_pair_table(codes, hot, pmi, both_common) -> capsule: the listed pairs `codes`
 * (int64, 1 to 2^44 - 1, distinct) with their PMI (float64) and whether both words are
 * common (bytes), by position; the codes of `hot` (int64; listed ones) also go in the
 * small table. */
static PyObject *make_pair_table(PyObject *self, PyObject *args) {
    Py_buffer buf, hot, pmi_b, both_b;
    if (!PyArg_ParseTuple(args, "y*y*y*y*", &buf, &hot, &pmi_b, &both_b)) return NULL;
    Py_ssize_t n = buf.len / (Py_ssize_t)sizeof(int64_t);
    Py_ssize_t n_hot = hot.len / (Py_ssize_t)sizeof(int64_t);
    const int64_t *codes = (const int64_t *)buf.buf;
    const int64_t *hot_codes = (const int64_t *)hot.buf;
    const double *pmi = (const double *)pmi_b.buf;
    const unsigned char *both = (const unsigned char *)both_b.buf;
    PyObject *capsule = NULL;
    PairTable *t = NULL;
    if (n >= (1 << PAIR_INDEX_BITS) || pmi_b.len != n * (Py_ssize_t)sizeof(double) ||
        both_b.len != n) {
        PyErr_SetString(PyExc_ValueError,
                        "make_pair_table: at most 2^20 codes, one PMI and flag each");
        goto done;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        if (codes[k] <= 0 || codes[k] >= (1LL << (64 - PAIR_INDEX_BITS))) {
            PyErr_SetString(PyExc_ValueError, "make_pair_table: codes must be 1 to 2^44 - 1");
            goto done;
        }
    }
    t = PyMem_Calloc(1, sizeof(PairTable));
    PairHash where = {0}; /* code -> position in `codes` */
    if (!t || pair_hash_init(&t->all, n) < 0 || pair_hash_init(&t->hot, n_hot) < 0 ||
        pair_hash_init(&where, n) < 0 || !(t->pmi = PyMem_Malloc((n + 1) * sizeof(double))) ||
        !(t->both_common = PyMem_Malloc(n + 1))) {
        PyMem_Free(where.slots);
        pair_table_release(t);
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t k = 0; k < n; k++) pair_hash_put(&where, codes[k], k);
    Py_ssize_t next = 0; /* the frequent pairs get the first positions */
    for (Py_ssize_t k = 0; k < n_hot; k++) {
        int64_t at = pair_hash_get(&where, hot_codes[k]);
        if (at < 0 || pair_hash_get(&t->hot, hot_codes[k]) >= 0) continue;
        t->pmi[next] = pmi[at];
        t->both_common[next] = both[at];
        pair_hash_put(&t->hot, hot_codes[k], next);
        pair_hash_put(&t->all, hot_codes[k], next);
        next++;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        if (pair_hash_get(&t->all, codes[k]) >= 0) continue;
        t->pmi[next] = pmi[k];
        t->both_common[next] = both[k];
        pair_hash_put(&t->all, codes[k], next);
        next++;
    }
    PyMem_Free(where.slots);
    capsule = PyCapsule_New(t, "newsclean.PairTable", pair_table_free);
    if (!capsule) pair_table_release(t);
done:
    PyBuffer_Release(&buf);
    PyBuffer_Release(&hot);
    PyBuffer_Release(&pmi_b);
    PyBuffer_Release(&both_b);
    return capsule;
}

static int32_t pair_lookup(const PairTable *t, int64_t code) {
    int64_t at = pair_hash_get(&t->hot, code);
    return (int32_t)(at >= 0 ? at : pair_hash_get(&t->all, code));
}

/* ------------------------------------------------------------------ token pass */

/* numpy's pairwise summation of float64 (the order np.sum adds in, started from the
 * additive identity): the same sum, bit for bit, as numpy gives for the same values. */
static double pairwise_sum(const double *a, Py_ssize_t n) {
    if (n < 8) {
        double res = -0.0;
        for (Py_ssize_t i = 0; i < n; i++) res += a[i];
        return res;
    }
    if (n <= 128) {
        double r[8];
        for (int j = 0; j < 8; j++) r[j] = a[j];
        Py_ssize_t i;
        for (i = 8; i < n - (n % 8); i += 8)
            for (int j = 0; j < 8; j++) r[j] += a[i + j];
        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; i++) res += a[i];
        return res;
    }
    Py_ssize_t n2 = n / 2;
    n2 -= n2 % 8;
    return pairwise_sum(a, n2) + pairwise_sum(a + n2, n - n2);
}

#define IS_ALNUM(c) ((c) < 128 && (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z') || \
                                   ((c) >= '0' && (c) <= '9')))
#define IS_JOINER(c) ((c) == '-' || (c) == '\'' || (c) == '.' || (c) == 0x2019)

#define FLAG_SINGLE 1
#define FLAG_MULTI_FIRST 2
#define FLAG_MULTI_SECOND 4

typedef struct {
    char *data;
    Py_ssize_t len, cap;
} Bytes;

static int bytes_grow(Bytes *b, Py_ssize_t extra) {
    if (b->len + extra <= b->cap) return 0;
    Py_ssize_t cap = b->cap ? b->cap : 1024;
    while (cap < b->len + extra) cap *= 2;
    char *data = PyMem_Realloc(b->data, cap);
    if (!data) {
        PyErr_NoMemory();
        return -1;
    }
    b->data = data;
    b->cap = cap;
    return 0;
}

/* ------------------------------------------------------------------ spin lexicon */

/* A string -> count table (the bigram model's unigram and bigram counts, for _lp). */
typedef struct {
    uint64_t hash; /* 0: empty */
    uint32_t offset, length;
    int64_t count;
} StrSlot;

typedef struct {
    StrSlot *slots;
    uint64_t mask;
    char *arena;
} StrTable;

static uint64_t str_hash(const char *s, Py_ssize_t n) {
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ (uint64_t)n;
    Py_ssize_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = fmix64(h ^ w) * 0xC2B2AE3D27D4EB4FULL;
    }
    uint64_t tail = 0;
    memcpy(&tail, s + i, (size_t)(n - i));
    return fmix64(h ^ tail) | 1;
}

static int str_table_build(StrTable *t, PyObject *mapping) {
    Py_ssize_t n = PyDict_Size(mapping), arena = 0, pos = 0, len;
    PyObject *key, *value;
    while (PyDict_Next(mapping, &pos, &key, &value)) {
        if (!PyUnicode_Check(key) || !PyUnicode_AsUTF8AndSize(key, &len)) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "count tables have str keys");
            return -1;
        }
        arena += len;
    }
    t->slots = table_slots(n, sizeof(StrSlot), &t->mask);
    t->arena = PyMem_Malloc(arena + 1);
    if (!t->slots || !t->arena) {
        PyErr_NoMemory();
        return -1;
    }
    uint32_t used = 0;
    pos = 0;
    while (PyDict_Next(mapping, &pos, &key, &value)) {
        if (exact_int(value, "count tables") < 0) return -1;
        long long count = PyLong_AsLongLong(value);
        if (count == -1 && PyErr_Occurred()) return -1;
        const char *k = PyUnicode_AsUTF8AndSize(key, &len); /* (cached by the first pass) */
        uint64_t h = str_hash(k, len);
        uint64_t i = h & t->mask;
        while (t->slots[i].hash) i = (i + 1) & t->mask; /* a dict's keys are distinct */
        memcpy(t->arena + used, k, len);
        t->slots[i] = (StrSlot){h, used, (uint32_t)len, count};
        used += (uint32_t)len;
    }
    return 0;
}

/* The count of s[0:n], or -1 when it is not listed. */
static int64_t str_count(const StrTable *t, const char *s, Py_ssize_t n) {
    uint64_t h = str_hash(s, n);
    uint64_t i = h & t->mask;
    for (;;) {
        const StrSlot *slot = &t->slots[i];
        if (!slot->hash) return -1;
        if (slot->hash == h && slot->length == (uint32_t)n &&
            memcmp(t->arena + slot->offset, s, n) == 0)
            return slot->count;
        i = (i + 1) & t->mask;
    }
}

/* A word as _lp looks it up: its UTF-8 text with apostrophes dropped; longer than any
 * listed word: length -1. */
#define WORD_MAX 192
typedef struct {
    char text[WORD_MAX];
    Py_ssize_t len;
} Word;

typedef struct { /* one candidate original of a lexicon phrase */
    Py_ssize_t n_words;
    Word *words;
    PyObject *original; /* for ties: the greater original wins, as Python's max */
    int tell;
} Cand;

typedef struct {
    Py_ssize_t n_words;
    int32_t *widx; /* the phrase's words by word-table index (all are in the table) */
    Word *words;
    Py_ssize_t n_cands;
    Cand *cands;
} Phrase;

typedef struct {
    Py_ssize_t n_phrases;
    Phrase *phrases;
    int32_t *single; /* word-table index -> phrase, -1: none */
    Py_ssize_t n_words;
    PairHash multi; /* PREFIX_CODE(w1, w2) -> position in multi_list */
    int32_t *multi_list; /* count, then that many phrases, longest first */
    StrTable uni, bi;
    double total, backoff, unknown;
} Lexicon;

/* Characters start:end of t, apostrophes dropped, as UTF-8 (len -1: too long to be
 * listed, or a lone surrogate, which no listed word holds). */
static void word_of_text(Word *w, const Text *t, Py_ssize_t start, Py_ssize_t end) {
    w->len = 0;
    for (Py_ssize_t i = start; i < end; i++) {
        Py_UCS4 c = PyUnicode_READ(t->kind, t->data, i);
        if (c == '\'') continue;
        if (w->len + 4 > WORD_MAX || (c >= 0xD800 && c < 0xE000)) {
            w->len = -1;
            return;
        }
        char *o = w->text + w->len;
        if (c < 0x80) {
            o[0] = (char)c;
            w->len += 1;
        } else if (c < 0x800) {
            o[0] = (char)(0xC0 | (c >> 6));
            o[1] = (char)(0x80 | (c & 0x3F));
            w->len += 2;
        } else if (c < 0x10000) {
            o[0] = (char)(0xE0 | (c >> 12));
            o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
            o[2] = (char)(0x80 | (c & 0x3F));
            w->len += 3;
        } else {
            o[0] = (char)(0xF0 | (c >> 18));
            o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
            o[2] = (char)(0x80 | ((c >> 6) & 0x3F));
            o[3] = (char)(0x80 | (c & 0x3F));
            w->len += 4;
        }
    }
}

static int word_of_str(Word *w, PyObject *str) {
    Text t;
    if (text_of(str, "make_lexicon", &t) < 0) return -1;
    word_of_text(w, &t, 0, t.n);
    return 0;
}

static void lexicon_release(Lexicon *x) {
    if (!x) return;
    for (Py_ssize_t p = 0; x->phrases && p < x->n_phrases; p++) {
        Phrase *ph = &x->phrases[p];
        for (Py_ssize_t c = 0; ph->cands && c < ph->n_cands; c++) {
            PyMem_Free(ph->cands[c].words);
            Py_XDECREF(ph->cands[c].original);
        }
        PyMem_Free(ph->cands);
        PyMem_Free(ph->widx);
        PyMem_Free(ph->words);
    }
    PyMem_Free(x->phrases);
    PyMem_Free(x->single);
    PyMem_Free(x->multi.slots);
    PyMem_Free(x->multi_list);
    PyMem_Free(x->uni.slots);
    PyMem_Free(x->uni.arena);
    PyMem_Free(x->bi.slots);
    PyMem_Free(x->bi.arena);
    PyMem_Free(x);
}

static void lexicon_free(PyObject *capsule) {
    lexicon_release((Lexicon *)PyCapsule_GetPointer(capsule, "newsclean.Lexicon"));
}

/* The word-table index of a str, or -1. */
static int32_t word_index(const WordTable *wt, PyObject *str) {
    if (!PyUnicode_Check(str) || !PyUnicode_IS_ASCII(str) || PyUnicode_GET_LENGTH(str) < 1 ||
        PyUnicode_GET_LENGTH(str) > KEY_MAX)
        return -1;
    char k[KEY_MAX] = {0};
    memcpy(k, PyUnicode_DATA(str), PyUnicode_GET_LENGTH(str));
    const WordSlot *slot = word_lookup(wt, k);
    return slot ? slot->word : -1;
}

/* make_lexicon(words, phrases, single, multi, unigrams, bigrams, total, backoff, unknown)
 * -> capsule: unspin's phrase index for scan_spin.
 * words: make_word_table's table, which holds every word of every phrase.
 * phrases: [(words, [(original words, original, tell), ...]), ...];
 * single: {word: phrase position}; multi: {(w1, w2): (phrase positions, longest first)};
 * unigrams, bigrams: the bigram model's counts ("a b" keys); total, backoff, unknown: _lp's
 * constants. */
static PyObject *make_lexicon(PyObject *self, PyObject *args) {
    PyObject *words_cap, *phrases, *single, *multi, *uni, *bi;
    double total, backoff, unknown;
    if (!PyArg_ParseTuple(args, "OO!O!O!O!O!ddd", &words_cap, &PyList_Type, &phrases,
                          &PyDict_Type, &single, &PyDict_Type, &multi, &PyDict_Type, &uni,
                          &PyDict_Type, &bi, &total, &backoff, &unknown))
        return NULL;
    const WordTable *wt = PyCapsule_GetPointer(words_cap, "newsclean.WordTable");
    if (!wt) return NULL;
    Lexicon *x = PyMem_Calloc(1, sizeof(Lexicon));
    if (!x) return PyErr_NoMemory();
    x->total = total;
    x->backoff = backoff;
    x->unknown = unknown;
    x->n_words = wt->n_words;
    /* (lexicon_release reads n_phrases and n_cands only where their arrays were had) */
    x->n_phrases = PyList_GET_SIZE(phrases);
    x->phrases = PyMem_Calloc(x->n_phrases + 1, sizeof(Phrase));
    x->single = PyMem_Malloc((x->n_words + 1) * sizeof(int32_t));
    if (!x->phrases || !x->single) goto nomem;
    for (Py_ssize_t k = 0; k <= x->n_words; k++) x->single[k] = -1;
    for (Py_ssize_t p = 0; p < x->n_phrases; p++) {
        PyObject *spec = PyList_GET_ITEM(phrases, p), *pw, *pc;
        if (!PyTuple_Check(spec)) {
            PyErr_SetString(PyExc_TypeError, "make_lexicon: phrases are (words, candidates)");
            goto fail;
        }
        if (!PyArg_ParseTuple(spec, "O!O!", &PyTuple_Type, &pw, &PyList_Type, &pc)) goto fail;
        Phrase *ph = &x->phrases[p];
        ph->n_words = PyTuple_GET_SIZE(pw);
        ph->widx = PyMem_Calloc(ph->n_words + 1, sizeof(int32_t));
        ph->words = PyMem_Calloc(ph->n_words + 1, sizeof(Word));
        ph->n_cands = PyList_GET_SIZE(pc);
        ph->cands = PyMem_Calloc(ph->n_cands + 1, sizeof(Cand));
        if (!ph->widx || !ph->words || !ph->cands) goto nomem;
        for (Py_ssize_t k = 0; k < ph->n_words; k++) {
            PyObject *w = PyTuple_GET_ITEM(pw, k);
            ph->widx[k] = word_index(wt, w);
            if (ph->widx[k] < 0) {
                PyErr_SetString(PyExc_ValueError, "make_lexicon: a phrase word is not in the table");
                goto fail;
            }
            if (word_of_str(&ph->words[k], w) < 0) goto fail;
        }
        for (Py_ssize_t c = 0; c < ph->n_cands; c++) {
            PyObject *cw, *original, *tell_obj, *cand_spec = PyList_GET_ITEM(pc, c);
            if (!PyTuple_Check(cand_spec)) {
                PyErr_SetString(PyExc_TypeError, "make_lexicon: candidates are tuples");
                goto fail;
            }
            /* (a bool, not any object: its __bool__ could change the lists being read) */
            if (!PyArg_ParseTuple(cand_spec, "O!UO!", &PyTuple_Type, &cw, &original,
                                  &PyBool_Type, &tell_obj))
                goto fail;
            int tell = tell_obj == Py_True;
            Cand *cand = &ph->cands[c];
            cand->n_words = PyTuple_GET_SIZE(cw);
            cand->words = PyMem_Calloc(cand->n_words + 1, sizeof(Word));
            if (!cand->words) goto nomem;
            for (Py_ssize_t k = 0; k < cand->n_words; k++)
                if (word_of_str(&cand->words[k], PyTuple_GET_ITEM(cw, k)) < 0) goto fail;
            cand->original = Py_NewRef(original);
            cand->tell = tell;
        }
    }
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(single, &pos, &key, &value)) {
        if (exact_int(value, "make_lexicon") < 0) goto fail;
        int32_t w = word_index(wt, key);
        long p = PyLong_AsLong(value);
        if (w < 0 || p < 0 || p >= x->n_phrases) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "make_lexicon: single words and positions");
            goto fail;
        }
        x->single[w] = (int32_t)p;
    }
    Py_ssize_t listed = 0;
    pos = 0;
    while (PyDict_Next(multi, &pos, &key, &value)) {
        if (!PyTuple_Check(value)) {
            PyErr_SetString(PyExc_TypeError, "make_lexicon: multi values are tuples");
            goto fail;
        }
        listed += PyTuple_GET_SIZE(value) + 1;
    }
    if (listed >= (1 << PAIR_INDEX_BITS)) { /* (positions are packed in PAIR_INDEX_BITS) */
        PyErr_SetString(PyExc_ValueError, "make_lexicon: the multi index holds under 2^20 positions");
        goto fail;
    }
    x->multi_list = PyMem_Malloc((listed + 1) * sizeof(int32_t));
    if (!x->multi_list || pair_hash_init(&x->multi, PyDict_Size(multi)) < 0) goto nomem;
    Py_ssize_t at = 0;
    pos = 0;
    while (PyDict_Next(multi, &pos, &key, &value)) {
        if (!PyTuple_Check(key) || PyTuple_GET_SIZE(key) != 2) {
            PyErr_SetString(PyExc_ValueError, "make_lexicon: multi keys are word pairs");
            goto fail;
        }
        int32_t a = word_index(wt, PyTuple_GET_ITEM(key, 0));
        int32_t b = word_index(wt, PyTuple_GET_ITEM(key, 1));
        if (a < 0 || b < 0) {
            PyErr_SetString(PyExc_ValueError, "make_lexicon: a multi word is not in the table");
            goto fail;
        }
        pair_hash_put(&x->multi, PREFIX_CODE(a, b), at);
        x->multi_list[at++] = (int32_t)PyTuple_GET_SIZE(value);
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(value); k++) {
            if (exact_int(PyTuple_GET_ITEM(value, k), "make_lexicon") < 0) goto fail;
            long p = PyLong_AsLong(PyTuple_GET_ITEM(value, k));
            if (p < 0 || p >= x->n_phrases) {
                if (!PyErr_Occurred())
                    PyErr_SetString(PyExc_ValueError, "make_lexicon: phrase positions");
                goto fail;
            }
            x->multi_list[at++] = (int32_t)p;
        }
    }
    if (str_table_build(&x->uni, uni) < 0 || str_table_build(&x->bi, bi) < 0) goto fail;
    PyObject *capsule = PyCapsule_New(x, "newsclean.Lexicon", lexicon_free);
    if (!capsule) goto fail;
    return capsule;
nomem:
    PyErr_NoMemory();
fail:
    lexicon_release(x);
    return NULL;
}

/* _lp(prev, word): stupid-backoff log P(word | prev) over the counts (prev NULL: none). */
static double lex_lp(const Lexicon *x, const Word *prev, const Word *word) {
    int64_t uw = word->len < 0 ? -1 : str_count(&x->uni, word->text, word->len);
    double w_count = uw < 0 ? x->unknown : (double)uw;
    if (prev) {
        if (prev->len >= 0 && word->len >= 0 && prev->len + 1 + word->len <= 2 * WORD_MAX + 1) {
            char pair[2 * WORD_MAX + 2];
            memcpy(pair, prev->text, prev->len);
            pair[prev->len] = ' ';
            memcpy(pair + prev->len + 1, word->text, word->len);
            int64_t c = str_count(&x->bi, pair, prev->len + 1 + word->len);
            if (c > 0) {
                int64_t up = str_count(&x->uni, prev->text, prev->len);
                return log((double)c / (double)(up < 0 ? c : up));
            }
        }
        return x->backoff + log(w_count / x->total);
    }
    return log(w_count / x->total);
}

/* _seq_lp(prev, words, next) */
static double lex_seq_lp(const Lexicon *x, const Word *prev, const Word *words, Py_ssize_t n,
                         const Word *next) {
    double lp = 0.0;
    for (Py_ssize_t k = 0; k < n; k++) {
        lp += lex_lp(x, prev, &words[k]);
        prev = &words[k];
    }
    if (next) lp += lex_lp(x, prev, next);
    return lp;
}

/* _best(prev, phrase, right): (gain of the best candidate, its position). Ties go to the
 * greater original, then to the later candidate, as Python's max of (gain, original, k). */
static int lex_best(const Lexicon *x, const Phrase *ph, const Word *prev, const Word *right,
                    double *gain, Py_ssize_t *best) {
    double here = lex_seq_lp(x, prev, ph->words, ph->n_words, right);
    *best = -1;
    for (Py_ssize_t k = 0; k < ph->n_cands; k++) {
        const Cand *c = &ph->cands[k];
        double g = lex_seq_lp(x, prev, c->words, c->n_words, right) - here;
        int better = *best < 0 || g > *gain;
        if (!better && g == *gain) {
            int cmp = PyUnicode_Compare(c->original, ph->cands[*best].original);
            if (cmp == -1 && PyErr_Occurred()) return -1;
            better = cmp >= 0; /* equal originals: the later one, as max over (g, o, k) */
        }
        if (better) {
            *gain = g;
            *best = k;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ scan_spin */

typedef struct {
    Py_ssize_t start, end; /* characters of the lower-cased text */
    int64_t code;          /* (id << 3) | lexicon flags, 0: not listed */
    int32_t widx;          /* word-table index, -1: not in the table */
} Tok;

/* The tokens of unspin._TOKENS = [A-Za-z0-9]+(?:[-'’.][A-Za-z0-9]+)*|[^\sA-Za-z0-9]+ with
 * their codes; -1 when out of memory. */
static Py_ssize_t tokenize_spin(const Text *t, const WordTable *wt, Tok **out) {
    Py_ssize_t cap = 256, ntok = 0, i = 0;
    Tok *toks = PyMem_Malloc(cap * sizeof(Tok));
    if (!toks) return -1;
    while (i < t->n) {
        Py_UCS4 c = PyUnicode_READ(t->kind, t->data, i);
        if (Py_UNICODE_ISSPACE(c)) {
            i++;
            continue;
        }
        Py_ssize_t start = i;
        const WordSlot *slot = NULL;
        if (IS_ALNUM(c)) {
            i++;
            while (i < t->n && IS_ALNUM(PyUnicode_READ(t->kind, t->data, i))) i++;
            while (i + 1 < t->n && IS_JOINER(PyUnicode_READ(t->kind, t->data, i)) &&
                   IS_ALNUM(PyUnicode_READ(t->kind, t->data, i + 1))) {
                i += 2;
                while (i < t->n && IS_ALNUM(PyUnicode_READ(t->kind, t->data, i))) i++;
            }
            if (i - start <= KEY_MAX) {
                char key[KEY_MAX] = {0};
                int ascii = 1;
                for (Py_ssize_t k = start; k < i; k++) {
                    Py_UCS4 ch = PyUnicode_READ(t->kind, t->data, k);
                    if (ch >= 128) { /* a ’ joiner: never a listed word */
                        ascii = 0;
                        break;
                    }
                    key[k - start] = (char)ch;
                }
                if (ascii) slot = word_lookup(wt, key);
            }
        } else {
            i++;
            while (i < t->n) {
                Py_UCS4 d = PyUnicode_READ(t->kind, t->data, i);
                if (Py_UNICODE_ISSPACE(d) || IS_ALNUM(d)) break;
                i++;
            }
        }
        if (ntok == cap) {
            cap *= 2;
            Tok *grown = PyMem_Realloc(toks, cap * sizeof(Tok));
            if (!grown) {
                PyMem_Free(toks);
                return -1;
            }
            toks = grown;
        }
        toks[ntok++] = (Tok){start, i, slot ? slot->value : 0, slot ? slot->word : -1};
    }
    *out = toks;
    return ntok;
}

/* Is the token a word for its neighbours' context (its first character alphanumeric, as
 * str.isalnum)? */
static int tok_alnum(const Text *t, const Tok *tok) {
    return Py_UNICODE_ISALNUM(PyUnicode_READ(t->kind, t->data, tok->start));
}

/* scan_spin(text, words, pairs, base, common, lexicon, margin, keep_min, repairs) ->
 *     (n_tokens, pmi_sum, common_pairs, unseen_pairs, sites)
 *
 * unspin._scan's token pass and lexicon sites in one: `text` lower-cased with ’ as ';
 * words, pairs, base, common: the tables of unspin._native_tables; lexicon: make_lexicon's.
 * Counts as _token_pass_py (the PMI summed as numpy sums); sites as _lexicon_sites: for
 * each lexicon phrase with candidates (left to right, the longest phrase at a position, no
 * overlaps) the best candidate by its bigram gain between its neighbours, kept when it is
 * a tell or gains at least keep_min, reported when `repairs` or it is evidence (a tell or a
 * gain of at least margin): (token, tokens, phrase, candidate, gain, evidence). */
static PyObject *scan_spin(PyObject *self, PyObject *args) {
    PyObject *text, *words_cap, *pairs_cap, *lex_cap;
    long long base;
    Py_buffer common;
    double margin, keep_min;
    int repairs;
    if (!PyArg_ParseTuple(args, "UOOLy*Oddp", &text, &words_cap, &pairs_cap, &base, &common,
                          &lex_cap, &margin, &keep_min, &repairs))
        return NULL;
    PyObject *result = NULL, *sites = NULL;
    Tok *toks = NULL;
    Bytes found = {0};
    const WordTable *wt = PyCapsule_GetPointer(words_cap, "newsclean.WordTable");
    const PairTable *pt = wt ? PyCapsule_GetPointer(pairs_cap, "newsclean.PairTable") : NULL;
    const Lexicon *lx = pt ? PyCapsule_GetPointer(lex_cap, "newsclean.Lexicon") : NULL;
    if (!lx) goto done;
    if (base < 1 || base > (1LL << 22)) { /* (pair codes a * base + b stay under 2^44) */
        PyErr_SetString(PyExc_ValueError, "scan_spin: the pair base must be 1 to 2^22");
        goto done;
    }
    if (lx->n_words != wt->n_words) {
        PyErr_SetString(PyExc_ValueError, "scan_spin: the lexicon is another word table's");
        goto done;
    }
    Text t;
    if (text_of(text, "scan_spin", &t) < 0) goto done;
    Py_ssize_t ntok = tokenize_spin(&t, wt, &toks);
    if (ntok < 0) {
        PyErr_NoMemory();
        goto done;
    }

    /* word pairs: PMI of the listed ones, common pairs, unseen common pairs */
    const unsigned char *is_common = (const unsigned char *)common.buf;
    long long common_pairs = 0, unseen = 0;
    for (Py_ssize_t k = 0; k + 1 < ntok; k++) {
        int64_t a = toks[k].code >> 3, b = toks[k + 1].code >> 3;
        if (a < common.len && b < common.len && is_common[a] && is_common[b]) common_pairs++;
        if (a > 0 && b > 0 && a < base && b < base) {
            int32_t at = pair_lookup(pt, a * base + b);
            if (at >= 0) {
                if (bytes_grow(&found, sizeof(double)) < 0) goto done;
                memcpy(found.data + found.len, &pt->pmi[at], sizeof(double));
                found.len += sizeof(double);
                unseen -= pt->both_common[at] != 0;
            }
        }
    }
    double pmi_sum = pairwise_sum((const double *)found.data, found.len / (Py_ssize_t)sizeof(double));

    /* lexicon sites */
    sites = PyList_New(0);
    if (!sites) goto done;
    Py_ssize_t done_to = 0, last_at = -1; /* last: the token a kept candidate ends at ... */
    Word last_word = {{0}, 0};           /* ... and its last original word */
    for (Py_ssize_t i = 0; i < ntok; i++) {
        const Tok *tk = &toks[i];
        int single = (tk->code & FLAG_SINGLE) != 0;
        int pair = i + 1 < ntok && (tk->code & FLAG_MULTI_FIRST) &&
                   (toks[i + 1].code & FLAG_MULTI_SECOND);
        if ((!single && !pair) || i < done_to) continue;
        const Phrase *match = NULL;
        if (pair) {
            int64_t at = pair_hash_get(&lx->multi, PREFIX_CODE(tk->widx, toks[i + 1].widx));
            if (at >= 0) {
                const int32_t *list = &lx->multi_list[at];
                for (int32_t m = 1; m <= list[0] && !match; m++) {
                    const Phrase *ph = &lx->phrases[list[m]];
                    if (i + ph->n_words > ntok) continue;
                    int same = 1;
                    for (Py_ssize_t k = 0; k < ph->n_words && same; k++)
                        same = toks[i + k].widx == ph->widx[k];
                    if (same) match = ph;
                }
            }
        }
        if (!match && tk->widx >= 0 && lx->single[tk->widx] >= 0)
            match = &lx->phrases[lx->single[tk->widx]];
        if (!match || match->n_cands == 0) continue;
        Py_ssize_t n = match->n_words;
        Word prev_buf, right_buf;
        const Word *prev = NULL, *right = NULL;
        if (i > 0 && tok_alnum(&t, &toks[i - 1])) {
            if (last_at == i - 1) {
                prev = &last_word;
            } else {
                word_of_text(&prev_buf, &t, toks[i - 1].start, toks[i - 1].end);
                prev = &prev_buf;
            }
        }
        if (i + n < ntok && tok_alnum(&t, &toks[i + n])) {
            word_of_text(&right_buf, &t, toks[i + n].start, toks[i + n].end);
            right = &right_buf;
        }
        double gain = 0.0;
        Py_ssize_t k = -1;
        if (lex_best(lx, match, prev, right, &gain, &k) < 0) goto done;
        const Cand *cand = &match->cands[k];
        if (!prev && !right && !cand->tell) gain = 0.0; /* no neighbour: no evidence */
        if (cand->tell || gain >= keep_min) {
            int evidence = cand->tell || gain >= margin;
            if (repairs || evidence) {
                PyObject *site = Py_BuildValue("nnnndO", i, n, (Py_ssize_t)(match - lx->phrases),
                                               k, gain, evidence ? Py_True : Py_False);
                if (!site || PyList_Append(sites, site) < 0) {
                    Py_XDECREF(site);
                    goto done;
                }
                Py_DECREF(site);
            }
            last_at = i + n - 1;
            if (cand->n_words) last_word = cand->words[cand->n_words - 1];
            else last_word.len = 0;
        }
        done_to = i + n;
    }
    result = Py_BuildValue("ndLLO", ntok, 0.0 + pmi_sum, common_pairs, common_pairs + unseen,
                           sites);
done:
    Py_XDECREF(sites);
    PyMem_Free(toks);
    PyMem_Free(found.data);
    PyBuffer_Release(&common);
    return result;
}

/* ------------------------------------------------------------------ xxh64 */

#define P64_1 0x9E3779B185EBCA87ULL
#define P64_2 0xC2B2AE3D27D4EB4FULL
#define P64_3 0x165667B19E3779F9ULL
#define P64_4 0x85EBCA77C2B2AE63ULL
#define P64_5 0x27D4EB2F165667C5ULL

static uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static uint64_t read64(const unsigned char *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v; /* little-endian hosts (x86-64, aarch64) */
}

static uint32_t read32(const unsigned char *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static uint64_t xxh64_round(uint64_t acc, uint64_t input) {
    acc += input * P64_2;
    acc = rotl64(acc, 31);
    return acc * P64_1;
}

static uint64_t xxh64_merge(uint64_t acc, uint64_t val) {
    acc ^= xxh64_round(0, val);
    return acc * P64_1 + P64_4;
}

/* XXH64 with seed 0, as xxhash.xxh64_intdigest. */
static uint64_t xxh64(const unsigned char *p, size_t len) {
    const unsigned char *end = p + len;
    uint64_t h;
    if (len >= 32) {
        const unsigned char *limit = end - 32;
        uint64_t v1 = P64_1 + P64_2, v2 = P64_2, v3 = 0, v4 = (uint64_t)0 - P64_1;
        do {
            v1 = xxh64_round(v1, read64(p));
            v2 = xxh64_round(v2, read64(p + 8));
            v3 = xxh64_round(v3, read64(p + 16));
            v4 = xxh64_round(v4, read64(p + 24));
            p += 32;
        } while (p <= limit);
        h = rotl64(v1, 1) + rotl64(v2, 7) + rotl64(v3, 12) + rotl64(v4, 18);
        h = xxh64_merge(h, v1);
        h = xxh64_merge(h, v2);
        h = xxh64_merge(h, v3);
        h = xxh64_merge(h, v4);
    } else {
        h = P64_5;
    }
    h += (uint64_t)len;
    while (p + 8 <= end) {
        h ^= xxh64_round(0, read64(p));
        h = rotl64(h, 27) * P64_1 + P64_4;
        p += 8;
    }
    if (p + 4 <= end) {
        h ^= (uint64_t)read32(p) * P64_1;
        h = rotl64(h, 23) * P64_2 + P64_3;
        p += 4;
    }
    while (p < end) {
        h ^= (*p) * P64_5;
        h = rotl64(h, 11) * P64_1;
        p++;
    }
    h ^= h >> 33;
    h *= P64_2;
    h ^= h >> 29;
    h *= P64_3;
    h ^= h >> 32;
    return h;
}

/* Non-ASCII characters chrome's normal form drops: punctuation and symbols that are not
 * \w, not whitespace, unchanged by lower() and NFD (chrome.normalize_for_key drops them
 * with the other punctuation). */
static int key_drops(Py_UCS4 c) {
    switch (c) {
    case 0x2018: case 0x2019: case 0x201C: case 0x201D: case 0x2013: case 0x2014:
    case 0x2026: case 0xA3: case 0x20AC: case 0x2022: case 0xB7: case 0xA9: case 0xAE:
    case 0xB0: case 0x2032: case 0x2033: case 0x2039: case 0x203A: case 0xAB: case 0xBB:
    case 0xA1: case 0xBF: case 0xA7: case 0xB6: case 0x2020: case 0x2021: case 0x2122:
    case 0xA2: case 0xA5:
        return 1;
    default:
        return 0;
    }
}

/* line_key(line, max_words) -> int | None | NotImplemented: chrome.line_key. None for a
 * blank line, one longer than max_words * 12 characters or max_words words, or one whose
 * normal form (chrome.normalize_for_key: lower case, punctuation dropped, digits as '0',
 * whitespace runs as one space, stripped) is empty; else the xxh64 of the normal form.
 * NotImplemented when the line holds a character this does not know how to normalise
 * (letters beyond ASCII, combining marks, digits of other scripts): the caller's Python
 * path does those. */
static PyObject *line_key(PyObject *self, PyObject *args) {
    PyObject *line;
    Py_ssize_t max_words;
    if (!PyArg_ParseTuple(args, "Un", &line, &max_words)) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(line);
    if (n == 0 || n > max_words * 12) Py_RETURN_NONE;
    int kind = PyUnicode_KIND(line);
    const void *data = PyUnicode_DATA(line);
    unsigned char small[1024];
    unsigned char *out = n <= (Py_ssize_t)sizeof(small) ? small : PyMem_Malloc(n);
    if (!out) return PyErr_NoMemory();
    PyObject *res = NULL;
    Py_ssize_t m = 0, words = 0;
    int space = 0, in_word = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (Py_UNICODE_ISSPACE(c)) {
            space = 1;
            in_word = 0;
            continue;
        }
        if (!in_word) {
            in_word = 1;
            if (++words > max_words) {
                res = Py_NewRef(Py_None);
                goto done;
            }
        }
        if (c < 128) {
            if (c >= 'A' && c <= 'Z') c += 32;
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                if (space && m > 0) out[m++] = ' ';
                space = 0;
                out[m++] = (c >= '0' && c <= '9') ? '0' : (unsigned char)c;
            }
            /* other ASCII is punctuation: dropped without a space */
        } else if (!key_drops(c)) {
            res = Py_NewRef(Py_NotImplemented);
            goto done;
        }
    }
    res = m ? PyLong_FromUnsignedLongLong(xxh64(out, (size_t)m)) : Py_NewRef(Py_None);
done:
    if (out != small) PyMem_Free(out);
    return res;
}

/* The characters of t with whitespace runs (str.split's) as one space and none at either
 * end, into buf (t.n + 1 characters); with straighten, ’ ‘ as ' and “ ” as ". Returns
 * how many. */
static Py_ssize_t collapse_into(const Text *t, Py_UCS4 *buf, int straighten) {
    Py_ssize_t m = 0;
    int space = 0;
    for (Py_ssize_t i = 0; i < t->n; i++) {
        Py_UCS4 c = PyUnicode_READ(t->kind, t->data, i);
        if (Py_UNICODE_ISSPACE(c)) {
            space = 1;
            continue;
        }
        if (space && m > 0) buf[m++] = ' ';
        space = 0;
        if (straighten && (c == 0x2018 || c == 0x2019)) c = '\'';
        else if (straighten && (c == 0x201C || c == 0x201D)) c = '"';
        buf[m++] = c;
    }
    return m;
}

/* normalize_line(line) -> str: strip.normalize_line, the form boilerplate rules are
 * matched against: ’ ‘ as ', “ ” as ", whitespace runs (str.split's) as one space,
 * stripped. */
static PyObject *normalize_line(PyObject *self, PyObject *arg) {
    Text t;
    if (text_of(arg, "normalize_line", &t) < 0) return NULL;
    /* already normal (no quote to straighten, single inner spaces only): itself */
    int normal = 1;
    for (Py_ssize_t i = 0; i < t.n && normal; i++) {
        Py_UCS4 c = PyUnicode_READ(t.kind, t.data, i);
        if (c == ' ') {
            if (i == 0 || i == t.n - 1 || PyUnicode_READ(t.kind, t.data, i + 1) == ' ') normal = 0;
        } else if (Py_UNICODE_ISSPACE(c) || c == 0x2018 || c == 0x2019 || c == 0x201C ||
                   c == 0x201D) {
            normal = 0;
        }
    }
    if (normal) return Py_NewRef(arg);
    Py_UCS4 *buf = PyMem_Malloc((t.n + 1) * sizeof(Py_UCS4));
    if (!buf) return PyErr_NoMemory();
    PyObject *res = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, collapse_into(&t, buf, 1));
    PyMem_Free(buf);
    return res;
}

/* collapse_spaces(text) -> str: split._collapse: runs of spaces, tabs and no-break spaces
 * as one space, then whitespace (str.strip's) off both ends. */
static PyObject *collapse_spaces(PyObject *self, PyObject *arg) {
    Text t;
    if (text_of(arg, "collapse_spaces", &t) < 0) return NULL;
    Py_ssize_t lo = 0, hi = t.n;
    while (lo < hi && Py_UNICODE_ISSPACE(PyUnicode_READ(t.kind, t.data, lo))) lo++;
    while (hi > lo && Py_UNICODE_ISSPACE(PyUnicode_READ(t.kind, t.data, hi - 1))) hi--;
    int change = lo > 0 || hi < t.n;
    for (Py_ssize_t i = lo; i < hi && !change; i++) {
        Py_UCS4 c = PyUnicode_READ(t.kind, t.data, i);
        if (c == '\t' || c == 0xA0 || (c == ' ' && PyUnicode_READ(t.kind, t.data, i + 1) == ' '))
            change = 1; /* (i + 1 < hi here: the last character is no space) */
    }
    if (!change) return Py_NewRef(arg);
    Py_UCS4 *buf = PyMem_Malloc((hi - lo + 1) * sizeof(Py_UCS4));
    if (!buf) return PyErr_NoMemory();
    Py_ssize_t m = 0;
    for (Py_ssize_t i = lo; i < hi; i++) {
        Py_UCS4 c = PyUnicode_READ(t.kind, t.data, i);
        if (c == ' ' || c == '\t' || c == 0xA0) {
            if (m && buf[m - 1] == ' ' && i > lo) {
                Py_UCS4 p = PyUnicode_READ(t.kind, t.data, i - 1);
                if (p == ' ' || p == '\t' || p == 0xA0) continue; /* the run has its space */
            }
            c = ' ';
        }
        buf[m++] = c;
    }
    PyObject *res = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, m);
    PyMem_Free(buf);
    return res;
}

/* count_words(texts: list[str]) -> int: sum(len(t.split()) for t in texts), the runs of
 * non-whitespace (str.split's whitespace) in all of them. */
static PyObject *count_words(PyObject *self, PyObject *arg) {
    if (!PyList_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "count_words needs a list of str");
        return NULL;
    }
    Py_ssize_t words = 0;
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(arg); k++) {
        Text t;
        if (text_of(PyList_GET_ITEM(arg, k), "count_words", &t) < 0) return NULL;
        int in_word = 0;
        if (t.kind == PyUnicode_1BYTE_KIND) {
            const unsigned char *b = t.data;
            for (Py_ssize_t i = 0; i < t.n; i++) {
                int space = Py_UNICODE_ISSPACE(b[i]);
                words += !space && !in_word;
                in_word = !space;
            }
        } else {
            for (Py_ssize_t i = 0; i < t.n; i++) {
                int space = Py_UNICODE_ISSPACE(PyUnicode_READ(t.kind, t.data, i));
                words += !space && !in_word;
                in_word = !space;
            }
        }
    }
    return PyLong_FromSsize_t(words);
}

/* xxh64_ascii(text) -> int: xxh64 of an ASCII str's bytes (tests compare it with xxhash). */
static PyObject *xxh64_ascii(PyObject *self, PyObject *arg) {
    if (!PyUnicode_Check(arg) || !PyUnicode_IS_ASCII(arg)) {
        PyErr_SetString(PyExc_ValueError, "xxh64_ascii needs an ASCII str");
        return NULL;
    }
    return PyLong_FromUnsignedLongLong(
        xxh64((const unsigned char *)PyUnicode_DATA(arg), (size_t)PyUnicode_GET_LENGTH(arg)));
}

/* ------------------------------------------------------------------ plain lines */

/* Could ftfy change this line? Not if it holds only printable ASCII, tabs, the
 * typographic punctuation of clean news (’ ‘ “ ” — – …) and £ € (but no £ or € next to
 * ‘ “ ”), and no '&' (an entity may follow). repair.plain_line is the Python twin and
 * says why that is safe. */
#define IS_QUOTE(c) ((c) == 0x2018 || (c) == 0x201C || (c) == 0x201D)
#define IS_CURRENCY(c) ((c) == 0xA3 || (c) == 0x20AC)
static int is_plain(PyObject *line) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(line);
    int kind = PyUnicode_KIND(line);
    const void *data = PyUnicode_DATA(line);
    if (kind == PyUnicode_1BYTE_KIND) {
        const unsigned char *s = data;
        for (Py_ssize_t i = 0; i < n; i++) {
            unsigned char c = s[i];
            if ((c >= 0x7F && c != 0xA3) || (c < 0x20 && c != '\t') || c == '&') return 0;
        }
        return 1;
    }
    Py_UCS4 prev = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < 0x7F) {
            if ((c < 0x20 && c != '\t') || c == '&') return 0;
        } else if (IS_CURRENCY(c)) {
            if (IS_QUOTE(prev)) return 0;
        } else if (IS_QUOTE(c)) {
            if (IS_CURRENCY(prev)) return 0;
        } else if (!(c == 0x2013 || c == 0x2014 || c == 0x2019 || c == 0x2026)) {
            return 0;
        }
        prev = c;
    }
    return 1;
}

/* unplain_lines(lines: list[str]) -> list[int]: the indices of the lines that are not
 * plain (see is_plain), ascending. */
static PyObject *unplain_lines(PyObject *self, PyObject *arg) {
    if (!PyList_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "unplain_lines needs a list of str");
        return NULL;
    }
    PyObject *out = PyList_New(0);
    if (!out) return NULL;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(arg); i++) {
        PyObject *line = PyList_GET_ITEM(arg, i);
        if (!PyUnicode_Check(line)) {
            Py_DECREF(out);
            PyErr_SetString(PyExc_TypeError, "unplain_lines needs a list of str");
            return NULL;
        }
        if (!is_plain(line)) {
            if (append_index(out, i) < 0) {
                Py_DECREF(out);
                return NULL;
            }
        }
    }
    return out;
}

/* ------------------------------------------------------------------ requires */

/* Needle groups for needle_bits: the needles of every group, by their first byte. */
typedef struct {
    Py_ssize_t count;
    char **text;         /* needle bytes (lower case ASCII) */
    Py_ssize_t *len;
    int *group;
    Py_ssize_t first[257]; /* needles starting with byte c: first[c] .. first[c + 1] - 1 */
    unsigned long long always; /* groups without needles: always set */
    uint64_t pairs[1024]; /* bit (c0 << 8 | c1): some needle starts with c0 c1 (or is c0) */
} Needles;

static void needles_free(PyObject *capsule) {
    Needles *t = (Needles *)PyCapsule_GetPointer(capsule, "newsclean.Needles");
    if (!t) return;
    for (Py_ssize_t k = 0; k < t->count; k++) PyMem_Free(t->text[k]);
    PyMem_Free(t->text);
    PyMem_Free(t->len);
    PyMem_Free(t->group);
    PyMem_Free(t);
}

/* make_needles(groups: tuple[tuple[str, ...], ...]) -> capsule. At most 63 groups of
 * non-empty lower-case ASCII needles. */
static PyObject *make_needles(PyObject *self, PyObject *args) {
    PyObject *groups;
    if (!PyArg_ParseTuple(args, "O!", &PyTuple_Type, &groups)) return NULL;
    Py_ssize_t n_groups = PyTuple_GET_SIZE(groups), total = 0;
    if (n_groups > 63) {
        PyErr_SetString(PyExc_ValueError, "make_needles: at most 63 groups");
        return NULL;
    }
    for (Py_ssize_t g = 0; g < n_groups; g++) {
        PyObject *needles = PyTuple_GET_ITEM(groups, g);
        if (!PyTuple_Check(needles)) {
            PyErr_SetString(PyExc_TypeError, "make_needles: groups of str tuples");
            return NULL;
        }
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(needles); k++) {
            PyObject *needle = PyTuple_GET_ITEM(needles, k);
            if (!PyUnicode_Check(needle) || !PyUnicode_IS_ASCII(needle) ||
                PyUnicode_GET_LENGTH(needle) == 0) {
                PyErr_SetString(PyExc_ValueError, "make_needles: needles are non-empty ASCII");
                return NULL;
            }
            const char *d = PyUnicode_DATA(needle);
            for (Py_ssize_t i = 0; i < PyUnicode_GET_LENGTH(needle); i++) {
                if (d[i] >= 'A' && d[i] <= 'Z') {
                    PyErr_SetString(PyExc_ValueError, "make_needles: needles are lower case");
                    return NULL;
                }
            }
            total++;
        }
    }
    Needles *t = PyMem_Calloc(1, sizeof(Needles));
    if (!t) return PyErr_NoMemory();
    t->text = PyMem_Calloc(total ? total : 1, sizeof(char *));
    t->len = PyMem_Calloc(total ? total : 1, sizeof(Py_ssize_t));
    t->group = PyMem_Calloc(total ? total : 1, sizeof(int));
    PyObject *capsule = PyCapsule_New(t, "newsclean.Needles", needles_free);
    if (!capsule || !t->text || !t->len || !t->group) {
        if (capsule) Py_DECREF(capsule);
        else {
            PyMem_Free(t->text);
            PyMem_Free(t->len);
            PyMem_Free(t->group);
            PyMem_Free(t);
        }
        return PyErr_NoMemory();
    }
    t->count = total; /* (needles_free frees the copies made so far; the rest are NULL) */
    /* counting sort of the needles by first byte */
    Py_ssize_t counts[257] = {0};
    for (Py_ssize_t g = 0; g < n_groups; g++) {
        PyObject *needles = PyTuple_GET_ITEM(groups, g);
        if (PyTuple_GET_SIZE(needles) == 0) t->always |= 1ULL << g;
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(needles); k++)
            counts[((const unsigned char *)PyUnicode_DATA(PyTuple_GET_ITEM(needles, k)))[0] + 1]++;
    }
    for (int c = 1; c <= 256; c++) counts[c] += counts[c - 1];
    memcpy(t->first, counts, sizeof(counts));
    for (Py_ssize_t g = 0; g < n_groups; g++) {
        PyObject *needles = PyTuple_GET_ITEM(groups, g);
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(needles); k++) {
            PyObject *needle = PyTuple_GET_ITEM(needles, k);
            Py_ssize_t len = PyUnicode_GET_LENGTH(needle);
            const unsigned char *d = PyUnicode_DATA(needle);
            Py_ssize_t at = counts[d[0]]++;
            t->text[at] = PyMem_Malloc(len);
            if (!t->text[at]) {
                Py_DECREF(capsule);
                return PyErr_NoMemory();
            }
            memcpy(t->text[at], d, len);
            t->len[at] = len;
            t->group[at] = (int)g;
            for (int c1 = 0; c1 < 256; c1++) {
                if (len > 1 && c1 != d[1]) continue;
                unsigned bit = (unsigned)d[0] << 8 | (unsigned)c1;
                t->pairs[bit >> 6] |= 1ULL << (bit & 63);
            }
        }
    }
    return capsule;
}

/* needle_bits(text, needles) -> int | NotImplemented: bit g is set when text.lower()
 * contains a needle of group g (or group g has none). NotImplemented where a character's
 * lower case would be ASCII without being ASCII itself (U+0130, U+212A): the caller's
 * Python path answers those. */
static PyObject *needle_bits(PyObject *self, PyObject *args) {
    PyObject *text, *capsule;
    if (!PyArg_ParseTuple(args, "UO", &text, &capsule)) return NULL;
    const Needles *t = PyCapsule_GetPointer(capsule, "newsclean.Needles");
    if (!t) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    unsigned char small[1024];
    unsigned char *low = n <= (Py_ssize_t)sizeof(small) ? small : PyMem_Malloc(n ? n : 1);
    if (!low) return PyErr_NoMemory();
    PyObject *res = NULL;
    if (kind == PyUnicode_1BYTE_KIND) {
        const unsigned char *b = data;
        for (Py_ssize_t i = 0; i < n; i++) {
            unsigned char c = b[i];
            low[i] = c >= 128 ? 0xFF : (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
        }
    } else {
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, i);
            if (c < 128) {
                low[i] = (unsigned char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
            } else if (c == 0x130 || c == 0x212A) {
                res = Py_NewRef(Py_NotImplemented);
                goto done;
            } else {
                low[i] = 0xFF; /* never part of an ASCII needle */
            }
        }
    }
    unsigned long long bits = t->always;
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = low[i];
        unsigned pair = (unsigned)c << 8 | (i + 1 < n ? low[i + 1] : 0);
        if (!((t->pairs[pair >> 6] >> (pair & 63)) & 1)) continue; /* no needle starts here */
        for (Py_ssize_t k = t->first[c]; k < t->first[c + 1]; k++) {
            if ((bits >> t->group[k]) & 1) continue;
            if (t->len[k] <= n - i && memcmp(low + i, t->text[k], t->len[k]) == 0)
                bits |= 1ULL << t->group[k];
        }
    }
    res = PyLong_FromUnsignedLongLong(bits);
done:
    if (low != small) PyMem_Free(low);
    return res;
}

/* ------------------------------------------------------------------ leaked titles */

/* Does the line hold a separator a leaked page title ("<Title> – <Site>") needs, as
 * split._may_be_leaked: '|', an en or em dash, " - ", ": ", a tab or a no-break space in
 * the line as it is (normalized 0), or '|', a dash, " - " or ": " in
 * strip.normalize_line(line), where whitespace runs are one space and none stands at
 * either end (normalized 1). */
static int leak_hint(const Text *t, int normalized) {
    Py_UCS4 v1 = 0, v0 = 0; /* normalized: the last two characters of the normal form */
    int started = 0;        /* normalized: v0 is one (a NUL is a character too) */
    int pending = 0;        /* normalized: whitespace since v0 */
    for (Py_ssize_t i = 0; i < t->n; i++) {
        Py_UCS4 c = PyUnicode_READ(t->kind, t->data, i);
        if (c == '|' || c == 0x2013 || c == 0x2014) return 1;
        if (!normalized) {
            Py_UCS4 next = i + 1 < t->n ? PyUnicode_READ(t->kind, t->data, i + 1) : 0;
            if (c == '\t' || c == 0xA0 || (c == ':' && next == ' ')) return 1;
            if (c == ' ' && next == '-' && i + 2 < t->n &&
                PyUnicode_READ(t->kind, t->data, i + 2) == ' ')
                return 1;
            continue;
        }
        if (Py_UNICODE_ISSPACE(c)) {
            pending = started; /* leading whitespace is dropped */
            continue;
        }
        if (pending) { /* the normal form has a space here */
            if (v0 == ':' || (v0 == '-' && v1 == ' ')) return 1;
            v1 = v0;
            v0 = ' ';
            pending = 0;
        }
        v1 = v0;
        v0 = c;
        started = 1;
    }
    return 0;
}

/* leak_hints(lines, normalized) -> list[int]: the indices of the lines with leak_hint. */
static PyObject *leak_hints(PyObject *self, PyObject *args) {
    PyObject *lines;
    int normalized;
    if (!PyArg_ParseTuple(args, "O!p", &PyList_Type, &lines, &normalized)) return NULL;
    PyObject *out = PyList_New(0);
    if (!out) return NULL;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(lines); i++) {
        Text t;
        if (text_of(PyList_GET_ITEM(lines, i), "leak_hints", &t) < 0) {
            Py_DECREF(out);
            return NULL;
        }
        if (leak_hint(&t, normalized)) {
            if (append_index(out, i) < 0) {
                Py_DECREF(out);
                return NULL;
            }
        }
    }
    return out;
}

/* ------------------------------------------------------------------ fingerprint */

/* The signature of fingerprint.signatures, one text at a time; the numpy code there is the
 * reference and says why each step is what it is. Constants are fingerprint.py's. */
static const uint64_t FP_M[8] = {0x9E3779B97F4A7C15ULL, 0xC2B2AE3D27D4EB4FULL,
                                 0x165667B19E3779F9ULL, 0x27D4EB2F165667C5ULL,
                                 0x85EBCA77C2B2AE63ULL, 0xFF51AFD7ED558CCDULL,
                                 0xD6E8FEB86659FD93ULL, 0xA0761D6478BD642FULL};
#define FP_FOLD 0x2020202020202020ULL

static uint32_t fmix32(uint32_t h) {
    h ^= h >> 16;
    h *= 0x85EBCA6BU;
    h ^= h >> 13;
    h *= 0xC2B2AE35U;
    h ^= h >> 16;
    return h;
}

static uint64_t read64_padded(const unsigned char *s, Py_ssize_t n, Py_ssize_t at) {
    /* the 8 bytes from `at`, zeros past the end (the numpy code pads with zeros) */
    if (at + 8 <= n) return read64(s + at);
    unsigned char b[8] = {0};
    if (at < n) memcpy(b, s + at, (size_t)(n - at));
    return read64(b);
}

static uint64_t token_hash(const unsigned char *s, Py_ssize_t n, Py_ssize_t start,
                           Py_ssize_t end) {
    Py_ssize_t len = end - start;
    uint64_t keep = len >= 8 ? ~0ULL : ((1ULL << (8 * len)) - 1);
    uint64_t mixed = ((read64_padded(s, n, start) | FP_FOLD) & keep) * FP_M[0] +
                     (uint64_t)len * FP_M[3];
    if (len > 8) {
        Py_ssize_t rest = len - 8 < 8 ? len - 8 : 8;
        uint64_t mask = rest >= 8 ? ~0ULL : ((1ULL << (8 * rest)) - 1);
        mixed += ((read64_padded(s, n, start + 8) | FP_FOLD) & mask) * FP_M[1];
        if (len > 16) mixed += (read64_padded(s, n, end - 8) | FP_FOLD) * FP_M[2];
    }
    return fmix64(mixed);
}

/* Token hashes of UTF-8 text s[0:n] and each token's start byte, as fingerprint._tokenize:
 * runs of ASCII letters and digits and non-ASCII bytes, except the typographic punctuation
 * U+2000-U+207F (E2 80|81 xx) and U+0080-U+00BF (C2 xx). */
static unsigned char FP_WORD[256]; /* 1: a byte of a token (ASCII letter or digit, >= 0x80) */

static void fp_init_tables(void) {
    for (int c = 0; c < 256; c++)
        FP_WORD[c] = ((unsigned)((c | 0x20) - 'a') < 26) || ((unsigned)(c - '0') < 10) || c >= 0x80;
}

static Py_ssize_t tokenize_utf8(const unsigned char *s, Py_ssize_t n, uint64_t *hashes,
                                Py_ssize_t *starts) {
    Py_ssize_t count = 0, i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c == 0xE2 && i + 1 < n && (s[i + 1] | 1) == 0x81) {
            i += 3;
            continue;
        }
        if (c == 0xC2) {
            i += 2;
            continue;
        }
        if (!FP_WORD[c]) {
            i++;
            continue;
        }
        Py_ssize_t start = i++;
        while (i < n) {
            c = s[i];
            if (!FP_WORD[c] || c == 0xC2 || (c == 0xE2 && i + 1 < n && (s[i + 1] | 1) == 0x81))
                break;
            i++;
        }
        hashes[count] = token_hash(s, n, start, i);
        starts[count] = start;
        count++;
    }
    return count;
}

/* out[p] = min(out[p], v * a[p] + b[p]) for p < perms: one token of an affine32 MinHash */
static void affine_min(uint32_t *restrict out, const uint32_t *restrict a,
                       const uint32_t *restrict b, Py_ssize_t perms, uint32_t v) {
    for (Py_ssize_t p = 0; p < perms; p++) {
        uint32_t x = v * a[p] + b[p];
        out[p] = x < out[p] ? x : out[p];
    }
}

/* fingerprint(texts, spans, probes, a, b, num_perm, lead_perm, second_perm, lead_tokens,
 *             ngram, seed) -> (signatures, filled, sizes)
 * texts: list of str; spans: int64[len(texts), 4] character offsets of the lead and second
 * paragraph (fingerprint.lead_spans); probes: int64[num_perm, 32] densification probes;
 * a, b: uint32[lead_perm] affine32 permutations. Returns the uint32 signatures
 * (len(texts) x (num_perm + lead_perm + second_perm)), and per text the bits set and the
 * size of the linear-counting bitmap of its n-gram hashes (fingerprint._distinct turns
 * them into the distinct count). */
static PyObject *fingerprint(PyObject *self, PyObject *args) {
    PyObject *texts;
    Py_buffer spans_b, probes_b, a_b, b_b;
    Py_ssize_t num_perm, lead_perm, second_perm, lead_tokens, ngram;
    unsigned long long seed;
    if (!PyArg_ParseTuple(args, "O!y*y*y*y*nnnnnK", &PyList_Type, &texts, &spans_b, &probes_b,
                          &a_b, &b_b, &num_perm, &lead_perm, &second_perm, &lead_tokens,
                          &ngram, &seed))
        return NULL;
    PyObject *result = NULL, *sig_obj = NULL, *filled_obj = NULL, *size_obj = NULL;
    uint64_t *hashes = NULL, *bitmap = NULL;
    Py_ssize_t *starts = NULL;
    uint32_t *bins = NULL;
    unsigned char *has = NULL;
    Py_ssize_t n_texts = PyList_GET_SIZE(texts);
    Py_ssize_t width = num_perm + lead_perm + second_perm;
    if (ngram < 1 || ngram > 7 || num_perm < 1 || lead_perm < 0 || second_perm < 0 ||
        second_perm > lead_perm || lead_tokens < 0 ||
        spans_b.len != n_texts * 4 * (Py_ssize_t)sizeof(int64_t) ||
        probes_b.len != num_perm * 32 * (Py_ssize_t)sizeof(int64_t) ||
        a_b.len < lead_perm * (Py_ssize_t)sizeof(uint32_t) ||
        b_b.len < lead_perm * (Py_ssize_t)sizeof(uint32_t)) {
        PyErr_SetString(PyExc_ValueError, "fingerprint: arguments do not fit together");
        goto done;
    }
    const int64_t *spans = spans_b.buf;
    const int64_t *probes = probes_b.buf;
    for (Py_ssize_t k = 0; k < num_perm * 32; k++) {
        if (probes[k] < 0 || probes[k] >= num_perm) {
            PyErr_SetString(PyExc_ValueError, "fingerprint: a probe lies outside the bins");
            goto done;
        }
    }
    const uint32_t *pa = a_b.buf, *pb = b_b.buf;
    sig_obj = PyBytes_FromStringAndSize(NULL, n_texts * width * (Py_ssize_t)sizeof(uint32_t));
    filled_obj = PyBytes_FromStringAndSize(NULL, n_texts * (Py_ssize_t)sizeof(int64_t));
    size_obj = PyBytes_FromStringAndSize(NULL, n_texts * (Py_ssize_t)sizeof(int64_t));
    bins = PyMem_Malloc(num_perm * sizeof(uint32_t));
    has = PyMem_Malloc(num_perm);
    if (!sig_obj || !filled_obj || !size_obj || !bins || !has) {
        if (!PyErr_Occurred()) PyErr_NoMemory();
        goto done;
    }
    uint32_t *sig_all = (uint32_t *)PyBytes_AS_STRING(sig_obj);
    int64_t *filled_all = (int64_t *)PyBytes_AS_STRING(filled_obj);
    int64_t *size_all = (int64_t *)PyBytes_AS_STRING(size_obj);
    Py_ssize_t cap = 0;
    uint64_t seed_mix = seed * 0x9E3779B97F4A7C15ULL;
    for (Py_ssize_t d = 0; d < n_texts; d++) {
        PyObject *text = PyList_GET_ITEM(texts, d);
        if (!PyUnicode_Check(text)) {
            PyErr_SetString(PyExc_TypeError, "fingerprint: texts must be str");
            goto done;
        }
        Py_ssize_t n;
        const unsigned char *s = (const unsigned char *)PyUnicode_AsUTF8AndSize(text, &n);
        if (!s) goto done;
        if (n + 1 > cap) {
            cap = n + 1;
            PyMem_Free(hashes);
            PyMem_Free(starts);
            hashes = PyMem_Malloc(cap * sizeof(uint64_t));
            starts = PyMem_Malloc(cap * sizeof(Py_ssize_t));
            if (!hashes || !starts) {
                PyErr_NoMemory();
                goto done;
            }
        }
        Py_ssize_t ntok = tokenize_utf8(s, n, hashes, starts);
        uint32_t *sig = sig_all + d * width;

        /* body: one-permutation MinHash of the n-gram hashes, densified */
        Py_ssize_t grams = ntok >= ngram ? ntok - ngram + 1 : (ntok > 0 ? 1 : 0);
        int64_t size = 64;
        while (size < 16 * (int64_t)grams) size <<= 1;
        PyMem_Free(bitmap);
        bitmap = PyMem_Calloc((size_t)(size / 64), sizeof(uint64_t));
        if (!bitmap) {
            PyErr_NoMemory();
            goto done;
        }
        for (Py_ssize_t k = 0; k < num_perm; k++) {
            bins[k] = 0xFFFFFFFFU;
            has[k] = 0;
        }
        for (Py_ssize_t g = 0; g < grams; g++) {
            uint64_t acc = 0;
            if (ntok >= ngram) {
                for (Py_ssize_t k = 0; k < ngram; k++) acc += hashes[g + k] * FP_M[k];
            } else {
                for (Py_ssize_t k = 0; k < ngram - 1 && k < ntok; k++) acc += hashes[k] * FP_M[k];
            }
            uint64_t gram = fmix64(acc + (uint64_t)ngram);
            uint64_t h = fmix64(gram ^ seed_mix);
            Py_ssize_t bin = (Py_ssize_t)(((h >> 32) * (uint64_t)num_perm) >> 32);
            uint32_t v = (uint32_t)h;
            if (v < bins[bin]) bins[bin] = v;
            has[bin] = 1;
            uint64_t bit = (h >> 8) & (uint64_t)(size - 1);
            bitmap[bit >> 6] |= 1ULL << (bit & 63);
        }
        int64_t filled = 0;
        for (int64_t w = 0; w < size / 64; w++) filled += __builtin_popcountll(bitmap[w]);
        filled_all[d] = filled;
        size_all[d] = size;
        Py_ssize_t n_has = 0;
        for (Py_ssize_t k = 0; k < num_perm; k++) n_has += has[k];
        for (Py_ssize_t k = 0; k < num_perm; k++) {
            if (has[k] || n_has == 0) {
                sig[k] = bins[k];
                continue;
            }
            Py_ssize_t src = -1;
            for (int step = 0; step < 32; step++) {
                int64_t p = probes[k * 32 + step];
                if (has[p]) {
                    src = (Py_ssize_t)p;
                    break;
                }
            }
            if (src < 0) { /* the next filled bin to the right, cyclically */
                for (Py_ssize_t j = 1; j <= num_perm; j++) {
                    if (has[(k + j) % num_perm]) {
                        src = (k + j) % num_perm;
                        break;
                    }
                }
            }
            sig[k] = bins[src];
        }

        /* lead and second paragraph: affine32 MinHash of their first lead_tokens tokens */
        int64_t byte_at[4];
        {
            const int64_t *sp = spans + d * 4;
            int kind = PyUnicode_KIND(text);
            const void *data = PyUnicode_DATA(text);
            Py_ssize_t chars = PyUnicode_GET_LENGTH(text);
            if (PyUnicode_IS_ASCII(text)) {
                for (int k = 0; k < 4; k++) byte_at[k] = sp[k];
            } else {
                /* character offsets to UTF-8 byte offsets (spans ascend in pairs) */
                for (int k = 0; k < 4; k++) {
                    int64_t target = sp[k] < 0 ? 0 : (sp[k] > chars ? chars : sp[k]);
                    int64_t bytes = 0;
                    for (Py_ssize_t i = 0; i < target; i++) {
                        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
                        bytes += ch < 0x80 ? 1 : ch < 0x800 ? 2 : ch < 0x10000 ? 3 : 4;
                    }
                    byte_at[k] = bytes;
                }
            }
        }
        for (int part = 0; part < 2; part++) {
            Py_ssize_t perms = part == 0 ? lead_perm : second_perm;
            uint32_t *out = sig + num_perm + (part == 0 ? 0 : lead_perm);
            /* tokens starting in [lo, hi): searchsorted(starts, lo) .. searchsorted(starts, hi) */
            Py_ssize_t first = 0, last = 0;
            while (first < ntok && starts[first] < byte_at[2 * part]) first++;
            last = first;
            while (last < ntok && starts[last] < byte_at[2 * part + 1]) last++;
            Py_ssize_t used = last - first < lead_tokens ? last - first : lead_tokens;
            for (Py_ssize_t p = 0; p < perms; p++) out[p] = 0xFFFFFFFFU;
            for (Py_ssize_t t = 0; t < used; t++)
                affine_min(out, pa, pb, perms, fmix32((uint32_t)(hashes[first + t] >> 32)));
        }
    }
    result = PyTuple_Pack(3, sig_obj, filled_obj, size_obj);
done:
    Py_XDECREF(sig_obj);
    Py_XDECREF(filled_obj);
    Py_XDECREF(size_obj);
    PyMem_Free(hashes);
    PyMem_Free(starts);
    PyMem_Free(bitmap);
    PyMem_Free(bins);
    PyMem_Free(has);
    PyBuffer_Release(&spans_b);
    PyBuffer_Release(&probes_b);
    PyBuffer_Release(&a_b);
    PyBuffer_Release(&b_b);
    return result;
}

/* ------------------------------------------------------------------ collapse */

/* collapse_utf8(text) -> bytes | NotImplemented: " ".join(text.split()).encode("utf-8"),
 * what fingerprint.content_hash hashes. NotImplemented for a text with a lone surrogate
 * (the caller's Python path raises as encode does). */
static PyObject *collapse_utf8(PyObject *self, PyObject *arg) {
    Text t;
    if (text_of(arg, "collapse_utf8", &t) < 0) return NULL;
    Py_UCS4 *buf = PyMem_Malloc((t.n + 1) * sizeof(Py_UCS4));
    PyObject *out = buf ? PyBytes_FromStringAndSize(NULL, 4 * t.n + 1) : NULL;
    if (!out) {
        PyMem_Free(buf);
        return buf ? NULL : PyErr_NoMemory();
    }
    Py_ssize_t chars = collapse_into(&t, buf, 0);
    unsigned char *o = (unsigned char *)PyBytes_AS_STRING(out);
    Py_ssize_t m = 0;
    for (Py_ssize_t i = 0; i < chars; i++) {
        Py_UCS4 c = buf[i];
        if (c < 0x80) {
            o[m++] = (unsigned char)c;
        } else if (c < 0x800) {
            o[m++] = (unsigned char)(0xC0 | (c >> 6));
            o[m++] = (unsigned char)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            if (c >= 0xD800 && c < 0xE000) {
                PyMem_Free(buf);
                Py_DECREF(out);
                Py_RETURN_NOTIMPLEMENTED;
            }
            o[m++] = (unsigned char)(0xE0 | (c >> 12));
            o[m++] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
            o[m++] = (unsigned char)(0x80 | (c & 0x3F));
        } else {
            o[m++] = (unsigned char)(0xF0 | (c >> 18));
            o[m++] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
            o[m++] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
            o[m++] = (unsigned char)(0x80 | (c & 0x3F));
        }
    }
    PyMem_Free(buf);
    if (_PyBytes_Resize(&out, m) < 0) return NULL;
    return out;
}

/* ------------------------------------------------------------------ module */

static PyMethodDef methods[] = {
    {"make_word_table", make_word_table, METH_VARARGS, "make_word_table(dict[str, int])"},
    {"make_pair_table", make_pair_table, METH_VARARGS,
     "make_pair_table(codes, hot, pmi, both_common)"},
    {"make_lexicon", make_lexicon, METH_VARARGS,
     "make_lexicon(words, phrases, single, multi, unigrams, bigrams, total, backoff, unknown)"},
    {"scan_spin", scan_spin, METH_VARARGS,
     "scan_spin(text, words, pairs, base, common, lexicon, margin, keep_min, repairs) -> "
     "(n_tokens, pmi_sum, common_pairs, unseen_pairs, sites)"},
    {"line_key", line_key, METH_VARARGS, "line_key(line, max_words) -> int | None | NotImplemented"},
    {"normalize_line", normalize_line, METH_O, "normalize_line(line) -> str"},
    {"collapse_spaces", collapse_spaces, METH_O, "collapse_spaces(text) -> str"},
    {"count_words", count_words, METH_O, "count_words(texts) -> int: words str.split finds"},
    {"fingerprint", fingerprint, METH_VARARGS,
     "fingerprint(texts, spans, probes, a, b, num_perm, lead_perm, second_perm, lead_tokens, "
     "ngram, seed) -> (signatures, filled, sizes)"},
    {"collapse_utf8", collapse_utf8, METH_O,
     "collapse_utf8(text) -> ' '.join(text.split()).encode('utf-8') | NotImplemented"},
    {"leak_hints", leak_hints, METH_VARARGS,
     "leak_hints(lines, normalized) -> indices of lines a leaked title may stand in"},
    {"make_needles", make_needles, METH_VARARGS, "make_needles(groups) -> capsule"},
    {"needle_bits", needle_bits, METH_VARARGS,
     "needle_bits(text, needles) -> int | NotImplemented: bit g: a needle of group g in "
     "text.lower()"},
    {"xxh64_ascii", xxh64_ascii, METH_O, "xxh64_ascii(text) -> int"},
    {"unplain_lines", unplain_lines, METH_O, "unplain_lines(lines) -> indices of lines not plain"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_native", "Compiled inner loops of newsclean's stages.", -1,
    methods,
};

PyMODINIT_FUNC PyInit__native(void) {
    fp_init_tables();
    return PyModule_Create(&module);
}
