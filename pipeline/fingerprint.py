"""Stage 5, fingerprint: an exact content hash and a two-part MinHash signature per article.

The signature is `num_perm + lead_perm + second_perm` uint32 values:

- the *body* part (`num_perm` values): a MinHash of the set of the text's word n-grams,
  computed by one-permutation hashing with optimal densification (Shrivastava, ICML 2017):
  each n-gram's 64-bit hash picks one of `num_perm` bins (high bits) and competes for that
  bin's minimum (low 32 bits); an empty bin takes the value of the first non-empty bin on a
  fixed pseudo-random probe sequence. Two signatures agree in a bin with probability equal
  to the Jaccard similarity of the two n-gram sets, as with `num_perm` permutations, at the
  cost of one hash per n-gram instead of `num_perm` (datasketch has no such sketch yet:
  ekzhu/datasketch#110). A k-permutation MinHash of 600 n-grams x 128 permutations costs
  ~52 us in numpy, more than the whole budget of an article (15,000 a second);
- the *lead* part (`lead_perm` values): a datasketch "affine32" MinHash (the MurmurHash3
  finalizer, then `a*h + b mod 2^32` with datasketch's own permutations for `seed`; the
  values are bit-identical to `datasketch.MinHash(lead_perm, seed, scheme="affine32")` fed
  the same token hashes) of the set of words that open the story: the first `lead_tokens`
  words of the first paragraph with at least `lead_min_tokens` words. Copies of a story keep
  its lead (a truncated copy keeps the first paragraphs, a syndicated one only gains a
  dateline, a spun one keeps most of its words); a follow-up that reuses background
  paragraphs opens with its own lead;
- the *second* part (`second_perm` values): the first `second_perm` values of the same
  MinHash of the next such paragraph. A copy with a paragraph put above its story's lead
  (an update's new paragraph, a line of page chrome) has the story's lead there.
`pipeline.cluster` uses all three.

Tokens are runs of letters and digits (ASCII a-z 0-9 and any non-ASCII character except
the typographic punctuation of U+0080-U+00BF and U+2000-U+206F: curly quotes, dashes,
no-break spaces), case-folded: quotes, punctuation and spacing do not count. Everything is
vectorised with numpy over a batch of articles (`fingerprint_articles`): the per-article
Python work is encoding the text and finding its lead paragraph. `bench/eval_cluster.py`
measures ~25,000 signatures a second of ~660-word BBC texts on one core (datasketch's
MinHash.update_batch of word 5-grams: ~1,200).

The scheme name and parameters are part of `FingerprintConfig.scheme` and are stored with
anything persisted (`pipeline.store.index_params`), so signatures of different schemes
never mix.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from pipeline.model import Article
from pipeline.native import native as _native

if TYPE_CHECKING:  # imported where used: datasketch pulls in scipy (~0.4 s per process)
    from datasketch import LeanMinHash

SCHEME = "newsclean-oph-lead-v3"
_U32 = np.uint64(0xFFFFFFFF)
_MAX32 = np.uint32(0xFFFFFFFF)


@dataclass(frozen=True, slots=True)
class FingerprintConfig:
    """How articles are fingerprinted.

    Figures: `bench/eval_cluster.py --half dev --originals 400 --exact`: exact shingle-set
    Jaccard of the cleaned texts of BBC copies (`bench/copies.py`), copy with original at
    the 1st percentile, follow-up with the story it borrows from at the maximum, 224,637
    unrelated pairs at the 99.9th percentile / maximum:

        shingles      spun   truncated   follow-up   unrelated
        words n=1     0.45     0.08        0.75      0.21 / 0.44
        words n=2     0.31     0.04        0.68      0.04 / 0.23
        words n=3     0.19     0.03        0.67      0.01 / 0.16
        words n=5     0.07     0.03        0.67      0.00 / 0.12
        chars n=5     0.40     0.05        0.72      0.15 / 0.35
        chars n=7     0.33     0.04        0.69      0.07 / 0.26
        chars n=9     0.27     0.04        0.68      0.04 / 0.22
        lead words    0.36     1.00        0.23      0.19 / 0.65

    ngram: words per body shingle. 3: the spun copies (30-35% of words swapped) must be
        LSH candidates through the body, at J >= 0.19; word 3-grams put them 19 times
        above the unrelated tail (0.01), where bigrams and character 7-grams manage 5-8
        times (0.31 over 0.04, 0.33 over 0.07): banded with two rows, bigrams would make
        ~10% of the unrelated pairs at their 99.9th percentile candidates, 3-grams 0.6%.
        At n=5 spun copies fall to 0.07, out of reach. Character n-grams also cost 5-6
        times the shingles. No shingling separates follow-ups (J up to 0.67-0.75: they
        carry half of a short original); that is the lead's job.
    num_perm: body bins. 128: Jaccard standard error ~0.035 at J=0.2-0.5.
    lead_perm: lead permutations. 64: standard error ~0.06 at J=0.36, where spun copies'
        leads start (truncated copies 1.0, updated 0.76, syndicated 0.80 at the 1st
        percentile; follow-ups at most 0.23). Single words, not n-grams: a spinner
        breaks a bigram with either of its words.
    second_perm: values kept of the second paragraph's MinHash: it is only compared with
        leads for a near-exact match (>= 0.7), which 32 values tell apart.
    lead_min_tokens: the lead is the first paragraph with at least this many words, so a
        byline or a label left above the story is not taken for its lead (a longer line of
        page chrome still is: 1% of rescraped copies on the dev set, which then match by
        their second paragraph).
    lead_tokens: words of that paragraph used (40 covers a BBC lead; a wire lead can run
        to 60).
    seed: seeds the permutations and the densification probes; part of the scheme.
    """

    ngram: int = 3
    num_perm: int = 128
    lead_perm: int = 64
    second_perm: int = 32
    lead_min_tokens: int = 8
    lead_tokens: int = 40
    seed: int = 1

    @property
    def length(self) -> int:
        """Values in one signature: the body part, the lead part, the second part."""
        return self.num_perm + self.lead_perm + self.second_perm

    @property
    def scheme(self) -> str:
        return (f"{SCHEME}:n{self.ngram}:p{self.num_perm}:l{self.lead_perm}"
                f"+{self.second_perm}/{self.lead_min_tokens}/{self.lead_tokens}:s{self.seed}")


DEFAULT_FINGERPRINT_CONFIG = FingerprintConfig()

# --------------------------------------------------------------------------- tokens

_M = [np.uint64(c) for c in (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                              0x27D4EB2F165667C5, 0x85EBCA77C2B2AE63, 0xFF51AFD7ED558CCD,
                              0xD6E8FEB86659FD93, 0xA0761D6478BD642F)]
_MASK = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [(1 << 64) - 1], dtype=np.uint64)
_FOLD = np.uint64(0x2020202020202020)
_ALL = np.uint64(0xFFFFFFFFFFFFFFFF)
_CHUNK_BYTES = 1 << 18  # fastest of 2^15 .. 2^20: the arrays stay in cache


# MurmurHash3 finalizers (shift, multiplier, shift, multiplier, shift); the 32-bit one is
# datasketch's "affine32" pre-mix
_FMIX = {np.dtype(np.uint64): (33, 0xFF51AFD7ED558CCD, 33, 0xC4CEB9FE1A85EC53, 33),
         np.dtype(np.uint32): (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)}


def _fmix(h: np.ndarray) -> np.ndarray:
    """The MurmurHash3 finalizer of h's width (a bijection that avalanches)."""
    t = h.dtype.type
    s1, m1, s2, m2, s3 = (t(c) for c in _FMIX[h.dtype])
    with np.errstate(over="ignore"):
        h = h ^ (h >> s1)
        h *= m1
        h ^= h >> s2
        h *= m2
        h ^= h >> s3
    return h


def _tokenize(docs: list[bytes]
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Token hashes (uint64) of UTF-8 documents, each token's document index, each
    document's token count, each token's byte offset and each document's byte offset in
    the documents joined by newlines. Tokens never span two documents. Case is folded by setting
    bit 0x20 of every byte of a token: ASCII and Latin-1 letters fold to lower case
    (other scripts may have two characters share a hash, which only blurs rare words).

    A token's hash mixes its length, its first 16 bytes and its last 8 bytes, read as
    little-endian words: exact for tokens of up to 24 bytes (longer ones that agree in
    those bytes and their length share a hash).
    """
    n_docs = len(docs)
    data = b"\n".join(docs)
    n = len(data)
    doc_starts = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum([len(d) + 1 for d in docs], out=doc_starts[1:])
    if n == 0:
        none = np.zeros(0, np.int64)
        return np.zeros(0, np.uint64), none, np.zeros(n_docs, np.int64), none, doc_starts
    buf = np.frombuffer(data + bytes(32), dtype=np.uint8)
    text = buf[:n]
    word = np.zeros(n + 4, dtype=bool)  # word[i + 1] is byte i; False around the text
    word[1:n + 1] = (((text | np.uint8(0x20)) - np.uint8(97)) < 26) | (
        (text - np.uint8(48)) < 10) | (text >= 0x80)
    # typographic punctuation: U+2000-U+206F is E2 80|81 xx, U+0080-U+00BF is C2 xx
    at = np.flatnonzero(text == 0xE2)
    at = at[(buf[at + 1] | 1) == 0x81] + 1
    word[at] = word[at + 1] = word[at + 2] = False
    at = np.flatnonzero(text == 0xC2) + 1
    word[at] = word[at + 1] = False
    edges = np.flatnonzero(word[1:n + 2] != word[:n + 1])
    starts, ends = edges[0::2], edges[1::2]
    # the 8 bytes from every offset, as one (unaligned) little-endian uint64 view; OR-ing
    # 0x20 into every byte of a token folds ASCII (and Latin-1) letters to lower case and
    # leaves digits as they are
    words = np.ndarray(shape=(n + 24,), dtype="<u8", buffer=buf.data, strides=(1,))
    length = ends - starts
    with np.errstate(over="ignore"):
        keep = np.right_shift(_ALL, (64 - 8 * np.minimum(length, 8)).astype(np.uint64))
        mixed = ((words[starts] | _FOLD) & keep) * _M[0] + length.astype(np.uint64) * _M[3]
        long = np.flatnonzero(length > 8)  # one token in six in English news
        mixed[long] += ((words[starts[long] + 8] | _FOLD)
                        & _MASK[np.minimum(length[long] - 8, 8)]) * _M[1]
        long = long[length[long] > 16]
        mixed[long] += (words[ends[long] - 8] | _FOLD) * _M[2]
    hashes = _fmix(mixed)
    counts = np.diff(np.searchsorted(starts, doc_starts))
    doc_of = np.repeat(np.arange(n_docs), counts)
    return hashes, doc_of, counts, starts, doc_starts


# --------------------------------------------------------------------------- body part

def _ngram_hashes(tok: np.ndarray, doc_of: np.ndarray, counts: np.ndarray, n: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of every word n-gram within a document (a shorter document gives one
    n-gram of all its words), with their document indices."""
    if n > len(_M) - 1:
        raise ValueError(f"ngram {n}: at most {len(_M) - 1}")
    m = tok.size - n + 1
    parts_h, parts_d = [], []
    with np.errstate(over="ignore"):
        if m > 0:
            acc = tok[:m] * _M[0]
            for k in range(1, n):
                acc += tok[k:k + m] * _M[k]
            ok = doc_of[:m] == doc_of[n - 1:]
            parts_h.append(_fmix(acc[ok] + np.uint64(n)))
            parts_d.append(doc_of[:m][ok])
        short = np.flatnonzero((counts > 0) & (counts < n))
        if short.size:
            first = np.concatenate(([0], np.cumsum(counts)))[short]
            acc = np.zeros(short.size, dtype=np.uint64)
            for k in range(n - 1):
                has = counts[short] > k
                acc[has] += tok[first[has] + k] * _M[k]
            parts_h.append(_fmix(acc + np.uint64(n)))
            parts_d.append(short)
    if not parts_h:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    return np.concatenate(parts_h), np.concatenate(parts_d)


_PROBES: dict[tuple[int, int], np.ndarray] = {}
_PROBE_STEPS = 32


def _probes(num_perm: int, seed: int) -> np.ndarray:
    """Optimal densification's probe sequences: row j lists the bins an empty bin j
    borrows from, in order (the same for every article)."""
    key = (num_perm, seed)
    if key not in _PROBES:
        gen = np.random.RandomState(seed + 7919)
        _PROBES[key] = gen.randint(0, num_perm, size=(num_perm, _PROBE_STEPS))
    return _PROBES[key]


def _one_permutation(grams: np.ndarray, doc_of: np.ndarray, n_docs: int, num_perm: int,
                     seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(uint32[n_docs, num_perm] densified one-permutation MinHash, distinct n-grams)."""
    h = _fmix(grams ^ np.uint64(seed * 0x9E3779B97F4A7C15 & 0xFFFFFFFFFFFFFFFF))
    with np.errstate(over="ignore"):
        cell = doc_of * num_perm + (
            ((h >> np.uint64(32)) * np.uint64(num_perm)) >> np.uint64(32)).astype(np.int64)
    sig = np.full(n_docs * num_perm, _MAX32, dtype=np.uint32)
    np.minimum.at(sig, cell, (h & _U32).astype(np.uint32))
    filled = np.zeros(n_docs * num_perm, dtype=bool)
    filled[cell] = True
    sig = sig.reshape(n_docs, num_perm)
    filled = filled.reshape(n_docs, num_perm)
    sparse = np.flatnonzero(~filled.all(axis=1) & filled.any(axis=1))
    if sparse.size:
        sig[sparse] = _densify(sig[sparse], filled[sparse], _probes(num_perm, seed))
    return sig, _distinct(h, doc_of, n_docs)


def _distinct(h: np.ndarray, doc_of: np.ndarray, n_docs: int) -> np.ndarray:
    """Distinct hashes per document by linear counting (Whang et al. 1990) in a bitmap of
    16 to 32 bits per hash: standard error below 0.18 * sqrt(n), 1% at n=600. (Sorting
    the hashes costs more than the rest of the signature.)"""
    per_doc = np.bincount(doc_of, minlength=n_docs)
    size = np.left_shift(1, np.ceil(np.log2(np.maximum(16 * per_doc, 64))).astype(np.int64))
    offset = np.concatenate(([0], np.cumsum(size)[:-1]))  # in bits, multiples of 64
    bits = np.zeros(int(size.sum()), dtype=bool)
    bits[offset[doc_of] + ((h >> np.uint64(8)).astype(np.int64) & (size[doc_of] - 1))] = True
    packed = np.packbits(bits).view(np.uint64)
    filled = np.add.reduceat(np.bitwise_count(packed), offset // 64, dtype=np.int64)
    return _linear_count(filled, size)


def _linear_count(filled: np.ndarray, size: np.ndarray) -> np.ndarray:
    """The distinct count estimated from `filled` bits set of a `size`-bit bitmap."""
    est = -size * np.log1p(-filled / size)
    return np.rint(est).astype(np.int64)


def _densify(sig: np.ndarray, filled: np.ndarray, probes: np.ndarray) -> np.ndarray:
    """Fill each empty bin with the value of the first filled bin on its probe sequence
    (or, failing all probes, the next filled bin to the right, cyclically)."""
    rows, bins = np.nonzero(~filled)
    hit = filled[rows[:, None], probes[bins]]  # [empty bins, probe steps]
    found = hit.any(axis=1)
    src = probes[bins, hit.argmax(axis=1)]
    for k in np.flatnonzero(~found):  # tiny texts only
        have = np.flatnonzero(filled[rows[k]])
        src[k] = have[np.searchsorted(have, bins[k]) % have.size]
    out = sig.copy()
    out[rows, bins] = sig[rows, src]
    return out


# --------------------------------------------------------------------------- lead part

_AFFINE: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}


def _affine32(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's "affine32" permutations for `seed` (MinHash._init_permutations)."""
    key = (num_perm, seed)
    if key not in _AFFINE:
        gen = np.random.RandomState(seed)
        a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
        b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
        _AFFINE[key] = (a, b)
    return _AFFINE[key]


def lead_values(tok: np.ndarray) -> np.ndarray:
    """The 32-bit values a lead's tokens are MinHashed by (what datasketch's `hashfunc`
    would return for them)."""
    return (tok >> np.uint64(32)).astype(np.uint32)


def _lead_minhash(tok: np.ndarray, first: np.ndarray, counts: np.ndarray,
                  config: FingerprintConfig, perms: int) -> np.ndarray:
    """The first `perms` values of the datasketch MinHash(lead_perm) of the first
    `lead_tokens` of the `counts[i]` tokens from `tok[first[i]]` (all-ones for none)."""
    width = config.lead_tokens
    out = np.full((counts.size, perms), _MAX32, dtype=np.uint32)
    has = np.flatnonzero(counts > 0)
    if not has.size:
        return out
    used = np.minimum(counts[has], width)
    idx = first[has][:, None] + np.minimum(np.arange(width)[None, :], used[:, None] - 1)
    vals = _fmix(lead_values(tok)[idx])  # [docs, width], padded with the last token
    a, b = _affine32(config.lead_perm, config.seed)
    with np.errstate(over="ignore"):
        out[has] = (vals[:, :, None] * a[:perms] + b[:perms]).min(axis=1)
    return out


def lead_spans(text: str, config: FingerprintConfig = DEFAULT_FINGERPRINT_CONFIG
               ) -> tuple[tuple[int, int], tuple[int, int]]:
    """Where a story's lead and second paragraph are, as (start, end) offsets in the text:
    the first two paragraphs with at least `lead_min_tokens` words (the lead falls back to
    the first non-empty paragraph, the second to an empty span)."""
    found: list[tuple[int, int]] = []
    first = (0, 0)
    start = 0
    m = config.lead_min_tokens
    while len(found) < 2:
        end = text.find("\n\n", start)
        stop = len(text) if end < 0 else end
        para = text[start:stop]
        if para.count(" ") + 1 >= m and len(para.split(None, m - 1)) >= m:
            found.append((start, stop))
        elif first == (0, 0) and para.strip():
            first = (start, stop)
        if end < 0:
            break
        start = end + 2
    if not found:
        return first, (0, 0)
    return found[0], found[1] if len(found) > 1 else (0, 0)


def lead_paragraphs(text: str, config: FingerprintConfig = DEFAULT_FINGERPRINT_CONFIG
                    ) -> tuple[str, str]:
    """The texts of `lead_spans`."""
    (a, b), (c, d) = lead_spans(text, config)
    return text[a:b], text[c:d]


def _byte_spans(texts: list[str], config: FingerprintConfig) -> np.ndarray:
    """`lead_spans` of each text as UTF-8 byte offsets: int64[len(texts), 4]."""
    out = np.empty((len(texts), 4), dtype=np.int64)
    for k, text in enumerate(texts):
        (a, b), (c, d) = lead_spans(text, config)
        if text.isascii():
            out[k] = (a, b, c, d)
        else:
            out[k] = [len(text[:x].encode("utf-8")) for x in (a, b, c, d)]
    return out


# --------------------------------------------------------------------------- API

def signatures(texts: list[str], config: FingerprintConfig = DEFAULT_FINGERPRINT_CONFIG
               ) -> tuple[np.ndarray, np.ndarray]:
    """(uint32[len(texts), config.length] signatures, distinct body shingles per text).

    A text without words gets all-ones in the body part (it matches only other empty
    texts; clustering matches such texts by content hash only). Computed a text at a time
    in C when the extension is built (`_signatures_native`), else with numpy over chunks
    of texts (`_signatures_numpy`): the same values either way.
    """
    if _native is not None and texts:
        return _signatures_native(list(texts), config)
    return _signatures_numpy(texts, config)


def _signatures_native(texts: list[str], config: FingerprintConfig
                       ) -> tuple[np.ndarray, np.ndarray]:
    assert _native is not None
    spans = np.array([[*a, *b] for a, b in (lead_spans(t, config) for t in texts)],
                     dtype=np.int64)
    a, b = _affine32(config.lead_perm, config.seed)
    sig, filled, size = _native.fingerprint(
        texts, spans.tobytes(), _probes(config.num_perm, config.seed).astype(np.int64).tobytes(),
        a.tobytes(), b.tobytes(), config.num_perm, config.lead_perm, config.second_perm,
        config.lead_tokens, config.ngram, config.seed)
    sigs = np.frombuffer(sig, dtype=np.uint32).reshape(len(texts), config.length).copy()
    return sigs, _linear_count(np.frombuffer(filled, dtype=np.int64),
                               np.frombuffer(size, dtype=np.int64))


def _signatures_numpy(texts: list[str], config: FingerprintConfig
                      ) -> tuple[np.ndarray, np.ndarray]:
    n = len(texts)
    sig = np.empty((n, config.length), dtype=np.uint32)
    shingles = np.zeros(n, dtype=np.int64)
    start = 0
    while start < n:  # chunks of about _CHUNK_BYTES of text
        size, stop = 0, start
        while stop < n and (stop == start or size < _CHUNK_BYTES):
            size += len(texts[stop])
            stop += 1
        chunk = texts[start:stop]
        tok, doc_of, counts, starts, doc_starts = _tokenize(
            [t.encode("utf-8") for t in chunk])
        grams, gdoc = _ngram_hashes(tok, doc_of, counts, config.ngram)
        k, lp = config.num_perm, config.lead_perm
        sig[start:stop, :k], shingles[start:stop] = _one_permutation(
            grams, gdoc, len(chunk), k, config.seed)
        # the lead's and the second paragraph's tokens are runs of the body's tokens
        bounds = np.searchsorted(starts, doc_starts[:-1, None] + _byte_spans(chunk, config))
        sig[start:stop, k:k + lp] = _lead_minhash(
            tok, bounds[:, 0], bounds[:, 1] - bounds[:, 0], config, lp)
        sig[start:stop, k + lp:] = _lead_minhash(
            tok, bounds[:, 2], bounds[:, 3] - bounds[:, 2], config, config.second_perm)
        start = stop
    return sig, shingles


def signature(text: str, config: FingerprintConfig = DEFAULT_FINGERPRINT_CONFIG
              ) -> tuple[np.ndarray, int]:
    """The signature (uint32[config.length]) of one text and its distinct body shingles."""
    sig, n = signatures([text], config)
    return sig[0], int(n[0])


def shingle_set(text: str, config: FingerprintConfig = DEFAULT_FINGERPRINT_CONFIG
                ) -> tuple[set[int], set[int], set[int]]:
    """The exact sets a signature sketches: body n-gram hashes, and the token values of
    the lead and of the second paragraph (for tests and measurements of the estimates)."""
    tok, doc_of, counts, starts, doc_starts = _tokenize([text.encode("utf-8")])
    grams, _ = _ngram_hashes(tok, doc_of, counts, config.ngram)
    a, b, c, d = np.searchsorted(starts, _byte_spans([text], config)[0]).tolist()
    values = lead_values(tok)
    lead_set = values[a:min(b, a + config.lead_tokens)]
    second_set = values[c:min(d, c + config.lead_tokens)]
    return set(grams.tolist()), set(lead_set.tolist()), set(second_set.tolist())


def content_hash(text: str) -> str:
    """Exact-content hash (SHA-1 of the text with whitespace collapsed)."""
    if _native is not None:
        collapsed = _native.collapse_utf8(text)
        if collapsed is not NotImplemented:
            return hashlib.sha1(collapsed).hexdigest()
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()


def fingerprint_articles(articles: list[Article],
                         config: FingerprintConfig = DEFAULT_FINGERPRINT_CONFIG) -> list[Article]:
    """Fill `content_hash`, `signature` and `shingle_count` of each article in place."""
    texts = [art.text for art in articles]
    sigs, counts = signatures(texts, config)
    for art, text, sig, n in zip(articles, texts, sigs, counts.tolist(), strict=True):
        art.content_hash = content_hash(text)
        art.signature, art.shingle_count = sig, n
    return articles


def lean_minhash(sig: np.ndarray, config: FingerprintConfig = DEFAULT_FINGERPRINT_CONFIG
                 ) -> LeanMinHash:
    """The body part of a signature as a datasketch LeanMinHash, for datasketch's LSH index
    (`MinHashLSH(num_perm=config.num_perm, ...)`)."""
    # The values are 32-bit; the "affine32" label only guards against comparing them with
    # MinHashes of another scheme inside one datasketch index.
    from datasketch import LeanMinHash

    return LeanMinHash(seed=config.seed, hashvalues=np.asarray(sig[:config.num_perm],
                                                               dtype=np.uint64),
                       scheme="affine32")
