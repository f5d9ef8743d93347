"""The prose check (tests/prose_rules.py) over every notebook and markdown file students or instructors read.

Each file is its own test, so `pytest tests/test_prose.py -k 05_char` checks one lecture.
"""

from __future__ import annotations

import nbformat
import pytest
from prose_rules import markdown_file_findings, markdown_findings, notebook_findings, text_findings

from dlcourse.config import REPO_ROOT

SKIP_PARTS = {".git", ".venv", "build", "node_modules", ".pytest_cache", "data"}
NOTEBOOKS = sorted(p for d in ("lectures", "solutions", "assignments") for p in (REPO_ROOT / d).rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts)
MARKDOWN = sorted(p for p in REPO_ROOT.rglob("*.md") if not SKIP_PARTS & set(p.relative_to(REPO_ROOT).parts)) + [
    REPO_ROOT / "data" / "README.md", REPO_ROOT / "data" / "custom" / "README.md"]


def _id(path):
    return path.relative_to(REPO_ROOT).as_posix()


# Findings that need a re-run to clear (a committed output); strict, so a fixed file must leave this list.
KNOWN: dict[str, str] = {}


@pytest.mark.parametrize("path", [pytest.param(p, marks=pytest.mark.xfail(reason=KNOWN[_id(p)], strict=True))
                                  if _id(p) in KNOWN else p for p in NOTEBOOKS], ids=_id)
def test_notebook_prose(path):
    found = notebook_findings(path, _id(path))
    assert not found, f"{len(found)} prose finding(s):\n" + "\n".join(map(str, found))


@pytest.mark.parametrize("path", MARKDOWN, ids=_id)
def test_markdown_prose(path):
    found = markdown_file_findings(path, _id(path))
    assert not found, f"{len(found)} prose finding(s):\n" + "\n".join(map(str, found))


@pytest.mark.parametrize("text, rule", [
    ("**용어** 를 정의합니다.", "particle"),
    ("은닉 상태 $h_t$ 라는 벡터", "particle"),
    ("`fit` 의 인자", "particle"),
    ("**시퀀스 데이터**(sequence data) 를 다룹니다.", "particle"),
    ("**시퀀스 데이터(sequence data)**를 다룹니다.", "bold"),
    ("덱 05의 그림", "glossary"),
    ("10 에폭 동안", "glossary"),
    ("L2 정규화를 더하면", "glossary"),
    ("8강에서 본 GAN", "glossary"),
    ("Adam \x07pprox", "control"),
])
def test_rules_catch_planted_mistakes(text, rule):
    rules = [r for _, r, _ in markdown_findings(text) + text_findings(text)]
    assert rule in rules, (text, rules)


@pytest.mark.parametrize("text", [
    "**용어**를 정의합니다. $h_t$라는 벡터, `fit`의 인자, **시퀀스 데이터**(sequence data)를 다룹니다.",
    "인덱스(index) 03강에서 본 10 에포크, L2 규제, 배치 정규화(batch normalization)",
    "코드 `a ** b`와 블록\n```python\nx = 1  # 덱\n```\n",
    "$$\\sum_t L_t$$\n이 식은 손실의 합입니다.",
    "함수 f(x) 이후에 나오는",
])
def test_rules_accept_good_prose(text):
    md = [f for f in markdown_findings(text) if f[1] != "glossary"]
    glossary = [f for f in text_findings(text.split("```")[0])]
    assert md == [] and glossary == [], (md, glossary)


def test_a_planted_mistake_fails_a_notebook(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("좋은 문장입니다."),
                                         nbformat.v4.new_markdown_cell("**용어** 를 씁니다.")])
    path = tmp_path / "planted.ipynb"
    nbformat.write(nb, path)
    found = notebook_findings(path, "planted.ipynb")
    assert [(f.where, f.rule) for f in found] == [("cell 1 line 1", "particle")], found
    assert "planted.ipynb: cell 1 line 1: particle:" in str(found[0]) and "를" in str(found[0])


@pytest.mark.parametrize("before, after", [
    ("**용어** 를 씁니다.", "**용어**를 씁니다."),
    ("**형태소(morpheme)** 를 단위로", "**형태소**(morpheme)를 단위로"),
    ("**시퀀스 데이터(sequence data)**를 봅니다", "**시퀀스 데이터**(sequence data)를 봅니다"),
    ("$h_t$ 라는 벡터와 `fit` 의 인자 (batch) 로", "$h_t$라는 벡터와 `fit`의 인자 (batch)로"),
    ("'기억(memory)' 입니다", "'기억(memory)'입니다"),
    ("코드 `a ** b` 는 $x ** 2$ 와", "코드 `a ** b`는 $x ** 2$와"),
    ("말뭉치의 **맨 뒤 10%** 를 씁니다", "말뭉치의 **맨 뒤 10%를** 씁니다"),
    ("**기본값 `reset_after=True`**에서는 리셋", "**기본값 `reset_after=True`에서는** 리셋"),
    ("**12** 가 됩니다", "**12**가 됩니다"),
])
def test_fixer_glues_particles_and_unbolds_parentheses(before, after):
    from prose_rules import fix_markdown

    fixed, n = fix_markdown(before)
    assert fixed == after and n >= 1
    assert markdown_findings(fixed) == []
