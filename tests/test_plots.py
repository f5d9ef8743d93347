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


def test_image_grid_lays_images_out_with_gutters_and_row_labels():
    import numpy as np

    images = np.zeros((2, 3, 4, 4), np.float32)
    images[1, 2] = 1.0  # the last image white
    fig, ax = plt.subplots()
    plots.image_grid(images, row_labels=["영", "일"], ax=ax)
    canvas = ax.images[0].get_array()
    assert canvas.shape == (2 * 5 - 1, 3 * 5 - 1)
    assert canvas[5:9, 10:14].min() == 1.0 and canvas[0:4, 0:4].max() == 0.0
    assert [t.get_text() for t in ax.get_yticklabels()] == ["영", "일"]
    plt.close(fig)


def test_image_grid_reshapes_a_flat_batch_and_rejects_wrong_shapes():
    import numpy as np
    import pytest

    fig, ax = plt.subplots()
    plots.image_grid(np.zeros((5, 8, 8)), nrows=2, ax=ax)  # 2 rows x 3 columns, one blank slot
    assert ax.images[0].get_array().shape == (2 * 9 - 1, 3 * 9 - 1)
    with pytest.raises(ValueError, match="row labels"):
        plots.image_grid(np.zeros((2, 2, 8, 8)), row_labels=["a"], ax=ax)
    with pytest.raises(ValueError, match="expected"):
        plots.image_grid(np.zeros((8, 8)), ax=ax)
    plt.close(fig)


def test_embedding_map_writes_each_label_at_its_point():
    fig, ax = plt.subplots()
    plots.embedding_map([[0.0, 0.0], [1.0, 2.0]], ["대한민국", "헌법"], ax=ax)
    assert [t.get_text() for t in ax.texts] == ["대한민국", "헌법"]
    assert ax.texts[1].xy == (1.0, 2.0)
    plt.close(fig)


def test_history_axes_are_labelled_in_korean_and_heatmaps_share_a_scale():
    ax = plots.plot_history({"loss": [3.0, 2.0]}, xlabel="학습 스텝")
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("학습 스텝", "손실")
    ax = plots.heatmap([[0.2, 0.4]], vmin=0.0, vmax=1.0)
    assert ax.images[0].get_clim() == (0.0, 1.0)
