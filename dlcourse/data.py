"""Datasets the course uses, all available offline (see data/README.md for sources and licences).

- Korean text: the Constitution of the Republic of Korea (``kolaw``) and ten National Assembly bills
  (``kobill``), both bundled in KoNLPy — public-domain government works. No JVM is needed to read them.
- Digits: scikit-learn's bundled 8×8 handwritten digits.
Introduced in lecture 00 (the data check); used from lecture 04 on.
"""

from __future__ import annotations

import re
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


def load_korean_documents(*, clean: bool = False) -> list[str]:
    """The Constitution and the ten bills as eleven strings, in that order (lecture 05 splits each one).

    ``clean=True`` passes each through :func:`clean_extracted_text`.
    """
    documents = [load_kolaw(), *load_kobill()]
    return [clean_extracted_text(d) for d in documents] if clean else documents


def load_korean_corpus(*, clean: bool = False) -> str:
    """The course's default Korean text: the Constitution followed by the ten bills (~65K characters).

    The default returns the text exactly as KoNLPy ships it (assignments a3 and a4 read that);
    ``clean=True`` returns :func:`clean_extracted_text` of it (~56K characters), which is the cleaned
    documents of :func:`load_korean_documents` joined by line breaks.
    """
    text = "\n\n".join(load_korean_documents())
    return clean_extracted_text(text) if clean else text


_PAGE_NUMBER = re.compile(r"^-\s*\d+\s*-$")   # the bills' page footers: "- 12 -"
_DASH_FILL = re.compile(r"-{3,}")             # "-------": the fill of the bills' old/new comparison tables
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")   # every control character but tab and newline


def clean_extracted_text(text: str) -> str:
    """Text extracted from PDF pages (the KoNLPy bills) made readable line by line; introduced in lecture 05.

    The raw bills are 23 % spaces: page layout survives as runs of up to 114 spaces, form feeds (``\\f``,
    one per page), page footers such as ``- 3 -``, dash fills in the comparison tables, and a blank line
    after every printed line. A language model trained on that learns to print layout. This function:

    1. turns form feeds and other control characters (tab and newline excepted) into line breaks;
    2. turns tabs into spaces, collapses every run of spaces into one and strips each line;
    3. deletes runs of three or more hyphens, then drops page-number lines (``- 12 -``) and lines left
       without a letter or a digit;
    4. drops blank lines (one line break between lines).

    Words are kept as they are, including the ones a page break cut in two. The result contains no
    control character but ``\\n``, no double space and no empty line, and cleaning it again changes nothing.
    """
    text = _CONTROL.sub("\n", text).replace("\t", " ")
    lines = []
    for line in text.split("\n"):
        line = " ".join(_DASH_FILL.sub(" ", line).split())
        if line and not _PAGE_NUMBER.match(line) and any(ch.isalnum() for ch in line):
            lines.append(line)
    return "\n".join(lines)


NIETZSCHE_URL = "https://s3.amazonaws.com/text-datasets/nietzsche.txt"


def load_nietzsche(*, timeout: float = 3.0) -> str | None:
    """Nietzsche's *Beyond Good and Evil* (English), the text of Keras's char-LSTM example; None if unavailable.

    Source: https://s3.amazonaws.com/text-datasets/nietzsche.txt (Keras example data), about 600 KB
    (~600K characters). Licence: public domain (Helen Zimmern's English translation, Project Gutenberg).
    Cached as data/cache/nietzsche.txt and read from there when present. Otherwise it is downloaded with
    ``keras.utils.get_file`` (printing source, size and licence first), unless ``DLCOURSE_OFFLINE`` is set
    or a socket connection to the host fails within ``timeout`` seconds: then it returns None, quickly.
    Introduced in lecture 05 (which falls back to :func:`load_korean_corpus`).
    """
    from urllib.parse import urlparse

    from dlcourse import config

    path = config.CACHE_DIR / "nietzsche.txt"
    if path.is_file():
        return path.read_text(encoding="utf-8")
    if config.is_offline() or not _host_reachable((urlparse(NIETZSCHE_URL).hostname, 443), timeout=timeout):
        return None
    print(f"downloading {NIETZSCHE_URL} (about 600 KB, public domain) → data/cache/nietzsche.txt")
    try:
        import keras

        fetched = keras.utils.get_file("nietzsche.txt", origin=NIETZSCHE_URL, cache_dir=str(path.parent.parent),
                                       cache_subdir=path.parent.name)
    except Exception as e:  # noqa: BLE001 (any network or HTTP failure means: use the offline corpus)
        print(f"download failed ({type(e).__name__}); returning None")
        return None
    return Path(fetched).read_text(encoding="utf-8")


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



def load_custom_text(path: str | Path, *, min_chars: int = 0, max_chars: int | None = None,
                     encoding: str = "utf-8") -> str:
    """A student's own text for assignment a3, cleaned so that every character is a real character.

    ``path`` is a file name inside data/custom/ or any path. The text is decoded (``encoding``, UTF-8 by
    default), every byte-order mark (U+FEFF, which Windows editors put at the start) is removed, line
    endings become ``"\\n"`` (Windows ``"\\r\\n"`` and old Mac ``"\\r"``), and the text is normalised to
    Unicode NFC, so Hangul saved by macOS as separate jamo (NFD) becomes the same syllables as everywhere
    else. Then it is cut to ``max_chars`` characters, and a text shorter than ``min_chars`` is refused.
    Every failure raises with a Korean message that says what to do (students read it in the notebook).
    Introduced in assignment a3.
    """
    import unicodedata

    p = Path(path)
    if not p.is_absolute() and not p.exists():
        p = CUSTOM_DATA_DIR / p
    if not p.is_file():
        raise FileNotFoundError(f"텍스트 파일이 없습니다: {path}. 파일을 {CUSTOM_DATA_DIR} 폴더에 넣고 "
                                "파일 이름을 정확히 적으세요.")
    data = p.read_bytes()
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        raise ValueError(f"{p.name}은(는) {encoding} 텍스트가 아닙니다({e.start}번째 바이트에서 막힘). 편집기에서 "
                         "UTF-8로 다시 저장하거나, EUC-KR(CP949) 파일이면 encoding=\"cp949\"를 주세요.") from None
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    if max_chars is not None:
        text = text[:max_chars]
    if not text.strip():
        raise ValueError(f"{p.name}에 글자가 없습니다(빈 파일이거나 공백뿐입니다).")
    if len(text) < min_chars:
        raise ValueError(f"{p.name}이(가) 너무 짧습니다: {len(text):,}자. 지금 설정으로는 적어도 {min_chars:,}자가 "
                         "필요합니다. 더 긴 텍스트를 쓰거나(10만 자 이상 권장), 필요한 길이를 정하는 설정(시퀀스 "
                         "길이, 배치 크기)을 줄이세요.")
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


MNIST_HOST = ("storage.googleapis.com", 443)  # where keras.datasets.mnist downloads mnist.npz from


@dataclass(frozen=True)
class DigitImages:
    """Train/test images in [0, 1] of shape (n, side, side) with integer labels, and where they came from."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str


def _keras_mnist_cache() -> Path:
    import os

    return Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets" / "mnist.npz"


def _host_reachable(host: tuple[str, int], *, timeout: float) -> bool:
    """A TCP connect within ``timeout`` seconds; name resolution runs in a thread so it cannot hang us."""
    import socket
    import threading

    ok: list[bool] = []

    def probe() -> None:
        try:
            socket.create_connection(host, timeout=timeout).close()
            ok.append(True)
        except OSError:
            pass

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(ok)


def load_mnist(*, timeout: float = 2.0, test_fraction: float = 0.2, seed: int = 0) -> DigitImages:
    """MNIST (28×28, 60,000 + 10,000) through ``keras.datasets.mnist``, else the bundled 8×8 digits.

    MNIST is used when Keras already has ``mnist.npz`` in its cache (``~/.keras/datasets``), or when
    ``DLCOURSE_OFFLINE`` is unset and a connection to the download host opens within ``timeout`` seconds
    (then Keras downloads 11 MB from Google Cloud Storage; MNIST is CC BY-SA 3.0, Yann LeCun and Corinna
    Cortes). Otherwise scikit-learn's 8×8 digits are split into train/test (stratified, ``test_fraction``).
    Offline this returns in well under a second. ``source`` says which data set came back.
    Introduced in lecture 04 (MNIST read row by row).
    """
    from dlcourse.config import is_offline

    cached = _keras_mnist_cache().is_file()
    if cached or (not is_offline() and _host_reachable(MNIST_HOST, timeout=timeout)):
        import keras

        if not cached:
            print(f"downloading MNIST from {MNIST_HOST[0]} via keras.datasets.mnist "
                  "(11 MB, CC BY-SA 3.0) → ~/.keras/datasets/mnist.npz")

        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
        scale = np.float32(1 / 255)
        return DigitImages(x_train.astype(np.float32) * scale, y_train.astype(np.int64),
                           x_test.astype(np.float32) * scale, y_test.astype(np.int64), source="MNIST (28x28)")

    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x_train, x_test, y_train, y_test = train_test_split(
        digits.images, digits.labels, test_size=test_fraction, random_state=seed, stratify=digits.labels)
    return DigitImages(x_train, y_train, x_test, y_test, source=digits.source)
