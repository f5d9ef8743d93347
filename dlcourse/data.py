"""Datasets the course uses, all available offline (see data/README.md for sources and licences).

- Korean text: the Constitution of the Republic of Korea (``kolaw``) and ten National Assembly bills
  (``kobill``), both bundled in KoNLPy — public-domain government works. No JVM is needed to read them.
- Digits: scikit-learn's bundled 8×8 handwritten digits.
Introduced in lecture 00 (the data check); used from lecture 04 on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dlcourse.config import CUSTOM_DATA_DIR


def load_kolaw() -> str:
    """대한민국 헌법 전문 (KoNLPy ``kolaw/constitution.txt``), as one string."""
    from konlpy.corpus import kolaw

    return kolaw.open("constitution.txt").read()


def kobill_ids() -> list[str]:
    """File ids of the ten bills in KoNLPy's ``kobill`` corpus, sorted."""
    from konlpy.corpus import kobill

    return sorted(kobill.fileids())


def load_kobill() -> list[str]:
    """The ten National Assembly bills (KoNLPy ``kobill``), one string each, in file-id order."""
    from konlpy.corpus import kobill

    return [kobill.open(fid).read() for fid in kobill_ids()]


def load_korean_corpus() -> str:
    """The course's default Korean text: the Constitution followed by the ten bills (~65K characters)."""
    return "\n\n".join([load_kolaw(), *load_kobill()])


def load_text(path: str | Path) -> str:
    """Read a UTF-8 text file (e.g. a student's corpus in data/custom/) with a one-line error if unusable."""
    p = Path(path)
    if not p.is_absolute() and not p.exists():
        p = CUSTOM_DATA_DIR / p
    if not p.is_file():
        raise FileNotFoundError(f"text file not found: {path} (put your own texts in {CUSTOM_DATA_DIR})")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(f"{p} is not UTF-8 text (byte {e.start}); save it as UTF-8 and try again") from None
    if not text.strip():
        raise ValueError(f"{p} is empty")
    return text


@dataclass(frozen=True)
class Digits:
    """Images in [0, 1] of shape (n, 8, 8), integer labels of shape (n,), and where they came from."""

    images: np.ndarray
    labels: np.ndarray
    source: str


def load_digits() -> Digits:
    """scikit-learn's bundled 8×8 digits (1,797 images), scaled from 0..16 to [0, 1] as float32."""
    from sklearn.datasets import load_digits as _sk_digits

    bunch = _sk_digits()
    images = (bunch.images / 16.0).astype(np.float32)  # (1797, 8, 8)
    return Digits(images=images, labels=bunch.target.astype(np.int64), source="scikit-learn digits (8x8)")
