"""Self-checks for lecture 09 (conditional GAN) exercises 09-1 … 09-4; 09-5 and 09-6 are open questions.

None of them touches assignment a6's graded answer (the conditional generator/discriminator, the losses,
``train_step``): they count parameters, build a block-diagonal matrix, derive a closed form of the Fréchet
distance and build a deliberately collapsed "generator" that the lecture's measures then expose.
"""

from __future__ import annotations

import numpy as np

from dlcourse.exercises import exercise

_NO_RETURN = "함수가 값을 돌려주지 않습니다. `...` 자리를 채우고 `return`으로 값을 돌려주세요."


def _dense(n_in: int, n_out: int, *, bias: bool = True) -> int:
    return n_in * n_out + (n_out if bias else 0)


@exercise("09-1", explain="z_fc 4,160 + label_fc 704 + fc2 33,024 + fc3 201,488 = 239,376개입니다.")
def generator_parameters(answer) -> str | None:
    noise, classes, units, hidden, pixels = 64, 10, 64, 256, 28 * 28
    # the same layers as dlcourse.gan.build_conditional_generator(64, 10, (28, 28), label_units=64, hidden=256)
    want = _dense(noise, units) + _dense(classes, units) + _dense(2 * units, hidden) + _dense(hidden, pixels)
    got = int(answer)
    if got == want:
        return None
    no_bias = (_dense(noise, units, bias=False) + _dense(classes, units, bias=False)
               + _dense(2 * units, hidden, bias=False) + _dense(hidden, pixels, bias=False))
    if got == no_bias:
        return "편향(bias)을 빠뜨렸습니다. Dense 층마다 출력 수만큼 편향이 있습니다."
    without_label = _dense(noise, units) + _dense(units, hidden) + _dense(hidden, pixels)
    if got in (want - _dense(classes, units), without_label):
        return "레이블 가지(label_fc)와, 이어 붙인 뒤의 입력 크기(64 + 64 = 128)를 확인하세요."
    return "층은 z_fc(64→64), label_fc(10→64), fc2(128→256), fc3(256→784)입니다. 각 층의 입력 × 출력 + 편향을 더하세요."


@exercise("09-2", explain="그래서 랩의 방식은 '원-핫을 이어 붙인 뒤 Dense 한 층'의 특수한 경우입니다.")
def block_weight(answer) -> str | None:
    rng = np.random.default_rng(92)
    for noise, classes, dz, dy in ((5, 3, 4, 2), (100, 10, 128, 128), (1, 1, 1, 3)):
        Wz, Wy = rng.normal(size=(noise, dz)), rng.normal(size=(classes, dy))
        W = answer(Wz.copy(), Wy.copy())
        if W is None:
            return _NO_RETURN
        W = np.asarray(W, float)
        if W.shape != (noise + classes, dz + dy):
            return (f"모양이 ({noise + classes}, {dz + dy})이어야 합니다(지금 {W.shape}). "
                    "행은 [z; y], 열은 [h_z | h_y]에 대응합니다.")
        z, y = rng.normal(size=(4, noise)), rng.normal(size=(4, classes))
        if not np.allclose(np.concatenate([z, y], 1) @ W, np.concatenate([z @ Wz, y @ Wy], 1)):
            return ("[z; y] @ W가 [z @ Wz | y @ Wy]가 되어야 합니다. "
                    "대각이 아닌 두 블록은 0입니다(np.block을 써 보세요).")
    return None


@exercise("09-3", explain="d² = (μ1 - μ2)² + (σ1 - σ2)²: 평균의 차이와 표준편차의 차이가 따로 더해집니다.")
def frechet_1d(answer) -> str | None:
    from dlcourse.metrics import frechet_distance

    rng = np.random.default_rng(93)
    z = rng.standard_normal((500, 1))
    z = (z - z.mean()) / z.std(ddof=1)  # sample mean 0 and sample sd 1 exactly, so the metric matches the formula
    for mu1, sd1, mu2, sd2 in ((0.0, 1.0, 3.0, 1.0), (1.0, 2.0, -1.0, 0.5), (5.0, 0.1, 5.0, 3.0), (0.3, 0.7, 0.3, 0.7)):
        got = answer(mu1, sd1, mu2, sd2)
        if got is None:
            return _NO_RETURN
        want = frechet_distance(mu1 + sd1 * z, mu2 + sd2 * z)  # the lecture's metric on matching samples
        if abs(float(got) - want) > 1e-6 * max(1.0, want):
            if abs(float(got) - ((mu1 - mu2) ** 2 + (sd1 ** 2 - sd2 ** 2) ** 2)) < 1e-9:
                return "분산이 아니라 표준편차의 차이입니다: Tr(Σa + Σb - 2(ΣaΣb)^½)에서 (σ1² σ2²)^½ = σ1σ2."
            if abs(float(got) - (abs(mu1 - mu2) + abs(sd1 - sd2))) < 1e-9:
                return "5절의 d²는 제곱한 값입니다(‖μa - μb‖²)."
            return (f"μ1={mu1}, σ1={sd1}, μ2={mu2}, σ2={sd2}에서 {float(got):.4f}가 나왔는데 {want:.4f}이어야 합니다. "
                    "1차원에서 Σ는 σ², Tr는 그 값 자신입니다.")
    return None


@exercise("09-4", explain="조건부 정확도는 높아도 프레셰 거리는 큽니다. "
                          "다양성이 없는 것은 분포를 재는 쪽만 알아봅니다.")
def collapsed_generator(answer) -> str | None:
    labels = np.array([3, 3, 7, 0, 7, 3, 9, 1, 1, 0])
    images = answer(labels.copy())
    if images is None:
        return _NO_RETURN
    images = np.asarray(images, float)
    if images.ndim != 3 or len(images) != len(labels):
        return f"레이블 {len(labels)}개에 이미지 (n, h, w) {len(labels)}장을 돌려주세요 (지금 모양 {images.shape})."
    if images.min() < 0 or images.max() > 1:
        return "픽셀 값은 진짜 숫자처럼 [0, 1] 범위여야 합니다."
    for c in np.unique(labels):
        same = images[labels == c]
        if not np.allclose(same, same[0]):
            return f"레이블 {c}에 서로 다른 그림이 나왔습니다. 이 '생성자'는 레이블마다 늘 같은 한 장을 냅니다."
    firsts = [images[labels == c][0] for c in np.unique(labels)]
    if any(np.allclose(a, b) for i, a in enumerate(firsts) for b in firsts[i + 1:]):
        return "서로 다른 레이블에 같은 그림이 나왔습니다. 레이블마다 그 숫자다운 그림을 내세요."
    if images.shape[1:] == (8, 8):  # the offline digits: each image must read as its label (5 nearest real digits)
        from dlcourse.data import load_digits

        digits = load_digits()
        real = digits.images.reshape(len(digits.images), -1)                       # (1797, 64)
        flat = images.reshape(len(images), -1)                                      # (n, 64)
        d2 = (flat ** 2).sum(1)[:, None] - 2 * flat @ real.T + (real ** 2).sum(1)[None]
        nearest = digits.labels[np.argsort(d2, axis=1)[:, :5]]                      # (n, 5)
        read = np.array([np.bincount(row, minlength=10).argmax() for row in nearest])
        if np.mean(read == labels) < 0.9:
            return ("그림이 요청한 숫자로 읽히지 않습니다(가장 가까운 진짜 숫자 5개의 다수결). "
                    "그 레이블의 학습 숫자 평균을 써 보세요.")
    return None
