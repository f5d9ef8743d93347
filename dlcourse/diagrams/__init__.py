"""The lecture figures the slide decks lost in text extraction, drawn with matplotlib (Korean labels).

    python -m dlcourse.diagrams lectures/figures          # every figure (what `make figures` runs)
    python -m dlcourse.diagrams OUTDIR lstm_cell gru_cell # some of them

Each figure is one function returning a matplotlib Figure; ``FIGURES`` maps the file name (without .png) to it,
in lecture order. The notebooks link the files as ``![…](figures/<name>.png)``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dlcourse.diagrams import adversarial, gated_cells, recurrent, word_vectors
from dlcourse.diagrams.canvas import save

FIGURES: dict[str, Callable] = {
    "rnn_unrolled": recurrent.rnn_unrolled,              # 01
    "computation_graphs": recurrent.computation_graphs,  # 01
    "bptt_flow": recurrent.bptt_flow,                    # 02
    "lstm_cell": gated_cells.lstm_cell,                  # 03
    "gru_cell": gated_cells.gru_cell,                    # 03
    "brnn": recurrent.brnn,                              # 04
    "cbow_skipgram": word_vectors.cbow_skipgram,         # 07
    "gan_architecture": adversarial.gan_architecture,    # 08
    "cgan_architecture": adversarial.cgan_architecture,  # 09
}


def draw(outdir: Path | str, names: list[str] | None = None) -> list[Path]:
    """Write the figures ``names`` (default: all) as ``outdir/<name>.png``; returns the paths written."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    unknown = sorted(set(names or []) - set(FIGURES))
    if unknown:
        raise ValueError(f"unknown figure(s) {unknown}; known: {list(FIGURES)}")
    return [save(FIGURES[name](), outdir / f"{name}.png") for name in (names or FIGURES)]
