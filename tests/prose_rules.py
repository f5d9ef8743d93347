"""What a machine can check in the course's Korean prose (tests/test_prose.py runs it on every file).

Three kinds of finding, each reported as ``file: cell N: rule: …text…``:

- ``particle``: a space between a closing ``**``, ``$``, backtick or ``)`` and the particle that belongs to
  the word before it ("**시퀀스 데이터** 를" → "**시퀀스 데이터**를", "$h_t$ 라는" → "$h_t$라는").
- ``bold``: a closing ``**`` that CommonMark will not close (punctuation right before it and a Hangul letter
  right after it, as in "**데이터(data)**를"); write "**데이터**(data)를".
- ``glossary``: a variant the README's 용어 table rules out ("덱" → "슬라이드", "에폭" → "에포크", …).
- ``control``: a control character (other than tab and newline) in a cell's source or text output.

Markdown is checked outside code (fenced blocks and inline code are blanked first); the glossary and control
characters are checked in code cells too, because comments and printed strings are read as well.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

# Particles (조사) and the endings a copula adds; a "word" made only of these, right after a closing
# delimiter and a space, is a particle that lost its word.
PARTICLES = ("에서부터", "으로부터", "로부터", "이라는", "이라고", "이라면", "이에요", "이므로", "으로서", "으로써",
             "에게서", "처럼", "까지", "부터", "보다", "에서", "에게", "으로", "이나", "이며", "이고", "이다", "입니다",
             "이란", "라는", "라고", "로서", "로써", "마다", "만큼", "이면", "이랑", "과의", "와의", "조차", "밖에",
             "은", "는", "이", "가", "을", "를", "의", "에", "로", "와", "과", "도", "만", "란", "인", "나", "랑", "께")
PARTICLE_WORD = re.compile("(?:{})+".format("|".join(PARTICLES)))
CLOSERS = re.compile(r"(\*\*|\$|`|\)|(?<=\S)['\"’”\]])[ \t]+([가-힣]+)(?=[\s.,;:!?)\]}\"'”’…·]|$)")

GLOSSARY = [
    (re.compile(r"(?<![가-힣])덱"), "'덱' → '슬라이드' 또는 '강의 자료'"),
    (re.compile(r"에폭"), "'에폭' → '에포크'"),
    (re.compile(r"활성\s?함수"), "'활성 함수' → '활성화 함수'"),
    (re.compile(r"정규화\s*\(\s*regulari", re.I), "regularization은 '규제'"),
    (re.compile(r"규제\s*\(\s*normali", re.I), "normalization은 '정규화'"),
    (re.compile(r"정규화\s?항|(?:L1|L2|엘라스틱\s?넷)\s?정규화"),
     "가중치 벌점은 '규제'(regularization): 'L2 규제', '규제 항'"),
    (re.compile(r"검증\s*\(\s*(?:verification|test)", re.I),
     "'검증'은 validation만: test는 '테스트·평가', verification은 '확인'"),
    (re.compile(r"최소\s?최대|최소-최대"), "'최소최대' → '미니맥스'(minimax)"),
    (re.compile(r"포화하지 않는"), "'포화하지 않는' → '비포화'(non-saturating)"),
    (re.compile(r"씨앗"), "'씨앗' → '시작 문자열'(prefix); 난수 시드는 '시드'"),
    (re.compile(r"가중치 뽑기"), "'가중치 뽑기' → '확률 비례 추출'(weighted pick)"),
    (re.compile(r"노이즈"), "'노이즈' → '잡음'(noise)"),
    (re.compile(r"(?<![\d.])[1-9]강(?![가-힣])|(?<![\d.])[1-9]강(?=[에의은는을과와도이])"),
     "강의 번호는 '03강'처럼 두 자리"),
]
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_IN_OUTPUT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]")  # ESC (progress bars) allowed there

FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
INLINE_CODE = re.compile(r"(`+)(.+?)\1", re.S)
MATH = re.compile(r"(\$\$?)(.+?)\1", re.S)


@dataclass(frozen=True)
class Finding:
    path: str
    where: str
    rule: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}: {self.where}: {self.rule}: {self.text}"


def _blank(m: re.Match, group: int) -> str:
    inner = m.group(group)
    return m.group(1) + re.sub(r"[^\n]", "x", inner) + m.group(1)


def markdown_text(md: str) -> str:
    """Markdown with code blocks removed and the insides of inline code and math replaced by 'x'."""
    md = FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), md)
    md = INLINE_CODE.sub(lambda m: _blank(m, 2), md)
    return MATH.sub(lambda m: _blank(m, 2), md)


def _context(line: str, start: int, end: int) -> str:
    return line[max(0, start - 25):end + 10].strip()


def _bold_pairs(blanked_line: str) -> list[tuple[int, int]]:
    """(opening, closing) offsets of the ``**`` pairs on one (blanked) line, paired left to right."""
    starts = [m.start() for m in re.finditer(r"\*\*", blanked_line)]
    return list(zip(starts[0::2], starts[1::2], strict=False))


def _unclosable(blanked_line: str, close: int) -> bool:
    before, after = blanked_line[close - 1:close], blanked_line[close + 2:close + 3]
    return bool(before and re.match(r"[^\w\s*]", before) and re.match(r"[가-힣]", after))


def _particle_matches(blanked_line: str) -> list[re.Match]:
    return [m for m in CLOSERS.finditer(blanked_line) if PARTICLE_WORD.fullmatch(m.group(2))]


def markdown_findings(md: str) -> list[tuple[int, str, str]]:
    """(line number, rule, text) for the particle and bold rules in one markdown text."""
    found = []
    for lineno, (line, blanked) in enumerate(zip(md.split("\n"), markdown_text(md).split("\n"), strict=True), 1):
        for m in _particle_matches(blanked):
            found.append((lineno, "particle", _context(line, m.start(), m.end())))
        for _, close in _bold_pairs(blanked):
            if _unclosable(blanked, close):
                found.append((lineno, "bold", _context(line, close - 10, close + 3)))
    return found


def fix_markdown(md: str) -> tuple[str, int]:
    """Mechanical fixes: glue particles to their word, keeping every ``**`` closable.

    ``$h_t$ 라는`` → ``$h_t$라는``; ``**형태소(morpheme)** 를`` → ``**형태소**(morpheme)를`` (the English moves out of
    the bold); ``**맨 뒤 10%** 를`` → ``**맨 뒤 10%를**`` (the particle moves in, since CommonMark does not close
    ``**`` between punctuation and a letter). Returns the new text and the number of fixes.
    """
    out_lines, fixes = [], 0
    for line, blanked in zip(md.split("\n"), markdown_text(md).split("\n"), strict=True):
        edits = []  # (start, end, replacement) on the original line, applied right to left
        closing = {close: open_ for open_, close in _bold_pairs(blanked)}
        spaced = {m.start(1): m for m in _particle_matches(blanked) if m.group(1) == "**"}
        for m in _particle_matches(blanked):
            if m.group(1) != "**" or m.start(1) not in closing:
                edits.append((m.end(1), m.start(2), ""))
        for close, open_ in closing.items():
            after = re.match(r"[ \t]*([가-힣]+)", blanked[close + 2:])
            if not after or not PARTICLE_WORD.fullmatch(after.group(1)):
                continue
            if close not in spaced and not _unclosable(blanked, close):
                continue  # already "**word**를" and closable
            end = close + 2 + after.end()
            particle = after.group(1)
            inner = blanked[open_ + 2:close]
            if not re.search(r"[^\w\s*]$", inner):  # ends in a letter or digit: just glue
                edits.append((close + 2, end, particle))
            elif inner.endswith(")") and "(" in inner:  # **X(Y)** 를 → **X**(Y)를
                paren = open_ + 2 + inner.rindex("(")
                edits.append((paren, end, "**" + line[paren:close] + particle))
            else:  # **X%** 를 → **X%를**
                edits.append((close, end, particle + "**"))
        for start, end, new in sorted(edits, key=lambda e: e[0], reverse=True):
            line = line[:start] + new + line[end:]
            fixes += 1
        out_lines.append(line)
    return "\n".join(out_lines), fixes


def fix_file(path: Path) -> int:
    """Apply :func:`fix_markdown` to a markdown file or to every markdown cell of a notebook; returns fixes."""
    if path.suffix != ".ipynb":
        new, n = fix_markdown(path.read_text(encoding="utf-8"))
        if n:
            path.write_text(new, encoding="utf-8")
        return n
    import nbformat

    nb = nbformat.read(path, as_version=4)
    total = 0
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source, n = fix_markdown(cell.source)
            total += n
    if total:
        nbformat.write(nb, path)
    return total


def text_findings(text: str, *, output: bool = False) -> list[tuple[int, str, str]]:
    """(line number, rule, text) for the glossary and control-character rules in any text."""
    found = []
    pattern_control = CONTROL_IN_OUTPUT if output else CONTROL
    for lineno, line in enumerate(text.split("\n"), 1):
        for pattern, advice in GLOSSARY:
            for m in pattern.finditer(line):
                found.append((lineno, "glossary", f"{advice}: …{_context(line, m.start(), m.end())}…"))
        for m in pattern_control.finditer(line):
            near = line[max(0, m.start() - 20):m.start() + 20]
            found.append((lineno, "control", f"U+{ord(m.group(0)):04X} in {near!r}"))
    return found


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _joined(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def notebook_findings(path: Path, label: str) -> list[Finding]:
    """Findings in a notebook: markdown rules in markdown cells, glossary and control characters everywhere."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    found: list[Finding] = []
    for i, cell in enumerate(nb.get("cells", [])):
        src = _source(cell)
        rules = markdown_findings(src) if cell.get("cell_type") == "markdown" else []
        rules += text_findings(src)
        found += [Finding(label, f"cell {i} line {n}", r, t) for n, r, t in rules]
        for out in cell.get("outputs", []):
            text = _joined(out.get("text")) + _joined(out.get("data", {}).get("text/plain"))
            found += [Finding(label, f"cell {i} output", r, t)
                      for _, r, t in text_findings(text, output=True) if r == "control"]
    return found


GLOSSARY_HEADING = "## 용어"


def _glossary_lines(text: str) -> set[int]:
    """Line numbers of the 용어 section (the glossary lists the banned variants on purpose)."""
    lines, inside = set(), False
    for n, line in enumerate(text.split("\n"), 1):
        if line.startswith("#"):
            inside = line.strip() == GLOSSARY_HEADING
        elif inside:
            lines.add(n)
    return lines


def markdown_file_findings(path: Path, label: str) -> list[Finding]:
    """Findings in a markdown file (README and friends); the glossary section may name banned variants."""
    text = path.read_text(encoding="utf-8")
    table = _glossary_lines(text)
    rules = markdown_findings(text) + [f for f in text_findings(text) if f[1] != "glossary" or f[0] not in table]
    return [Finding(label, f"line {n}", r, t) for n, r, t in sorted(rules)]


if __name__ == "__main__":  # python tests/prose_rules.py --fix FILE…  (particle spacing and bold only)
    import sys

    args = sys.argv[1:]
    if not args or args[0] != "--fix":
        sys.exit("usage: python tests/prose_rules.py --fix FILE…")
    for name in args[1:]:
        print(f"{name}: {fix_file(Path(name))} fix(es)")
