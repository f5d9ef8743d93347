"""Korean text in plots must render: every glyph present in the configured font, none drawn as a box."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from dlcourse import plots  # noqa: E402

HANGUL = "은닉 상태와 게이트, 셀 상태, 시간 역전파, 기울기 소실/폭주, 배치 정규화, 형태소 분석, 생성자/판별자"


def test_korean_font_is_configured_on_import():
    assert plots.KOREAN_FONT == "NanumGothic"
    assert plots.font_has_glyphs(HANGUL) == []


def test_glyph_check_detects_a_font_without_hangul():
    assert set(plots.font_has_glyphs("한글", family="DejaVu Sans")) == {"한", "글"}


def test_rendering_hangul_emits_no_missing_glyph_warning(tmp_path):
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.set_title(HANGUL[:20])
    ax.plot([-2, -1, 0], [-1, 0, 1])  # negative tick labels use the minus sign
    ax.set_xlabel("시간 t")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(tmp_path / "k.png", dpi=50)
    plt.close(fig)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert missing == []
    assert (tmp_path / "k.png").stat().st_size > 1000


def test_log_axes_label_without_missing_glyphs(tmp_path, caplog):
    ax = plots.plot_history({"손실": [1.0, 0.1, 0.01, 0.001]}, logy=True)
    with caplog.at_level("WARNING"):
        ax.figure.savefig(tmp_path / "log.png", dpi=50)
    plt.close("all")
    assert not [r for r in caplog.records if "does not have a glyph" in r.getMessage()]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "0.01" in labels and not any("mathdefault" in t for t in labels)


def test_plot_helpers_draw(tmp_path):
    ax = plots.plot_history({"loss": [3.0, 2.0, 1.0], "val_loss": [3.1, 2.5, 2.0]}, title="손실")
    assert len(ax.get_lines()) == 2
    ax = plots.heatmap([[0.1, 0.2], [0.3, 0.4]], xlabels=["h", "e"], ylabels=["a", "b"], fmt=".1f")
    assert len(ax.texts) == 4
    plt.close("all")
