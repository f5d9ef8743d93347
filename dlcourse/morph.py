"""Korean morphological analysis (형태소 분석) for lecture 07: five taggers behind one interface, a disk
cache for tokenised corpora, and a timing helper.

- :func:`make_tagger` — ``"Okt"`` (written in Scala), ``"Komoran"``, ``"Hannanum"``, ``"Kkma"`` (Java), all four
  run by KoNLPy on the JVM, and ``"Kiwi"`` (kiwipiepy, C++, no JVM), each with
  ``.pos(text) -> [(morpheme, tag), …]`` and ``.morphs(text) -> [morpheme, …]``.
- :func:`tokenize_corpus` — sentences → lists of morphemes (optionally only some POS tags, optionally
  ``"형태소/태그"`` strings, Okt's ``norm``/``stem``), cached under ``data/cache/morph/`` keyed by a hash
  of the tagger, its version, the options and the text: the second call reads the file back.
- :func:`time_tagger` — load time (construction + the first sentence, when the JVM classes and dictionaries
  load) and characters per CPU second of the calling thread, cold (first pass) and warm (after the JIT has run).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass

from dlcourse import config

TAGGERS = ("Okt", "Komoran", "Hannanum", "Kkma", "Kiwi")
KONLPY_TAGGERS = ("Okt", "Komoran", "Hannanum", "Kkma")
DECK_SENTENCE = "가방에 들어가신다"  # deck 05: 가방/NNG + 에/JKM + 들어가/VV + 시/EPH + ㄴ다/EFN (Kkma's tags)


class MissingJVMError(RuntimeError):
    """KoNLPy's taggers need a Java runtime and none was found."""


class Tagger:
    """One tagger, one interface: ``pos(text)`` → list of (morpheme, tag), ``morphs(text)`` → morphemes."""

    name: str

    def pos(self, text: str, *, norm: bool = False, stem: bool = False) -> list[tuple[str, str]]:
        raise NotImplementedError

    def morphs(self, text: str) -> list[str]:
        return [m for m, _ in self.pos(text)]

    def __repr__(self) -> str:
        return f"<Tagger {self.name}>"


class _KonlpyTagger(Tagger):
    def __init__(self, name: str):
        import konlpy.tag

        self.name = name
        self._tagger = getattr(konlpy.tag, name)()

    def pos(self, text, *, norm=False, stem=False):
        if not text.strip():
            return []
        if self.name == "Okt":
            return [tuple(p) for p in self._tagger.pos(text, norm=norm, stem=stem)]
        if norm or stem:
            raise ValueError(f"norm=/stem= are options of Okt only, not of {self.name}")
        return [tuple(p) for p in self._tagger.pos(text)]


class _KiwiTagger(Tagger):
    name = "Kiwi"

    def __init__(self):
        from kiwipiepy import Kiwi

        self._kiwi = Kiwi()

    def pos(self, text, *, norm=False, stem=False):
        if norm or stem:
            raise ValueError("norm=/stem= are options of Okt only, not of Kiwi")
        return [(t.form, t.tag) for t in self._kiwi.tokenize(text)]


def check_jvm() -> None:
    """Raise :class:`MissingJVMError` (one line, with the fix) when KoNLPy cannot find a JVM."""
    import jpype

    if jpype.isJVMStarted():
        return
    try:
        jpype.getDefaultJVMPath()
    except Exception:  # jpype.JVMNotFoundException and friends
        raise MissingJVMError(
            "KoNLPy needs a Java runtime (JVM) and none was found: install Java 17 "
            "(apt-get install openjdk-17-jre-headless / conda install openjdk=17) and set JAVA_HOME, "
            "or use tagger='Kiwi', which needs no JVM") from None


def make_tagger(name: str) -> Tagger:
    """A tagger by name: one of :data:`TAGGERS` (lecture 07). KoNLPy taggers start the JVM on first use."""
    if name not in TAGGERS:
        raise ValueError(f"unknown tagger {name!r}: choose one of {', '.join(TAGGERS)}")
    if name == "Kiwi":
        return _KiwiTagger()
    check_jvm()
    return _KonlpyTagger(name)


def _version(name: str) -> str:
    from importlib.metadata import version

    return version("kiwipiepy" if name == "Kiwi" else "konlpy")


def _keep(tag: str, pos_filter: Sequence[str] | None) -> bool:
    return pos_filter is None or any(tag.startswith(p) for p in pos_filter)


def tokenize_corpus(sentences: Sequence[str], *, tagger: str = "Okt", pos_filter: Sequence[str] | None = None,
                    with_tags: bool = False, norm: bool = False, stem: bool = False,
                    cache: bool = True) -> list[list[str]]:
    """Each sentence → its morphemes, as a list of token lists (one per sentence, empty ones kept).

    ``pos_filter``: keep only morphemes whose tag starts with one of these prefixes (e.g. ``("Noun",
    "Verb")`` for Okt, ``("NN", "VV")`` for the Sejong-style tags of the others); ``with_tags``: tokens
    ``"형태소/태그"`` instead of bare morphemes (가방/NNG and 가방/VV stay apart); ``norm``/``stem``: Okt's
    options. With ``cache`` the result is stored in ``data/cache/morph/<hash>.json``; the hash covers the
    tagger name and package version, the options and every sentence, so a second call with the same inputs
    returns the identical lists without running the tagger. Introduced in lecture 07.
    """
    if tagger not in TAGGERS:
        raise ValueError(f"unknown tagger {tagger!r}: choose one of {', '.join(TAGGERS)}")
    sentences = list(sentences)
    options = {"tagger": tagger, "version": _version(tagger), "pos_filter": list(pos_filter or []) or None,
               "with_tags": with_tags, "norm": norm, "stem": stem}
    digest = hashlib.sha256(json.dumps([options, sentences], ensure_ascii=False).encode("utf-8")).hexdigest()
    path = config.CACHE_DIR / "morph" / f"{tagger.lower()}-{digest[:24]}.json"
    if cache and path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    t = make_tagger(tagger)
    tokens = [[f"{m}/{tag}" if with_tags else m for m, tag in t.pos(s, norm=norm, stem=stem) if _keep(tag, pos_filter)]
              for s in sentences]
    if cache:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(tokens, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)  # atomic: a run killed halfway never leaves a truncated cache file
    return tokens


@dataclass(frozen=True)
class TaggerTiming:
    """Start-up time and speed of one tagger on one text (lecture 07's tagger table, benchmarks/tokenizers.py).

    Speeds are characters per **CPU second of the calling thread** (``time.thread_time``). JPype runs the JVM
    inside the Python process and a KoNLPy call executes its Java code on the calling thread, so this is the
    analysis itself; the JVM's background threads (JIT compiler, garbage collector) and every other program on
    the machine are left out. Wall-clock time grows when other programs share the CPU, and the process's CPU time
    (``time.process_time``) picks up the JVM's background work left over from the previous tagger; the calling
    thread's CPU time stays comparable on a loaded machine. On an idle machine with a spare core, the stopwatch
    speed of a single-threaded tagger comes close to it.
    The first pass over the text is "cold": the JVM is still interpreting the KoNLPy taggers' hot code while its
    JIT compiler translates it, so they are slower than later; the fastest later pass is "warm".
    """

    name: str
    load_seconds: float      # wall seconds: construction + tagging the first (warm-up) sentence
    chars: int               # characters tagged per pass (line breaks excluded)
    seconds: float           # thread CPU seconds of the warm pass (the fastest after the first; the first if only one)
    chars_per_second: float  # chars / seconds: warm speed per thread CPU second
    cold_chars_per_second: float  # chars / thread CPU seconds of the first pass
    wall_chars_per_second: float  # chars / wall seconds of the warm pass (what a stopwatch shows on this machine)
    morphemes: int           # morphemes produced in one pass
    tagger: Tagger
    passes_seconds: tuple[float, ...] = ()      # thread CPU seconds of each pass
    passes_wall_seconds: tuple[float, ...] = ()  # wall seconds of each pass
    analyses: list | None = None  # with keep_analyses=True: the last pass's ``pos`` of each non-empty line


def time_tagger(name: str, text: str, *, warmup: str = DECK_SENTENCE, passes: int = 2,
                keep_analyses: bool = False) -> TaggerTiming:
    """Build tagger ``name`` (timed together with one warm-up sentence: KoNLPy loads classes and
    dictionaries lazily, on the first call), then tag ``text`` line by line ``passes`` times and time each pass
    in thread CPU seconds and wall seconds.

    Lecture 07 and benchmarks/tokenizers.py both measure with this function, so their numbers differ only by
    the text and the machine. The first KoNLPy tagger of a process also pays for starting the JVM unless it
    was started before (:func:`start_jvm`, which both call first).
    """
    if passes < 1:
        raise ValueError("time_tagger: passes must be 1 or more")
    start = time.perf_counter()
    tagger = make_tagger(name)
    tagger.pos(warmup)
    load = time.perf_counter() - start
    lines = [line for line in text.splitlines() if line.strip()]
    cpu, wall, analyses = [], [], None
    for _ in range(passes):
        start, start_cpu = time.perf_counter(), time.thread_time()
        analyses = [tagger.pos(line) for line in lines]
        cpu.append(time.thread_time() - start_cpu)
        wall.append(time.perf_counter() - start)
    chars = sum(len(line) for line in lines)
    warm = 0 if passes == 1 else 1 + min(range(passes - 1), key=lambda i: cpu[1 + i])

    def speed(seconds: float) -> float:
        return chars / seconds if seconds > 0 else float("inf")

    return TaggerTiming(name=name, load_seconds=load, chars=chars, seconds=cpu[warm],
                        chars_per_second=speed(cpu[warm]), cold_chars_per_second=speed(cpu[0]),
                        wall_chars_per_second=speed(wall[warm]), morphemes=sum(map(len, analyses)), tagger=tagger,
                        passes_seconds=tuple(cpu), passes_wall_seconds=tuple(wall),
                        analyses=analyses if keep_analyses else None)


def start_jvm() -> float:
    """Start the JVM KoNLPy uses (no-op when running); returns the seconds it took (lecture 07 times it)."""
    import jpype
    from konlpy import jvm

    start = time.perf_counter()
    if not jpype.isJVMStarted():
        check_jvm()
        jvm.init_jvm()
    return time.perf_counter() - start
