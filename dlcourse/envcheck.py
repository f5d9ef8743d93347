"""Environment checks: what lecture 00 shows as a table and ``dlcourse doctor`` prints.

Each check returns a :class:`Check` with a status and, when it fails, the exact fix. Optional checks
(a GPU) report ``info`` instead of failing.
"""

from __future__ import annotations

import importlib
import platform
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dlcourse.config import CUSTOM_DATA_DIR, REPO_ROOT, is_fast

OK, FAIL, INFO = "ok", "FAIL", "info"


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # ok | FAIL | info
    detail: str
    fix: str = ""


def _version(module: str) -> str:
    return getattr(importlib.import_module(module), "__version__", "?")


def check_python() -> Check:
    v = platform.python_version()
    ok = sys.version_info[:2] >= (3, 10)
    fix = "" if ok else "Python 3.10 이상이 필요합니다: make setup (Python 3.11)"
    return Check("Python", OK if ok else FAIL, v, fix)


def check_tensorflow() -> Check:
    try:
        v = _version("tensorflow")
    except ImportError as e:
        return Check("TensorFlow", FAIL, str(e), "make setup  (또는 pip install -r requirements.txt)")
    ok = v.startswith("2.") and int(v.split(".")[1]) >= 16
    fix = "" if ok else "TensorFlow 2.16 이상(Keras 3)이 필요합니다: make setup"
    return Check("TensorFlow", OK if ok else FAIL, v, fix)


def check_keras() -> Check:
    try:
        v = _version("keras")
    except ImportError as e:
        return Check("Keras", FAIL, str(e), "make setup")
    ok = v.startswith("3.")
    return Check("Keras", OK if ok else FAIL, v, "" if ok else "Keras 3이 필요합니다: pip install 'keras>=3'")


def check_gpu() -> Check:
    try:
        import tensorflow as tf
    except ImportError:
        return Check("GPU", INFO, "TensorFlow 없음")
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        return Check("GPU", OK, ", ".join(g.name for g in gpus))
    return Check("GPU", INFO, "없음 — CPU로 실행합니다(빠른 모드 권장: DLCOURSE_FAST=1)",
                 "Colab: 런타임 > 런타임 유형 변경 > GPU; 로컬: make setup GPU=1 (NVIDIA 드라이버 필요)")


def check_gensim() -> Check:
    try:
        v = _version("gensim")
    except ImportError as e:
        return Check("gensim", FAIL, str(e), "pip install 'gensim>=4.3'")
    ok = int(v.split(".")[0]) >= 4
    return Check("gensim", OK if ok else FAIL, v, "" if ok else "gensim 4가 필요합니다 (vector_size=, epochs=)")


def check_java() -> Check:
    java = shutil.which("java")
    if java is None:
        return Check("Java (JVM)", FAIL, "java 명령 없음",
                     "Debian/Ubuntu: sudo apt-get install -y default-jre-headless | macOS: brew install openjdk@17 "
                     "| conda: conda install -c conda-forge openjdk=17")
    out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()
    return Check("Java (JVM)", OK, out[0] if out else java)


def check_konlpy() -> Check:
    try:
        from konlpy.tag import Okt

        tokens = Okt().morphs("가방에 들어가신다")
    except Exception as e:  # JVM start-up errors come in many classes
        return Check("KoNLPy (Okt)", FAIL, f"{type(e).__name__}: {e}".splitlines()[0],
                     "Java를 설치한 뒤 커널을 다시 시작하세요; pip install konlpy")
    return Check("KoNLPy (Okt)", OK, f"{_version('konlpy')}: 가방에 들어가신다 → {tokens}")


def check_kiwi() -> Check:
    try:
        from kiwipiepy import Kiwi

        tokens = [t.form for t in Kiwi().tokenize("가방에 들어가신다")]
    except Exception as e:
        return Check("Kiwi", FAIL, str(e).splitlines()[0], "pip install kiwipiepy")
    return Check("Kiwi", OK, f"{_version('kiwipiepy')}: {tokens}")


def check_korean_font() -> Check:
    from dlcourse.plots import KOREAN_FONT, font_has_glyphs

    missing = font_has_glyphs("한글 글꼴 확인: 은닉 상태, 게이트")
    if missing:
        detail = f"{KOREAN_FONT}: 없는 글자 {''.join(missing)}"
        return Check("한글 글꼴", FAIL, detail, "pip install koreanize-matplotlib")
    return Check("한글 글꼴", OK, KOREAN_FONT)


def check_data() -> Check:
    from gensim.test.utils import datapath

    from dlcourse.data import kobill_ids, load_digits, load_kolaw

    parts = [f"kolaw {len(load_kolaw()):,}자", f"kobill {len(kobill_ids())}건",
             f"digits {len(load_digits().labels):,}장"]
    for name in ("questions-words.txt", "head500.noblanks.cor"):
        if not Path(datapath(name)).exists():
            return Check("데이터", FAIL, f"gensim 테스트 데이터 {name} 없음", "pip install --force-reinstall gensim")
    parts.append("gensim questions-words + text8 조각")
    return Check("데이터", OK, ", ".join(parts))


def check_repository() -> Check:
    ok = (REPO_ROOT / "dlcourse").is_dir() and (REPO_ROOT / "lectures").is_dir()
    detail = f"{REPO_ROOT.name}/ (빠른 모드: {'켜짐' if is_fast() else '꺼짐'}, 내 텍스트: {CUSTOM_DATA_DIR.name}/)"
    return Check("저장소 경로", OK if ok else FAIL, detail, "" if ok else "저장소를 clone한 폴더에서 실행하세요")


CHECKS: list[Callable[[], Check]] = [
    check_python, check_tensorflow, check_keras, check_gpu, check_gensim,
    check_java, check_konlpy, check_kiwi, check_korean_font, check_data, check_repository,
]


def run_checks() -> list[Check]:
    """Run every check; an unexpected exception becomes a FAIL row instead of stopping the table."""
    results = []
    for check in CHECKS:
        try:
            results.append(check())
        except Exception as e:
            results.append(Check(check.__name__.removeprefix("check_"), FAIL, f"{type(e).__name__}: {e}"))
    return results


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_table(checks: list[Check]) -> str:
    """Plain-text table for a terminal; Hangul counts as two columns."""
    width = max(_display_width(c.name) for c in checks)
    lines = []
    for c in checks:
        pad = " " * (width - _display_width(c.name))
        lines.append(f"[{c.status:>4}] {c.name}{pad}  {c.detail}")
        if c.fix and c.status != OK:
            lines.append(f"{'':>7}{'':<{width}}  → {c.fix}")
    return "\n".join(lines)


def failures(checks: list[Check]) -> list[Check]:
    return [c for c in checks if c.status == FAIL]
