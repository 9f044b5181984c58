"""Text features: character bigram TF-IDF, vectorised (no Python loop over grams)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from .columns import IntArray

_BOUNDARY, _SPACE = (
    "\x00",
    "\x01",
)  # the join mark between texts; a space inside a text (both read as ⟨ ⟩)
_CODE_SPACE = 0x110000  # code points are below this: a bigram is a * 0x110000 + b
_WS = re.compile(r"\s+")
_EDGE_SPACE = re.compile(" ?\x00 ?")


def normalise_text(text: str) -> str:
    """NFKC (full-width letters and digits to half-width), lower case, whitespace runs to one space, stripped."""
    return normalise_texts([text])[0]


def normalise_texts(texts: Sequence[str]) -> list[str]:
    """``normalise_text`` of many texts at once: one NFKC / lower / regex pass over the joined string."""
    if not texts:
        return []
    joined = _BOUNDARY.join(t.replace(_BOUNDARY, " ").replace(_SPACE, " ") for t in texts)
    joined = _WS.sub(" ", unicodedata.normalize("NFKC", joined).lower())
    joined = _EDGE_SPACE.sub(_BOUNDARY, joined)
    return joined.strip(" ").split(_BOUNDARY)


def text_grams(texts: Sequence[str], *, normalised: bool = False) -> tuple[IntArray, IntArray]:
    """(document row, gram code) of every character bigram of the normalised texts, with boundary grams.

    The texts are joined into one string and read as an array of code points; a gram is two neighbouring code
    points, the boundary (and a space) read as code 0. A gram belongs to the text its first position is in.
    """
    texts = texts if normalised else normalise_texts(texts)
    joined = _BOUNDARY + _BOUNDARY.join(t.replace(" ", _SPACE) for t in texts) + _BOUNDARY
    cp = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    is_mark = cp == 0
    doc = np.cumsum(is_mark) - 1
    cp[cp == 1] = 0  # a space is a boundary inside a text, but it does not start a new text
    a, b = cp[:-1], cp[1:]
    keep = (a != 0) | (b != 0)  # ⟨⟩ (an empty text, or two spaces) is no gram
    return doc[:-1][keep], (a * _CODE_SPACE + b)[keep]


def tfidf(texts: Sequence[str], *, normalised: bool = False) -> sp.csr_matrix:
    """Rows = texts, L2-normalised TF-IDF over character bigrams (sklearn's smooth IDF); float64."""
    n = len(texts)
    if n == 0:
        return sp.csr_matrix((0, 0), dtype=np.float64)
    doc, gram = text_grams(texts, normalised=normalised)
    vocab, column = np.unique(gram, return_inverse=True)
    x = sp.csr_matrix(
        (np.ones(len(doc), dtype=np.float64), (doc, column.reshape(-1))), shape=(n, len(vocab))
    )
    x.sum_duplicates()
    df = np.bincount(x.indices, minlength=len(vocab)).astype(np.float64)
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    x.data *= idf[x.indices]
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1), dtype=np.float64).ravel())
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    x.data *= np.repeat(scale, np.diff(x.indptr))
    return x
