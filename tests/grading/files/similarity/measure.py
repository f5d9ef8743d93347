"""Time `dlcourse similarity` on N generated submissions (run by hand; not a test).

    .venv/bin/python tests/grading/files/similarity/measure.py 100

Each generated student takes, for each of the five functions, one of the five independent implementations
(s1-s5) at random, in a random order, with a written answer of two random sentences from the others'; the
planted copy of s1 and s1 itself are added. Prints the time and where the planted pair ranks.
"""

from __future__ import annotations

import random
import re
import sys
import tempfile
import time
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[3]))

from dlcourse.grading.course import Course  # noqa: E402
from dlcourse.grading.similarity import similarity  # noqa: E402
from tests.grading.test_similarity import SCAFFOLD, notebook, written  # noqa: E402


def functions(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    return {m.group(1): m.group(0).strip() for m in re.finditer(r"^def (\w+)\(.*?(?=^\S|\Z)", text, re.M | re.S)
            if not m.group(1).startswith("_")}


def main(n: int) -> None:
    rng = random.Random(0)
    impls = [functions(HERE / f"s{i}.py.txt") for i in range(1, 6)]
    helper = (HERE / "s4.py.txt").read_text(encoding="utf-8").split("def softmax")[0]
    texts = written()
    sentences = [s.strip() + "." for t in texts.values() for s in t.split(".") if s.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        course = Course(Path(tmp))
        course.release_dir("sim").mkdir(parents=True)
        nbformat.write(notebook(SCAFFOLD, "YOUR ANSWER HERE"), course.release_dir("sim") / "sim.ipynb")
        subs = {f"g{i:03d}": None for i in range(n - 2)}
        for sid in subs:
            names = list(impls[0])
            rng.shuffle(names)
            code = helper + "\n\n".join(rng.choice(impls)[f] for f in names)
            subs[sid] = (code, " ".join(rng.sample(sentences, 2)))
        subs["s1"] = ((HERE / "s1.py.txt").read_text(encoding="utf-8"), texts["s1"])
        subs["copy_of_s1"] = ((HERE / "copy_of_s1.py.txt").read_text(encoding="utf-8"), texts["copy_of_s1"])
        for sid, (code, text) in subs.items():
            course.submission_dir(sid, "sim").mkdir(parents=True)
            nbformat.write(notebook(code, text), course.submission_dir(sid, "sim") / "sim.ipynb")
        start = time.perf_counter()
        pairs = similarity(assignment="sim", course=course, echo=lambda *_: None)
        seconds = time.perf_counter() - start
        rank = next(i for i, p in enumerate(pairs) if {p.a, p.b} == {"s1", "copy_of_s1"})
        planted = pairs[rank]
        print(f"{len(subs)} submissions, {len(pairs)} pairs: {seconds:.1f} s (JSON + HTML included); planted pair "
              f"rank {rank + 1}, score {planted.score:.3f}; top pair {pairs[0].a}-{pairs[0].b} {pairs[0].score:.3f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
