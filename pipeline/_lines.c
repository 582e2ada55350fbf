/* pipeline._lines: compiled inner loops of the line model (pipeline/lines.py).
 *
 * Every function here has a pure-Python twin in pipeline/lines.py that defines what it
 * must return; tests/pipeline/test_lines_native.py holds the two equal.
 *
 * - tree_raw: adds each row's leaf values of a fitted tree ensemble (lines.Trees.raw).
 * - line_shape: the shape features of each line (lines._shape_row).
 * - template_keys: each line's template with names and numbers taken out
 *   (lines.template_key).
 * - max_runs: each page's run of largest sum (lines._max_subarray page by page).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* ---------------------------------------------------------------- tree_raw */

static int get_buffer_of(const char *fn, PyObject *obj, Py_buffer *view, int writable,
                         Py_ssize_t itemsize, const char *what) {
    int flags = (writable ? PyBUF_WRITABLE : 0) | PyBUF_C_CONTIGUOUS | PyBUF_FORMAT;
    if (PyObject_GetBuffer(obj, view, flags) < 0) return -1;
    const char *f = view->format ? view->format : "B";
    if (*f == '<' || *f == '=' || *f == '@') f++;
    int ok = view->itemsize == itemsize && view->len % itemsize == 0 &&
             ((itemsize == 8 && strcmp(f, "d") == 0) ||
              (itemsize == 4 && (strcmp(f, "i") == 0 || (strcmp(f, "l") == 0 &&
                                                         sizeof(long) == 4))));
    if (!ok) {
        PyErr_Format(PyExc_TypeError, "%s: %s must hold %s, not items of format %s", fn, what,
                     itemsize == 8 ? "float64" : "int32", view->format ? view->format : "B");
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

/* A C-contiguous buffer of float64 (itemsize 8) or int32 (itemsize 4) items, checked by
 * its format too (an int64 array is not taken for float64); errors name `fn` and `what`. */
static int get_buffer(PyObject *obj, Py_buffer *view, int writable, Py_ssize_t itemsize,
                      const char *what) {
    return get_buffer_of("tree_raw", obj, view, writable, itemsize, what);
}

/* tree_raw(x, ncols, feature, threshold, left, right, value, roots, out): for each row r
 * of x (float64, row-major, ncols columns), out[r] += the value of the leaf each tree
 * (starting at roots[t]) sends the row to: left when x[feature] <= threshold. left < 0
 * marks a leaf. Node indices are checked, so a damaged model cannot read out of bounds. */
static PyObject *tree_raw(PyObject *self, PyObject *args) {
    PyObject *ox, *of, *ot, *ol, *orr, *ov, *oroots, *oout;
    Py_ssize_t ncols;
    if (!PyArg_ParseTuple(args, "OnOOOOOOO", &ox, &ncols, &of, &ot, &ol, &orr, &ov, &oroots,
                          &oout))
        return NULL;
    Py_buffer bx, bf, bt, bl, br, bv, broots, bout;
    Py_buffer *all[8] = {&bx, &bf, &bt, &bl, &br, &bv, &broots, &bout};
    PyObject *objs[8] = {ox, of, ot, ol, orr, ov, oroots, oout};
    static const Py_ssize_t sizes[8] = {8, 4, 8, 4, 4, 8, 4, 8};
    static const char *names[8] = {"x", "feature", "threshold", "left", "right", "value",
                                   "roots", "out"};
    int got = 0;
    PyObject *result = NULL;
    for (; got < 8; got++)
        if (get_buffer(objs[got], all[got], got == 7, sizes[got], names[got]) < 0) goto done;
    {
        Py_ssize_t nodes = bf.len / 4, nrows = bout.len / 8, ntrees = broots.len / 4;
        if (ncols <= 0 || (nrows > 0 && ncols > PY_SSIZE_T_MAX / nrows) ||
            bx.len / 8 != nrows * ncols || bt.len / 8 != nodes ||
            bl.len / 4 != nodes || br.len / 4 != nodes || bv.len / 8 != nodes) {
            PyErr_SetString(PyExc_ValueError, "tree_raw: array sizes do not fit together");
            goto done;
        }
        const double *x = bx.buf, *thr = bt.buf, *val = bv.buf;
        const int32_t *feat = bf.buf, *left = bl.buf, *right = br.buf, *roots = broots.buf;
        double *out = bout.buf;
        for (Py_ssize_t t = 0; t < ntrees; t++) {
            int32_t root = roots[t];
            if (root < 0 || root >= nodes) goto bad;
        }
        for (Py_ssize_t k = 0; k < nodes; k++) {
            if (left[k] >= 0 && (left[k] >= nodes || right[k] < 0 || right[k] >= nodes ||
                                 feat[k] < 0 || feat[k] >= ncols))
                goto bad;
        }
        for (Py_ssize_t r = 0; r < nrows; r++) {
            const double *row = x + r * ncols;
            double sum = out[r]; /* added tree by tree, as the numpy twin adds them */
            for (Py_ssize_t t = 0; t < ntrees; t++) {
                int32_t node = roots[t];
                Py_ssize_t steps = 0;
                while (left[node] >= 0) {
                    node = row[feat[node]] <= thr[node] ? left[node] : right[node];
                    if (++steps > nodes) goto bad; /* a cycle */
                }
                sum += val[node];
            }
            out[r] = sum;
        }
        Py_INCREF(Py_None);
        result = Py_None;
        goto done;
    bad:
        PyErr_SetString(PyExc_ValueError, "tree_raw: a node points outside the model");
    }
done:
    for (int k = 0; k < got; k++) PyBuffer_Release(all[k]);
    return result;
}

/* ---------------------------------------------------------------- line_shape */

#define NSHAPE 30

static inline int is_in(Py_UCS4 c, const Py_UCS4 *set) {
    for (; *set; set++)
        if (*set == c) return 1;
    return 0;
}

static const Py_UCS4 LEAD_STRIP[] = {'"', '\'', 0x201C, 0x2018, '(', 0x201A, '[', 0xBF, 0xA1, 0};
static const Py_UCS4 KEY_STRIP[] = {'.', ',', ';', ':', '!', '?', '"', '\'', 0x201C, 0x201D,
                                     0x2018, 0x2019, '(', ')', 0};
static const Py_UCS4 QUOTES_START[] = {'"', '\'', 0x201C, 0x2018, 0};
static const Py_UCS4 HAS_QUOTE[] = {'"', 0x201C, 0x201D, 0};
static const Py_UCS4 SEPS[] = {'|', 0x2022, 0xB7, 0xBB, 0x203A, 0x25E6, 0x25AA, 0x25BA, 0x25B6,
                               '/', '>', 0};
static const Py_UCS4 END_CLOSE[] = {'\'', '"', 0x2019, 0x201D, ')', ']', 0};
static const Py_UCS4 END_PUNCT[] = {'.', '!', '?', 0x2026, 0x3002, 0};
static const Py_UCS4 BRK_QUOTE[] = {'"', '\'', 0x2019, 0x201D, ')', 0};
static const Py_UCS4 BRK_OPEN[] = {'"', 0x201C, 0x2018, '(', 0};
static const Py_UCS4 HB_QUOTE[] = {'\'', '"', 0x2019, 0x201D, 0};
static const Py_UCS4 HB_OPEN[] = {0x201C, '"', 0x2018, 0};
static const Py_UCS4 HB_LSTRIP[] = {'"', '\'', 0x201C, 0x2018, '(', 0};
static const Py_UCS4 HEAD_BAD_FIRST[] = {'(', '-', 0x2013, 0x2014, 0x2022, '*', '|', '>', 0};
static const Py_UCS4 HEAD_BAD_LAST[] = {',', ';', ':', 0};

static inline Py_UCS4 ascii_lower(Py_UCS4 c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

/* Character classes with an ASCII fast path (the same answers as the Unicode database) */
static inline int c_alpha(Py_UCS4 c) {
    return c < 128 ? ((c | 32) >= 'a' && (c | 32) <= 'z') : Py_UNICODE_ISALPHA(c);
}
static inline int c_upper(Py_UCS4 c) { return c < 128 ? (c >= 'A' && c <= 'Z') : Py_UNICODE_ISUPPER(c); }
static inline int c_lower(Py_UCS4 c) { return c < 128 ? (c >= 'a' && c <= 'z') : Py_UNICODE_ISLOWER(c); }
static inline int c_digit(Py_UCS4 c) { return c < 128 ? (c >= '0' && c <= '9') : Py_UNICODE_ISDIGIT(c); }
static inline int c_decimal(Py_UCS4 c) {
    return c < 128 ? (c >= '0' && c <= '9') : Py_UNICODE_ISDECIMAL(c);
}
static inline int c_space(Py_UCS4 c) {
    return c < 128 ? (c == ' ' || (c >= 9 && c <= 13) || (c >= 28 && c <= 31))
                   : Py_UNICODE_ISSPACE(c);
}
static inline int c_alnum(Py_UCS4 c) {
    return c < 128 ? (((c | 32) >= 'a' && (c | 32) <= 'z') || (c >= '0' && c <= '9'))
                   : Py_UNICODE_ISALNUM(c);
}
static inline int is_word(Py_UCS4 c) { return c == '_' || c_alnum(c); }

/* Word flags by the hash of the word's key: an open-addressing table built from the
 * flags dict at each line_shape call (a few hundred words). */
#define WT_SIZE 2048
typedef struct {
    uint64_t key[WT_SIZE];
    long flags[WT_SIZE];
} WordTable;

static inline uint64_t mix(uint64_t h, Py_UCS4 c) { return (h ^ c) * 0x100000001b3ULL; }

static int wt_build(WordTable *t, PyObject *dict) {
    memset(t->key, 0, sizeof t->key);
    if (PyDict_GET_SIZE(dict) > WT_SIZE / 2) {
        PyErr_SetString(PyExc_ValueError, "line_shape: too many listed words");
        return -1;
    }
    Py_ssize_t pos = 0;
    PyObject *k, *v;
    while (PyDict_Next(dict, &pos, &k, &v)) {
        if (!PyUnicode_Check(k) || !PyLong_Check(v)) {
            PyErr_SetString(PyExc_TypeError, "line_shape: flags must map str to int");
            return -1;
        }
        int kind = PyUnicode_KIND(k);
        const void *d = PyUnicode_DATA(k);
        uint64_t h = 0xcbf29ce484222325ULL;
        for (Py_ssize_t i = 0; i < PyUnicode_GET_LENGTH(k); i++)
            h = mix(h, PyUnicode_READ(kind, d, i));
        if (!h) h = 1;
        size_t i = (size_t)(h ^ (h >> 31)) & (WT_SIZE - 1);
        while (t->key[i] && t->key[i] != h) i = (i + 1) & (WT_SIZE - 1);
        t->key[i] = h;
        t->flags[i] = PyLong_AsLong(v);
        if (t->flags[i] == -1 && PyErr_Occurred()) return -1;
    }
    return 0;
}

/* The word's key: stripped of KEY_STRIP at both ends, ASCII letters lowered; its flags
 * (0 when not listed). */
static long word_flags(int kind, const void *data, Py_ssize_t a, Py_ssize_t b,
                       const WordTable *t) {
    while (a < b && is_in(PyUnicode_READ(kind, data, a), KEY_STRIP)) a++;
    while (b > a && is_in(PyUnicode_READ(kind, data, b - 1), KEY_STRIP)) b--;
    if (a >= b || b - a > 40) return 0; /* no listed word is longer */
    uint64_t h = 0xcbf29ce484222325ULL;
    for (Py_ssize_t i = a; i < b; i++) h = mix(h, ascii_lower(PyUnicode_READ(kind, data, i)));
    if (!h) h = 1;
    size_t i = (size_t)(h ^ (h >> 31)) & (WT_SIZE - 1);
    while (t->key[i]) {
        if (t->key[i] == h) return t->flags[i];
        i = (i + 1) & (WT_SIZE - 1);
    }
    return 0;
}

/* Does a sentence break of the `_SENT_BREAK` pattern ([.!?]["'’”)]?\s+["“‘(]?[A-Z]) start
 * at i (a '.', '!' or '?')? Returns the index after it, or 0. */
static Py_ssize_t sent_break_at(int kind, const void *d, Py_ssize_t i, Py_ssize_t b) {
    Py_ssize_t j = i + 1;
    if (j < b && is_in(PyUnicode_READ(kind, d, j), BRK_QUOTE)) {
        Py_ssize_t k = j + 1;
        if (k < b && c_space(PyUnicode_READ(kind, d, k))) j = k;
    }
    if (!(j < b && c_space(PyUnicode_READ(kind, d, j)))) return 0;
    while (j < b && c_space(PyUnicode_READ(kind, d, j))) j++;
    if (j < b && is_in(PyUnicode_READ(kind, d, j), BRK_OPEN)) j++;
    if (j < b) {
        Py_UCS4 e = PyUnicode_READ(kind, d, j);
        if (e >= 'A' && e <= 'Z') return j + 1;
    }
    return 0;
}

static const char *ABBREV[] = {"mr", "mrs", "ms", "dr", "st", "jr", "sr", "no", "vs", "gov",
                               "sen", "rep", "gen", "lt", "col", "sgt", "inc", "co", "corp",
                               "ltd", "prof", "rev", "jan", "feb", "mar", "apr", "jun", "jul",
                               "aug", "sep", "sept", "oct", "nov", "dec", "ft", "mt", NULL};

/* lines.sentence_breaks: breaks of `(\S*?)[.!?]['"’”]?\s+[A-Z“"‘]` whose word before the
 * stop (lstripped of quotes) has no full stop, is longer than one character and is no
 * listed abbreviation. */
static int headline_breaks(int kind, const void *d, Py_ssize_t a, Py_ssize_t b) {
    int n = 0;
    Py_ssize_t pos = a, q = a;
    while (q < b) {
        Py_UCS4 c = PyUnicode_READ(kind, d, q);
        if (c != '.' && c != '!' && c != '?') {
            q++;
            continue;
        }
        Py_ssize_t j = q + 1;
        if (j < b && is_in(PyUnicode_READ(kind, d, j), HB_QUOTE)) {
            Py_ssize_t k = j + 1;
            if (k < b && c_space(PyUnicode_READ(kind, d, k))) j = k;
        }
        if (!(j < b && c_space(PyUnicode_READ(kind, d, j)))) {
            q++;
            continue;
        }
        while (j < b && c_space(PyUnicode_READ(kind, d, j))) j++;
        if (!(j < b)) break;
        Py_UCS4 e = PyUnicode_READ(kind, d, j);
        if (!((e >= 'A' && e <= 'Z') || is_in(e, HB_OPEN))) {
            q++;
            continue;
        }
        /* a match: the word runs from the start of the non-space run (not before pos) */
        Py_ssize_t s = q;
        while (s > pos && !c_space(PyUnicode_READ(kind, d, s - 1))) s--;
        while (s < q && is_in(PyUnicode_READ(kind, d, s), HB_LSTRIP)) s++;
        int counted = 1;
        Py_ssize_t len = q - s;
        if (len <= 1) counted = 0;
        for (Py_ssize_t t = s; counted && t < q; t++)
            if (PyUnicode_READ(kind, d, t) == '.') counted = 0;
        if (counted && len <= 4) {
            char w[5];
            int ascii = 1;
            for (Py_ssize_t t = 0; t < len; t++) {
                Py_UCS4 ch = ascii_lower(PyUnicode_READ(kind, d, s + t));
                if (ch > 127 || ch == 0) ascii = 0; /* (a NUL would end the C string) */
                w[t] = (char)ch;
            }
            w[len] = 0;
            if (ascii)
                for (const char **ab = ABBREV; *ab; ab++)
                    if (strcmp(*ab, w) == 0) counted = 0;
        }
        n += counted;
        pos = j + 1;
        q = j + 1;
    }
    return n;
}

/* line_shape(lines, flags, out): the NSHAPE shape features of each line into out (float64,
 * row-major); `flags` maps a word key to 1 (function word) | 2 (credit word) | 4 (month). */
static PyObject *line_shape(PyObject *self, PyObject *args) {
    PyObject *lines, *flags, *oout;
    if (!PyArg_ParseTuple(args, "O!O!O", &PyList_Type, &lines, &PyDict_Type, &flags, &oout))
        return NULL;
    Py_buffer bout;
    if (get_buffer_of("line_shape", oout, &bout, 1, 8, "out") < 0) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(lines);
    if (bout.len / 8 != n * NSHAPE) {
        PyBuffer_Release(&bout);
        PyErr_SetString(PyExc_ValueError, "line_shape: out does not fit the lines");
        return NULL;
    }
    double *out = bout.buf;
    WordTable *table = PyMem_Malloc(sizeof(WordTable));
    if (!table) {
        PyBuffer_Release(&bout);
        return PyErr_NoMemory();
    }
    if (wt_build(table, flags) < 0) {
        PyMem_Free(table);
        PyBuffer_Release(&bout);
        return NULL;
    }
    for (Py_ssize_t r = 0; r < n; r++) {
        PyObject *line = PyList_GET_ITEM(lines, r);
        if (!PyUnicode_Check(line)) {
            PyMem_Free(table);
            PyBuffer_Release(&bout);
            PyErr_SetString(PyExc_TypeError, "line_shape needs a list of str");
            return NULL;
        }
        int kind = PyUnicode_KIND(line);
        const void *d = PyUnicode_DATA(line);
        Py_ssize_t a = 0, b = PyUnicode_GET_LENGTH(line);
        while (a < b && c_space(PyUnicode_READ(kind, d, a))) a++;
        while (b > a && c_space(PyUnicode_READ(kind, d, b - 1))) b--;
        Py_ssize_t len = b - a;
        long letters = 0, upper = 0, digits = 0, punct = 0, commas = 0, seps = 0, parens = 0;
        long breaks = 0;
        Py_ssize_t resume = a; /* findall goes on after a break's end */
        int quote = 0, time_ = 0, year = 0, url = 0;
        for (Py_ssize_t i = a; i < b; i++) {
            Py_UCS4 c = PyUnicode_READ(kind, d, i);
            if (c_alpha(c)) {
                letters++;
                if (c_upper(c)) upper++;
            } else if (c_digit(c)) {
                digits++;
            } else if (!c_space(c)) {
                punct++;
            }
            if (c < 128) {
                switch (c) {
                case ',': commas++; break;
                case '(': parens++; break;
                case '|': case '/': case '>': seps++; break;
                case '"': quote = 1; break;
                case '@': url = 1; break;
                case '.': case '!': case '?':
                    if (i >= resume) {
                        Py_ssize_t e = sent_break_at(kind, d, i, b);
                        if (e) {
                            breaks++;
                            resume = e;
                        }
                    }
                    break;
                default: break;
                }
            } else {
                if (is_in(c, SEPS)) seps++;
                if (is_in(c, HAS_QUOTE)) quote = 1;
            }
            if (c_decimal(c)) {
                /* time: \d:\d\d  or  \d ?[ap]\.?m(?!\w) */
                if (i + 3 < b && PyUnicode_READ(kind, d, i + 1) == ':' &&
                    c_decimal(PyUnicode_READ(kind, d, i + 2)) &&
                    c_decimal(PyUnicode_READ(kind, d, i + 3)))
                    time_ = 1;
                Py_ssize_t j = i + 1;
                if (j < b && PyUnicode_READ(kind, d, j) == ' ') j++;
                if (j < b) {
                    Py_UCS4 ap = ascii_lower(PyUnicode_READ(kind, d, j));
                    if (ap == 'a' || ap == 'p') {
                        Py_ssize_t k = j + 1;
                        if (k < b && PyUnicode_READ(kind, d, k) == '.') k++;
                        if (k < b && ascii_lower(PyUnicode_READ(kind, d, k)) == 'm' &&
                            (k + 1 >= b || !is_word(PyUnicode_READ(kind, d, k + 1))))
                            time_ = 1;
                        /* (a 'm' right after the first letter is tried too: "5.m" never) */
                    }
                }
                /* year: (?<!\w)(19|20)\d\d(?!\w) */
                if (i + 3 < b && (i == a || !is_word(PyUnicode_READ(kind, d, i - 1)))) {
                    Py_UCS4 c1 = PyUnicode_READ(kind, d, i + 1);
                    if (((c == '1' && c1 == '9') || (c == '2' && c1 == '0')) &&
                        c_decimal(PyUnicode_READ(kind, d, i + 2)) &&
                        c_decimal(PyUnicode_READ(kind, d, i + 3)) &&
                        (i + 4 >= b || !is_word(PyUnicode_READ(kind, d, i + 4))))
                        year = 1;
                }
            }
            /* url: http / www. / .com (ASCII letters in any case) */
            Py_UCS4 lc = ascii_lower(c);
            if (!url && (lc == 'h' || lc == 'w' || lc == '.')) {
                static const char *needles[] = {"http", "www.", ".com", NULL};
                for (const char **nd = needles; *nd && !url; nd++) {
                    Py_ssize_t m = (Py_ssize_t)strlen(*nd);
                    if (i + m > b) continue;
                    int ok = 1;
                    for (Py_ssize_t t = 0; t < m && ok; t++)
                        if (ascii_lower(PyUnicode_READ(kind, d, i + t)) != (Py_UCS4)(*nd)[t])
                            ok = 0;
                    url = ok;
                }
            }
        }
        /* words */
        long nw = 0, cap = 0, low = 0, caps = 0, func = 0, credit = 0, month = 0;
        Py_ssize_t first_a = -1, last_b = -1, collapsed = 0;
        Py_ssize_t i = a;
        while (i < b) {
            while (i < b && c_space(PyUnicode_READ(kind, d, i))) i++;
            if (i >= b) break;
            Py_ssize_t ws = i;
            while (i < b && !c_space(PyUnicode_READ(kind, d, i))) i++;
            Py_ssize_t we = i;
            nw++;
            if (first_a < 0) first_a = ws;
            last_b = we;
            collapsed += (we - ws) + (nw > 1);
            Py_ssize_t s = ws;
            while (s < we && is_in(PyUnicode_READ(kind, d, s), LEAD_STRIP)) s++;
            if (s < we) {
                Py_UCS4 c = PyUnicode_READ(kind, d, s);
                if (c_upper(c)) {
                    cap++;
                    if (we - ws > 1) {
                        int cased = 0, lowered = 0, alpha = 0;
                        for (Py_ssize_t t = ws; t < we; t++) {
                            Py_UCS4 ch = PyUnicode_READ(kind, d, t);
                            if (c_upper(ch)) cased = 1;
                            else if (c_lower(ch) || Py_UNICODE_ISTITLE(ch))
                                lowered = 1;
                            if (c_alpha(ch)) alpha++;
                        }
                        if (cased && !lowered && alpha >= 2) caps++;
                    }
                } else if (c_lower(c)) {
                    low++;
                }
            }
            long f = word_flags(kind, d, ws, we, table);
            func += (f & 1) != 0;
            credit += (f & 2) != 0;
            month |= (f & 4) != 0;
        }
        Py_UCS4 first = len ? PyUnicode_READ(kind, d, a) : 0;
        Py_UCS4 lastc = len ? PyUnicode_READ(kind, d, b - 1) : 0;
        Py_ssize_t e = b;
        while (e > a && is_in(PyUnicode_READ(kind, d, e - 1), END_CLOSE)) e--;
        int ends = e > a && is_in(PyUnicode_READ(kind, d, e - 1), END_PUNCT);
        int headline = 0;
        if (nw >= 2 && nw <= 25 && collapsed <= 200 &&
            !is_in(PyUnicode_READ(kind, d, first_a), HEAD_BAD_FIRST) &&
            !is_in(PyUnicode_READ(kind, d, last_b - 1), HEAD_BAD_LAST) &&
            !(PyUnicode_READ(kind, d, last_b - 1) == '.' && nw >= 16))
            headline = headline_breaks(kind, d, a, b) == 0;
        double inv = 1.0 / (nw > 1 ? nw : 1), invn = 1.0 / (len > 1 ? len : 1);
        double *o = out + r * NSHAPE;
        o[0] = log1p((double)len);
        o[1] = (double)nw;
        o[2] = letters * invn;
        o[3] = (double)upper / (letters > 1 ? letters : 1);
        o[4] = digits * invn;
        o[5] = punct * invn;
        o[6] = cap * inv;
        o[7] = low * inv;
        o[8] = caps * inv;
        o[9] = func * inv;
        o[10] = (double)letters / (nw > 1 ? nw : 1);
        o[11] = (double)commas;
        o[12] = (double)breaks;
        o[13] = ends;
        o[14] = lastc == ':';
        o[15] = len && c_lower(first);
        o[16] = len && c_digit(first);
        o[17] = len && !c_alnum(first) && !is_in(first, QUOTES_START);
        o[18] = len && is_in(first, QUOTES_START);
        o[19] = quote;
        o[20] = (double)seps;
        o[21] = time_;
        o[22] = month && digits > 0;
        o[23] = year;
        o[24] = url;
        o[25] = (double)credit;
        o[26] = (double)parens;
        o[27] = len && (first == '(' || first == '[') && (lastc == ')' || lastc == ']');
        o[28] = nw >= 2 && nw <= 4 && cap == nw && punct <= 1 && digits == 0;
        o[29] = headline;
    }
    PyMem_Free(table);
    PyBuffer_Release(&bout);
    Py_RETURN_NONE;
}

/* ---------------------------------------------------------------- template_keys */

/* template_keys(lines) -> list[str | None]: lines.template_key of each line. */
static PyObject *template_keys(PyObject *self, PyObject *arg) {
    if (!PyList_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "template_keys needs a list of str");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(arg);
    PyObject *result = PyList_New(n);
    if (!result) return NULL;
    Py_UCS4 *buf = NULL;
    Py_ssize_t cap = 0;
    for (Py_ssize_t r = 0; r < n; r++) {
        PyObject *line = PyList_GET_ITEM(arg, r);
        if (!PyUnicode_Check(line)) {
            PyErr_SetString(PyExc_TypeError, "template_keys needs a list of str");
            goto fail;
        }
        int kind = PyUnicode_KIND(line);
        const void *d = PyUnicode_DATA(line);
        Py_ssize_t len = PyUnicode_GET_LENGTH(line);
        if (len + 1 > cap) {
            cap = 2 * (len + 1);
            PyMem_Free(buf);
            buf = PyMem_Malloc(cap * sizeof(Py_UCS4));
            if (!buf) {
                PyErr_NoMemory();
                goto fail;
            }
        }
        /* count words first: more than 25 gives None */
        Py_ssize_t nw = 0;
        for (Py_ssize_t i = 0; i < len;) {
            while (i < len && c_space(PyUnicode_READ(kind, d, i))) i++;
            if (i >= len) break;
            nw++;
            while (i < len && !c_space(PyUnicode_READ(kind, d, i))) i++;
        }
        PyObject *key = NULL;
        if (nw > 0 && nw <= 25) {
            Py_ssize_t o = 0, k = 0;
            Py_UCS4 last_tok = 0; /* 'C' or '0' when the last token was that slot */
            for (Py_ssize_t i = 0; i < len; k++) {
                while (i < len && c_space(PyUnicode_READ(kind, d, i))) i++;
                if (i >= len) break;
                Py_ssize_t ws = i;
                while (i < len && !c_space(PyUnicode_READ(kind, d, i))) i++;
                Py_ssize_t s = ws, e = i;
                while (s < e && !c_alnum(PyUnicode_READ(kind, d, s))) s++;
                while (e > s && !c_alnum(PyUnicode_READ(kind, d, e - 1))) e--;
                if (s >= e) continue;
                int digit = 0;
                for (Py_ssize_t t = s; t < e; t++)
                    if (c_digit(PyUnicode_READ(kind, d, t))) digit = 1;
                Py_UCS4 slot = 0;
                if (digit) slot = '0';
                else if (k > 0 && c_upper(PyUnicode_READ(kind, d, s))) slot = 'C';
                if (slot && last_tok == slot) continue;
                if (o) buf[o++] = ' ';
                if (slot) {
                    buf[o++] = slot;
                } else {
                    for (Py_ssize_t t = s; t < e; t++) {
                        Py_UCS4 c = ascii_lower(PyUnicode_READ(kind, d, t));
                        buf[o++] = c;
                    }
                }
                last_tok = slot;
            }
            if (o) {
                key = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, o);
                if (!key) goto fail;
            }
        }
        if (!key) {
            Py_INCREF(Py_None);
            key = Py_None;
        }
        PyList_SET_ITEM(result, r, key);
    }
    PyMem_Free(buf);
    return result;
fail:
    PyMem_Free(buf);
    Py_DECREF(result);
    return NULL;
}

/* ---------------------------------------------------------------- token_overlaps */

typedef struct {
    uint64_t *keys; /* 0 = empty (a hash of 0 is taken as 1) */
    int32_t *counts;
    Py_ssize_t mask;
} HSet;

static int hset_init(HSet *s, Py_ssize_t want) {
    Py_ssize_t size = 16;
    while (size < 2 * want + 16) size <<= 1;
    s->keys = PyMem_Calloc(size, sizeof(uint64_t));
    s->counts = PyMem_Calloc(size, sizeof(int32_t));
    s->mask = size - 1;
    if (!s->keys || !s->counts) {
        PyMem_Free(s->keys);
        PyMem_Free(s->counts);
        s->keys = NULL; /* the caller frees the set on its error path too */
        s->counts = NULL;
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

static void hset_free(HSet *s) {
    PyMem_Free(s->keys);
    PyMem_Free(s->counts);
    s->keys = NULL;
    s->counts = NULL;
}

/* the slot of key (inserting it when add), or -1 when absent */
static Py_ssize_t hset_slot(HSet *s, uint64_t key, int add) {
    Py_ssize_t i = (Py_ssize_t)(key ^ (key >> 29)) & s->mask;
    while (s->keys[i]) {
        if (s->keys[i] == key) return i;
        i = (i + 1) & s->mask;
    }
    if (!add) return -1;
    s->keys[i] = key;
    return i;
}

/* The tokens of text[a:b): maximal runs of alphanumeric characters. For each: its hash,
 * whether it is a content word (more than two characters, not all digits, not a stop
 * word). Appends to hashes/content (capacity checked by the caller: at most b - a). */
static Py_ssize_t tokens_of(int kind, const void *d, Py_ssize_t a, Py_ssize_t b,
                            HSet *stop, uint64_t *hashes, char *content) {
    Py_ssize_t n = 0, i = a;
    while (i < b) {
        while (i < b && !c_alnum(PyUnicode_READ(kind, d, i))) i++;
        if (i >= b) break;
        Py_ssize_t s = i;
        uint64_t h = 1469598103934665603ULL;
        int digits = 1;
        while (i < b) {
            Py_UCS4 c = PyUnicode_READ(kind, d, i);
            if (!c_alnum(c)) break;
            if (!c_digit(c)) digits = 0;
            h = mix(h, ascii_lower(c));
            i++;
        }
        if (!h) h = 1;
        hashes[n] = h;
        content[n] = (i - s) > 2 && !digits && hset_slot(stop, h, 0) < 0;
        n++;
    }
    return n;
}

static uint64_t hash_str(PyObject *s) {
    int kind = PyUnicode_KIND(s);
    const void *d = PyUnicode_DATA(s);
    uint64_t h = 1469598103934665603ULL;
    for (Py_ssize_t i = 0; i < PyUnicode_GET_LENGTH(s); i++)
        h = mix(h, ascii_lower(PyUnicode_READ(kind, d, i)));
    return h ? h : 1;
}

/* A document's tokens, made once and read by several token_overlaps calls. */
typedef struct {
    Py_ssize_t n;
    Py_ssize_t *start; /* n + 1: line r's tokens are start[r] .. start[r + 1] - 1 */
    uint64_t *hashes;
    char *content;
} Tok;

static void tok_free(Tok *t) {
    if (!t) return;
    PyMem_Free(t->start);
    PyMem_Free(t->hashes);
    PyMem_Free(t->content);
    PyMem_Free(t);
}

static void tok_capsule_free(PyObject *cap) {
    tok_free(PyCapsule_GetPointer(cap, "newsclean.tokens"));
}

static int stop_set(PyObject *stopwords, HSet *stop) {
    if (!PyTuple_Check(stopwords)) {
        PyErr_SetString(PyExc_TypeError, "stop words must be a tuple of str");
        return -1;
    }
    if (hset_init(stop, PyTuple_GET_SIZE(stopwords)) < 0) return -1;
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(stopwords); k++) {
        PyObject *w = PyTuple_GET_ITEM(stopwords, k);
        if (!PyUnicode_Check(w)) {
            PyErr_SetString(PyExc_TypeError, "stop words must be str");
            return -1;
        }
        hset_slot(stop, hash_str(w), 1);
    }
    return 0;
}

static Tok *tokenize_lines(PyObject *lines, HSet *stop) {
    if (!PyList_Check(lines)) {
        PyErr_SetString(PyExc_TypeError, "tokens need a list of str");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(lines), total = 0;
    for (Py_ssize_t r = 0; r < n; r++) {
        PyObject *t = PyList_GET_ITEM(lines, r);
        if (!PyUnicode_Check(t)) {
            PyErr_SetString(PyExc_TypeError, "tokens need a list of str");
            return NULL;
        }
        total += PyUnicode_GET_LENGTH(t);
    }
    Tok *tok = PyMem_Calloc(1, sizeof(Tok));
    if (!tok) return (Tok *)PyErr_NoMemory();
    tok->n = n;
    tok->start = PyMem_Malloc((n + 1) * sizeof(Py_ssize_t));
    tok->hashes = PyMem_Malloc((total + 1) * sizeof(uint64_t));
    tok->content = PyMem_Malloc(total + 1);
    if (!tok->start || !tok->hashes || !tok->content) {
        tok_free(tok);
        return (Tok *)PyErr_NoMemory();
    }
    Py_ssize_t at = 0;
    for (Py_ssize_t r = 0; r < n; r++) {
        PyObject *t = PyList_GET_ITEM(lines, r);
        tok->start[r] = at;
        at += tokens_of(PyUnicode_KIND(t), PyUnicode_DATA(t), 0, PyUnicode_GET_LENGTH(t), stop,
                        tok->hashes + at, tok->content + at);
    }
    tok->start[n] = at;
    return tok;
}

/* tokenize(lines, stop) -> capsule: the lines' tokens, for token_overlaps. */
static PyObject *tokenize(PyObject *self, PyObject *args) {
    PyObject *lines, *stopwords;
    if (!PyArg_ParseTuple(args, "OO", &lines, &stopwords)) return NULL;
    HSet stop = {0};
    Tok *tok = NULL;
    PyObject *cap = NULL;
    if (stop_set(stopwords, &stop) == 0 && (tok = tokenize_lines(lines, &stop)) != NULL) {
        cap = PyCapsule_New(tok, "newsclean.tokens", tok_capsule_free);
        if (!cap) tok_free(tok);
    }
    hset_free(&stop);
    return cap;
}

/* token_overlaps(tokens, mask, refs, stop, out): per line, with t its token set and c
 * its content-word set (lines.token_overlaps defines them; `tokens` is the capsule of
 * tokenize or the list of lines itself): column 0, the share of c found in the content
 * words of the other masked lines (a line's own words count once, and not for itself);
 * then per ref text R (tokens T, content words C): |t & T| / |t|, |t & T| / |T|,
 * |c & C| / |c| (0 where a set is empty). out: float64, row-major. */
static PyObject *token_overlaps(PyObject *self, PyObject *args) {
    PyObject *src, *mask, *refs, *stopwords, *oout;
    if (!PyArg_ParseTuple(args, "OOO!O!O", &src, &mask, &PyList_Type, &refs, &PyTuple_Type,
                          &stopwords, &oout))
        return NULL;
    Py_buffer bmask, bout;
    if (PyObject_GetBuffer(mask, &bmask, PyBUF_C_CONTIGUOUS) < 0) return NULL;
    if (get_buffer_of("token_overlaps", oout, &bout, 1, 8, "out") < 0) {
        PyBuffer_Release(&bmask);
        return NULL;
    }
    Py_ssize_t nref = PyList_GET_SIZE(refs);
    Py_ssize_t ncol = 1 + 3 * nref;
    PyObject *result = NULL;
    HSet stop = {0}, pool = {0}, seen = {0};
    HSet *rt = NULL, *rc = NULL;
    Py_ssize_t *rt_n = NULL, *rc_n = NULL;
    uint64_t *rhash = NULL;
    char *rcont = NULL;
    Tok *own = NULL, *tok = NULL;
    if (stop_set(stopwords, &stop) < 0) goto done;
    if (PyCapsule_CheckExact(src)) {
        tok = PyCapsule_GetPointer(src, "newsclean.tokens");
        if (!tok) goto done;
    } else {
        own = tok = tokenize_lines(src, &stop);
        if (!tok) goto done;
    }
    Py_ssize_t n = tok->n;
    if (bmask.len != n || bout.len / 8 != n * ncol) {
        PyErr_SetString(PyExc_ValueError, "token_overlaps: mask or out do not fit the lines");
        goto done;
    }
    if (nref > 64) {
        PyErr_SetString(PyExc_ValueError, "token_overlaps: at most 64 refs");
        goto done;
    }
    Py_ssize_t longest = 0;
    for (Py_ssize_t k = 0; k < nref; k++) {
        PyObject *t = PyList_GET_ITEM(refs, k);
        if (!PyUnicode_Check(t)) {
            PyErr_SetString(PyExc_TypeError, "token_overlaps: refs must be str");
            goto done;
        }
        if (PyUnicode_GET_LENGTH(t) > longest) longest = PyUnicode_GET_LENGTH(t);
    }
    rhash = PyMem_Malloc((longest + 1) * sizeof(uint64_t));
    rcont = PyMem_Malloc(longest + 1);
    rt = PyMem_Calloc(nref + 1, sizeof(HSet));
    rc = PyMem_Calloc(nref + 1, sizeof(HSet));
    rt_n = PyMem_Calloc(nref + 1, sizeof(Py_ssize_t));
    rc_n = PyMem_Calloc(nref + 1, sizeof(Py_ssize_t));
    if (!rhash || !rcont || !rt || !rc || !rt_n || !rc_n) {
        PyErr_NoMemory();
        goto done;
    }
    /* the refs' token and content sets */
    for (Py_ssize_t k = 0; k < nref; k++) {
        PyObject *t = PyList_GET_ITEM(refs, k);
        Py_ssize_t m = tokens_of(PyUnicode_KIND(t), PyUnicode_DATA(t), 0,
                                 PyUnicode_GET_LENGTH(t), &stop, rhash, rcont);
        if (hset_init(&rt[k], m) < 0 || hset_init(&rc[k], m) < 0) goto done;
        for (Py_ssize_t j = 0; j < m; j++) {
            Py_ssize_t sl = hset_slot(&rt[k], rhash[j], 1);
            if (!rt[k].counts[sl]++) rt_n[k]++;
            if (rcont[j]) {
                sl = hset_slot(&rc[k], rhash[j], 1);
                if (!rc[k].counts[sl]++) rc_n[k]++;
            }
        }
    }
    const Py_ssize_t *start = tok->start;
    const uint64_t *hashes = tok->hashes;
    const char *content = tok->content;
    Py_ssize_t at = start[n];
    if (hset_init(&pool, at) < 0 || hset_init(&seen, at) < 0) goto done;
    const unsigned char *m = bmask.buf;
    /* `seen` stamps each token with the number (+1) of the last line it was met in, so
     * that a line's repeated words count once */
    for (Py_ssize_t r = 0; r < n; r++) {
        if (!m[r]) continue;
        for (Py_ssize_t j = start[r]; j < start[r + 1]; j++) {
            Py_ssize_t sl = hset_slot(&seen, hashes[j], 1);
            if (seen.counts[sl] == (int32_t)(r + 1)) continue;
            seen.counts[sl] = (int32_t)(r + 1);
            if (content[j]) pool.counts[hset_slot(&pool, hashes[j], 1)]++;
        }
    }
    memset(seen.counts, 0, (seen.mask + 1) * sizeof(int32_t));
    double *out = bout.buf;
    for (Py_ssize_t r = 0; r < n; r++) {
        double *o = out + r * ncol;
        Py_ssize_t nt = 0, nc = 0, coh = 0, tt[64], cc[64];
        for (Py_ssize_t k = 0; k < nref; k++) tt[k] = cc[k] = 0;
        for (Py_ssize_t j = start[r]; j < start[r + 1]; j++) {
            Py_ssize_t sl = hset_slot(&seen, hashes[j], 1);
            if (seen.counts[sl] == (int32_t)(r + 1)) continue; /* met before in the line */
            seen.counts[sl] = (int32_t)(r + 1);
            nt++;
            for (Py_ssize_t k = 0; k < nref; k++)
                if (hset_slot(&rt[k], hashes[j], 0) >= 0) tt[k]++;
            if (!content[j]) continue;
            nc++;
            Py_ssize_t ps = hset_slot(&pool, hashes[j], 0);
            long cnt = ps >= 0 ? pool.counts[ps] : 0;
            if (cnt - (m[r] ? 1 : 0) > 0) coh++;
            for (Py_ssize_t k = 0; k < nref; k++)
                if (hset_slot(&rc[k], hashes[j], 0) >= 0) cc[k]++;
        }
        o[0] = nc ? (double)coh / nc : 0.0;
        for (Py_ssize_t k = 0; k < nref; k++) {
            o[1 + 3 * k] = nt && rt_n[k] ? (double)tt[k] / nt : 0.0;
            o[2 + 3 * k] = nt && rt_n[k] ? (double)tt[k] / rt_n[k] : 0.0;
            o[3 + 3 * k] = nc && rc_n[k] ? (double)cc[k] / nc : 0.0;
        }
    }
    Py_INCREF(Py_None);
    result = Py_None;
done:
    if (rt)
        for (Py_ssize_t k = 0; k < nref; k++) hset_free(&rt[k]);
    if (rc)
        for (Py_ssize_t k = 0; k < nref; k++) hset_free(&rc[k]);
    PyMem_Free(rt);
    PyMem_Free(rc);
    PyMem_Free(rt_n);
    PyMem_Free(rc_n);
    PyMem_Free(rhash);
    PyMem_Free(rcont);
    hset_free(&stop);
    hset_free(&pool);
    hset_free(&seen);
    tok_free(own);
    PyBuffer_Release(&bmask);
    PyBuffer_Release(&bout);
    return result;
}

/* ---------------------------------------------------------------- max_runs */

/* max_runs(score, starts, lo, hi): for each page k (score[starts[k]:starts[k + 1]], the
 * last to the end; starts int32, increasing, the first 0), the run lo[k]..hi[k] (inclusive,
 * page-relative) of largest sum, as lines._max_subarray finds it: prefix sums added left to
 * right (as numpy's cumsum), the first end of largest gain, and the latest start at or
 * before it where the prefix sum is at its minimum. */
static PyObject *max_runs(PyObject *self, PyObject *args) {
    PyObject *os, *ost, *olo, *ohi;
    if (!PyArg_ParseTuple(args, "OOOO", &os, &ost, &olo, &ohi)) return NULL;
    Py_buffer bs, bst, blo, bhi;
    if (get_buffer_of("max_runs", os, &bs, 0, 8, "score") < 0) return NULL;
    if (get_buffer_of("max_runs", ost, &bst, 0, 4, "starts") < 0) {
        PyBuffer_Release(&bs);
        return NULL;
    }
    if (get_buffer_of("max_runs", olo, &blo, 1, 4, "lo") < 0) {
        PyBuffer_Release(&bs);
        PyBuffer_Release(&bst);
        return NULL;
    }
    if (get_buffer_of("max_runs", ohi, &bhi, 1, 4, "hi") < 0) {
        PyBuffer_Release(&bs);
        PyBuffer_Release(&bst);
        PyBuffer_Release(&blo);
        return NULL;
    }
    PyObject *result = NULL;
    double *prefix = NULL;
    Py_ssize_t n = bs.len / 8, pages = bst.len / 4;
    const double *score = bs.buf;
    const int32_t *starts = bst.buf;
    int32_t *lo_out = blo.buf, *hi_out = bhi.buf;
    if (blo.len / 4 != pages || bhi.len / 4 != pages || n > INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "max_runs: array sizes do not fit together");
        goto done;
    }
    for (Py_ssize_t k = 0; k < pages; k++) {
        Py_ssize_t a = starts[k], b = k + 1 < pages ? starts[k + 1] : n;
        if ((k == 0 && a != 0) || a < 0 || b <= a || b > n) {
            PyErr_SetString(PyExc_ValueError, "max_runs: page starts do not cut the scores");
            goto done;
        }
    }
    prefix = PyMem_Malloc((size_t)(n + 1) * sizeof(double));
    if (prefix == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t k = 0; k < pages; k++) {
        Py_ssize_t a = starts[k], b = k + 1 < pages ? starts[k + 1] : n, m = b - a;
        double low = 0.0, best = 0.0;
        Py_ssize_t hi = -1;
        prefix[0] = 0.0;
        for (Py_ssize_t i = 0; i < m; i++) {
            prefix[i + 1] = prefix[i] + score[a + i];
            if (prefix[i] < low) low = prefix[i]; /* min of prefix[0..i] */
            double gain = prefix[i + 1] - low;
            if (hi < 0 || gain > best) {
                best = gain;
                hi = i;
            }
        }
        /* the minimum of prefix[0..hi], and the last place it is reached */
        double at_min = prefix[0];
        for (Py_ssize_t i = 1; i <= hi; i++)
            if (prefix[i] < at_min) at_min = prefix[i];
        Py_ssize_t lo = hi;
        while (lo > 0 && prefix[lo] != at_min) lo--;
        lo_out[k] = (int32_t)lo;
        hi_out[k] = (int32_t)hi;
    }
    Py_INCREF(Py_None);
    result = Py_None;
done:
    PyMem_Free(prefix);
    PyBuffer_Release(&bs);
    PyBuffer_Release(&bst);
    PyBuffer_Release(&blo);
    PyBuffer_Release(&bhi);
    return result;
}

static PyMethodDef methods[] = {
    {"max_runs", max_runs, METH_VARARGS, "max_runs(score, starts, lo, hi) -> None"},
    {"token_overlaps", token_overlaps, METH_VARARGS,
     "token_overlaps(lines_or_tokens, mask, refs, stop, out) -> None"},
    {"tokenize", tokenize, METH_VARARGS, "tokenize(lines, stop) -> capsule"},
    {"tree_raw", tree_raw, METH_VARARGS,
     "tree_raw(x, ncols, feature, threshold, left, right, value, roots, out) -> None"},
    {"line_shape", line_shape, METH_VARARGS, "line_shape(lines, flags, out) -> None"},
    {"template_keys", template_keys, METH_O, "template_keys(lines) -> list[str | None]"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_lines", "Compiled inner loops of newsclean's line model.", -1,
    methods,
};

PyMODINIT_FUNC PyInit__lines(void) { return PyModule_Create(&module); }
