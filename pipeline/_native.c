/* pipeline._native: compiled inner loops of newsclean's per-article stages.
 *
 * Every function here has a pure-Python twin that defines what it must return (the
 * tests compare the two on the same inputs); the Python code uses these when the
 * extension is built and falls back to its own loops when it is not.
 *
 * - scan_tokens: unspin's tokenising pass (pipeline.unspin._scan): the tokens of a
 *   lower-cased paragraph, one hash look-up per word token for its bigram-model id and
 *   lexicon flags, the adjacent pairs listed in the bigram table, the common-word pairs,
 *   and where a lexicon phrase may start.
 * - key_ascii: chrome's line key (pipeline.chrome.line_key) of an ASCII line: the
 *   CCNet-style normal form and its xxh64, without building the normal form in Python.
 * - unplain_lines: the lines of a document that repair must look at (repair.plain_line).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* ------------------------------------------------------------------ word table */

#define KEY_MAX 24 /* longer tokens are never listed (the longest listed word has 24) */

typedef struct {
    char key[KEY_MAX]; /* zero-padded; an empty slot has key[0] == 0 */
    int64_t value;
    PyObject *word; /* the mapping's own key object, handed out as the token */
} WordSlot;

typedef struct {
    WordSlot *slots;
    uint64_t mask;
} WordTable;

static uint64_t key_hash(const char *key) {
    uint64_t a, b, c;
    memcpy(&a, key, 8);
    memcpy(&b, key + 8, 8);
    memcpy(&c, key + 16, 8);
    uint64_t h = a * 0x9E3779B97F4A7C15ULL ^ (b + 0x632BE59BD9B4E019ULL) * 0xC2B2AE3D27D4EB4FULL ^
                 (c + 0x85EBCA77C2B2AE63ULL) * 0x165667B19E3779F9ULL;
    return h ^ (h >> 29);
}

static void word_table_free(PyObject *capsule) {
    WordTable *t = (WordTable *)PyCapsule_GetPointer(capsule, "newsclean.WordTable");
    if (t) {
        for (uint64_t i = 0; i <= t->mask; i++) Py_XDECREF(t->slots[i].word);
        PyMem_Free(t->slots);
        PyMem_Free(t);
    }
}

/* make_word_table(mapping: dict[str, int]) -> capsule. Keys: ASCII, 1 to 24 characters. */
static PyObject *make_word_table(PyObject *self, PyObject *args) {
    PyObject *mapping;
    if (!PyArg_ParseTuple(args, "O!", &PyDict_Type, &mapping)) return NULL;
    Py_ssize_t n = PyDict_Size(mapping);
    uint64_t cap = 16;
    while (cap < (uint64_t)n + (uint64_t)n / 2 + 16) cap <<= 1;
    WordTable *t = PyMem_Calloc(1, sizeof(WordTable));
    if (!t) return PyErr_NoMemory();
    t->slots = PyMem_Calloc(cap, sizeof(WordSlot));
    if (!t->slots) {
        PyMem_Free(t);
        return PyErr_NoMemory();
    }
    t->mask = cap - 1;
    PyObject *capsule = PyCapsule_New(t, "newsclean.WordTable", word_table_free);
    if (!capsule) {
        PyMem_Free(t->slots);
        PyMem_Free(t);
        return NULL;
    }
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(mapping, &pos, &key, &value)) {
        if (!PyUnicode_Check(key) || !PyUnicode_IS_ASCII(key) ||
            PyUnicode_GET_LENGTH(key) < 1 || PyUnicode_GET_LENGTH(key) > KEY_MAX) {
            PyErr_SetString(PyExc_ValueError, "word table keys must be ASCII, 1 to 24 long");
            Py_DECREF(capsule);
            return NULL;
        }
        int64_t v = PyLong_AsLongLong(value);
        if (v == -1 && PyErr_Occurred()) {
            Py_DECREF(capsule);
            return NULL;
        }
        char k[KEY_MAX] = {0};
        memcpy(k, PyUnicode_DATA(key), PyUnicode_GET_LENGTH(key));
        uint64_t i = key_hash(k) & t->mask;
        while (t->slots[i].key[0]) i = (i + 1) & t->mask; /* a dict's keys are distinct */
        memcpy(t->slots[i].key, k, KEY_MAX);
        t->slots[i].value = v;
        t->slots[i].word = Py_NewRef(key);
    }
    return capsule;
}

/* The slot of a zero-padded key, or NULL. */
static const WordSlot *word_lookup(const WordTable *t, const char *key) {
    uint64_t i = key_hash(key) & t->mask;
    for (;;) {
        const WordSlot *slot = &t->slots[i];
        if (!slot->key[0]) return NULL;
        if (memcmp(slot->key, key, KEY_MAX) == 0) return slot;
        i = (i + 1) & t->mask;
    }
}

/* ------------------------------------------------------------------ pair table */

typedef struct {
    int64_t key; /* -1: empty */
    int64_t index;
} PairSlot;

typedef struct {
    PairSlot *slots;
    uint64_t mask;
} PairTable;

static uint64_t mix64(uint64_t x) {
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDULL;
    x ^= x >> 33;
    x *= 0xC4CEB9FE1A85EC53ULL;
    x ^= x >> 33;
    return x;
}

static void pair_table_free(PyObject *capsule) {
    PairTable *t = (PairTable *)PyCapsule_GetPointer(capsule, "newsclean.PairTable");
    if (t) {
        PyMem_Free(t->slots);
        PyMem_Free(t);
    }
}

/* make_pair_table(codes: bytes of int64, non-negative) -> capsule mapping code -> its
 * position in `codes` (the first, if a code is listed twice). */
static PyObject *make_pair_table(PyObject *self, PyObject *args) {
    Py_buffer buf;
    if (!PyArg_ParseTuple(args, "y*", &buf)) return NULL;
    Py_ssize_t n = buf.len / (Py_ssize_t)sizeof(int64_t);
    const int64_t *codes = (const int64_t *)buf.buf;
    uint64_t cap = 16;
    while (cap < (uint64_t)n + (uint64_t)n / 2 + 16) cap <<= 1;
    PairTable *t = PyMem_Calloc(1, sizeof(PairTable));
    PairSlot *slots = t ? PyMem_Malloc(cap * sizeof(PairSlot)) : NULL;
    if (!slots) {
        PyMem_Free(t);
        PyBuffer_Release(&buf);
        return PyErr_NoMemory();
    }
    for (uint64_t i = 0; i < cap; i++) slots[i].key = -1;
    t->slots = slots;
    t->mask = cap - 1;
    for (Py_ssize_t k = 0; k < n; k++) {
        uint64_t i = mix64((uint64_t)codes[k]) & t->mask;
        while (slots[i].key != -1 && slots[i].key != codes[k]) i = (i + 1) & t->mask;
        if (slots[i].key == -1) {
            slots[i].key = codes[k];
            slots[i].index = k;
        }
    }
    PyBuffer_Release(&buf);
    PyObject *capsule = PyCapsule_New(t, "newsclean.PairTable", pair_table_free);
    if (!capsule) {
        PyMem_Free(t->slots);
        PyMem_Free(t);
    }
    return capsule;
}

static int32_t pair_lookup(const PairTable *t, int64_t code) {
    uint64_t i = mix64((uint64_t)code) & t->mask;
    for (;;) {
        const PairSlot *slot = &t->slots[i];
        if (slot->key == code) return (int32_t)slot->index;
        if (slot->key == -1) return -1;
        i = (i + 1) & t->mask;
    }
}

/* ------------------------------------------------------------------ scan_tokens */

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

/* scan_tokens(text, words, pairs, base, common) ->
 *     (tokens, found, common_pairs, starts)
 *
 * text: the paragraph, lower-cased, ’ as '. Tokens are those of
 *   unspin._TOKENS = [A-Za-z0-9]+(?:[-'’.][A-Za-z0-9]+)*|[^\sA-Za-z0-9]+
 * words: make_word_table(token -> (id << 3) | lexicon flags); an unlisted token is 0.
 * pairs: make_pair_table(listed pair codes id_a * base + id_b).
 * common: bytes, common[id] != 0 for a common word.
 * Returns the tokens (a list of str: the table's own objects for listed words), the
 * positions in the pair table of the adjacent pairs it lists (int32, in text order), the
 * number of adjacent pairs of two common words, and the token indices where a lexicon
 * phrase may start (a one-word phrase, or a longer phrase's first word followed by a word
 * that is some longer phrase's second), ascending.
 */
static PyObject *scan_tokens(PyObject *self, PyObject *args) {
    PyObject *text, *words_cap, *pairs_cap;
    long long base;
    Py_buffer common;
    if (!PyArg_ParseTuple(args, "UOOLy*", &text, &words_cap, &pairs_cap, &base, &common))
        return NULL;
    PyObject *result = NULL, *starts = NULL, *tokens = NULL;
    Bytes found = {0}, codes = {0};
    const WordTable *wt = PyCapsule_GetPointer(words_cap, "newsclean.WordTable");
    const PairTable *pt = wt ? PyCapsule_GetPointer(pairs_cap, "newsclean.PairTable") : NULL;
    if (!pt) goto done;
    const unsigned char *is_common = (const unsigned char *)common.buf;
    Py_ssize_t n_common = common.len;

    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    tokens = PyList_New(0);
    if (!tokens) goto done;
    Py_ssize_t ntok = 0;
    Py_ssize_t i = 0;
    while (i < n) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (Py_UNICODE_ISSPACE(c)) {
            i++;
            continue;
        }
        Py_ssize_t start = i;
        const WordSlot *slot = NULL;
        if (IS_ALNUM(c)) {
            i++;
            while (i < n && IS_ALNUM(PyUnicode_READ(kind, data, i))) i++;
            while (i + 1 < n && IS_JOINER(PyUnicode_READ(kind, data, i)) &&
                   IS_ALNUM(PyUnicode_READ(kind, data, i + 1))) {
                i += 2;
                while (i < n && IS_ALNUM(PyUnicode_READ(kind, data, i))) i++;
            }
            if (i - start <= KEY_MAX) {
                char key[KEY_MAX] = {0};
                int ascii = 1;
                for (Py_ssize_t k = start; k < i; k++) {
                    Py_UCS4 ch = PyUnicode_READ(kind, data, k);
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
            while (i < n) {
                Py_UCS4 d = PyUnicode_READ(kind, data, i);
                if (Py_UNICODE_ISSPACE(d) || IS_ALNUM(d)) break;
                i++;
            }
        }
        PyObject *tok = slot ? Py_NewRef(slot->word) : PyUnicode_Substring(text, start, i);
        if (!tok || PyList_Append(tokens, tok) < 0) {
            Py_XDECREF(tok);
            goto done;
        }
        Py_DECREF(tok);
        if (bytes_grow(&codes, sizeof(int64_t)) < 0) goto done;
        int64_t code = slot ? slot->value : 0;
        memcpy(codes.data + codes.len, &code, sizeof(code));
        codes.len += sizeof(code);
        ntok++;
    }

    const int64_t *cs = (const int64_t *)codes.data;
    long long common_pairs = 0;
    starts = PyList_New(0);
    if (!starts) goto done;
    for (Py_ssize_t k = 0; k < ntok; k++) {
        int64_t a = cs[k] >> 3;
        if (k + 1 < ntok) {
            int64_t b = cs[k + 1] >> 3;
            if (a < n_common && b < n_common && is_common[a] && is_common[b]) common_pairs++;
            if (a > 0 && b > 0) {
                int32_t at = pair_lookup(pt, a * base + b);
                if (at >= 0) {
                    if (bytes_grow(&found, sizeof(int32_t)) < 0) goto done;
                    memcpy(found.data + found.len, &at, sizeof(at));
                    found.len += sizeof(at);
                }
            }
        }
        int start = (cs[k] & FLAG_SINGLE) ||
                    (k + 1 < ntok && (cs[k] & FLAG_MULTI_FIRST) && (cs[k + 1] & FLAG_MULTI_SECOND));
        if (start) {
            PyObject *v = PyLong_FromSsize_t(k);
            if (!v || PyList_Append(starts, v) < 0) {
                Py_XDECREF(v);
                goto done;
            }
            Py_DECREF(v);
        }
    }
    result = Py_BuildValue("Oy#LO", tokens, found.data ? found.data : "", found.len,
                           common_pairs, starts);
done:
    Py_XDECREF(tokens);
    Py_XDECREF(starts);
    PyMem_Free(found.data);
    PyMem_Free(codes.data);
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

/* key_ascii(line) -> int | None. The line must be ASCII (the caller checks). Its normal
 * form, as chrome.normalize_for_key: lower case, punctuation dropped, digits as '0',
 * whitespace runs as one space, no leading or trailing space; None when that is empty,
 * else its xxh64. */
static PyObject *key_ascii(PyObject *self, PyObject *arg) {
    if (!PyUnicode_Check(arg) || !PyUnicode_IS_ASCII(arg)) {
        PyErr_SetString(PyExc_ValueError, "key_ascii needs an ASCII str");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    const unsigned char *s = (const unsigned char *)PyUnicode_DATA(arg);
    unsigned char small[512];
    unsigned char *out = n <= (Py_ssize_t)sizeof(small) ? small : PyMem_Malloc(n);
    if (!out) return PyErr_NoMemory();
    Py_ssize_t m = 0;
    int space = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (space && m > 0) out[m++] = ' ';
            space = 0;
            out[m++] = (c >= '0' && c <= '9') ? '0' : c;
        } else if (c == ' ' || (c >= 9 && c <= 13) || (c >= 28 && c <= 31)) {
            space = 1; /* the ASCII characters str.split() splits at */
        }
        /* anything else is punctuation: dropped without a space */
    }
    PyObject *res;
    if (m == 0) {
        res = Py_NewRef(Py_None);
    } else {
        res = PyLong_FromUnsignedLongLong(xxh64(out, (size_t)m));
    }
    if (out != small) PyMem_Free(out);
    return res;
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
            PyObject *v = PyLong_FromSsize_t(i);
            if (!v || PyList_Append(out, v) < 0) {
                Py_XDECREF(v);
                Py_DECREF(out);
                return NULL;
            }
            Py_DECREF(v);
        }
    }
    return out;
}

/* ------------------------------------------------------------------ module */

static PyMethodDef methods[] = {
    {"make_word_table", make_word_table, METH_VARARGS, "make_word_table(dict[str, int])"},
    {"make_pair_table", make_pair_table, METH_VARARGS, "make_pair_table(bytes of int64)"},
    {"scan_tokens", scan_tokens, METH_VARARGS,
     "scan_tokens(text, words, pairs, base, common) -> (tokens, found, common_pairs, starts)"},
    {"key_ascii", key_ascii, METH_O, "key_ascii(line) -> xxh64 of its normal form, or None"},
    {"xxh64_ascii", xxh64_ascii, METH_O, "xxh64_ascii(text) -> int"},
    {"unplain_lines", unplain_lines, METH_O, "unplain_lines(lines) -> indices of lines not plain"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_native", "Compiled inner loops of newsclean's stages.", -1,
    methods,
};

PyMODINIT_FUNC PyInit__native(void) { return PyModule_Create(&module); }
