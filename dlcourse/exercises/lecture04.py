"""Self-checks of lecture 04's exercises (sequence models in Keras). Each checker tries the answer on fresh inputs.

None of them holds a graded assignment's answer: they ask for the melody's windows, the best accuracy a
window-only model can reach, a padding-aware accuracy, and the order a stateful RNN needs with batches > 1.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

from dlcourse.exercises import exercise


def _sequences():
    rng = np.random.default_rng(4)
    yield [11, 9, 2, 10, 8, 1, 7, 8, 9, 10, 11, 11, 4], 4          # the melody's first notes, as indices
    for n, k in [(30, 3), (12, 2), (50, 5)]:
        yield rng.integers(0, k, size=n).tolist(), int(rng.integers(1, 5))


@exercise("04-1", explain="창을 한 칸씩 밀면 길이 n인 시퀀스에서 n − w개의 (입력 w개, 정답 1개) 쌍이 나옵니다.")
def _windows(answer):
    for seq, w in _sequences():
        got = np.asarray(answer(list(seq), w))
        if got.shape != (len(seq) - w, w + 1):
            return (f"길이 {len(seq)}, window_size {w}이면 모양이 ({len(seq) - w}, {w + 1})이어야 합니다. "
                    f"지금은 {got.shape}입니다.")
        for i, row in enumerate(got):
            if list(row) != list(seq[i:i + w + 1]):
                return f"{i}번째 줄은 seq[{i}:{i + w + 1}]이어야 합니다: 창을 한 칸씩 밀어 보세요."
    return None


def _ceiling(seq, w):
    followers = defaultdict(Counter)
    for i in range(len(seq) - w):
        followers[tuple(seq[i:i + w])][seq[i + w]] += 1
    return sum(c.most_common(1)[0][1] for c in followers.values()) / (len(seq) - w)


@exercise("04-2", explain="같은 창 뒤에 여러 음이 오면 창만 보는 모델은 그중 가장 흔한 것 하나만 맞힐 수 있습니다.")
def _window_ceiling(answer):
    for seq, w in _sequences():
        got, want = float(answer(list(seq), w)), _ceiling(seq, w)
        if not np.isclose(got, want):
            return (f"window_size {w}에서 {got:.3f}라고 했지만 {want:.3f}여야 합니다. 창마다 그 뒤에 온 값을 세고, "
                    "가장 많이 온 값의 개수를 모두 더해 창의 수로 나눠 보세요.")
    return None


@exercise("04-3", explain="패딩 위치(정답 0)는 분자에서도 분모에서도 빠져야 합니다.")
def _masked_accuracy(answer):
    rng = np.random.default_rng(8)
    for n, t, k in [(4, 7, 5), (1, 3, 2), (6, 10, 9)]:
        lengths = rng.integers(1, t + 1, size=n)
        y = rng.integers(1, k, size=(n, t))
        y[np.arange(t)[None, :] >= lengths[:, None]] = 0                  # 뒤를 0(<pad>)으로
        logits = rng.normal(size=(n, t, k))
        real = y > 0
        want = float(np.mean(logits.argmax(-1)[real] == y[real]))
        got = float(answer(y.copy(), logits.copy()))
        if not np.isclose(got, want):
            everything = float(np.mean(logits.argmax(-1) == y))
            if np.isclose(got, everything):
                return "패딩 위치까지 세었습니다. 정답이 0인 위치를 빼고 세어 보세요."
            return f"{want:.4f}이어야 하는데 {got:.4f}입니다. logits.argmax(-1)을 정답과 비교해 보세요."
    return None


@exercise("04-4", explain="배치의 j번째 줄은 곡의 j번째 조각을 이어서 읽습니다. 상태는 줄마다 따로 이어집니다.")
def _stateful_order(answer):
    for n, b in [(12, 3), (50, 5), (8, 1), (20, 4)]:
        got = np.asarray(answer(n, b))
        if got.shape != (n // b, b):
            return f"창 {n}개, 배치 크기 {b}이면 모양이 ({n // b}, {b})입니다 (배치 수, 배치 크기)."
        if sorted(got.ravel().tolist()) != list(range(n)):
            return "0부터 n − 1까지의 창 번호가 한 번씩 들어가야 합니다."
        if not np.all(np.diff(got, axis=0) == 1):
            return ("stateful RNN은 배치 k의 j번째 줄이 끝난 상태로 배치 k + 1의 j번째 줄을 시작합니다. "
                    "그러려면 got[k + 1, j] = got[k, j] + 1이어야 합니다.")
    return None
