"""Self-checks for the exercises (연습 문제) of lecture 01, 시퀀스 데이터와 RNN.

Each checker tries the student's answer on fresh inputs and compares with what Keras itself reports (parameter
counts) or with a property of the answer (a model's own prediction); none holds a stored answer.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from dlcourse.exercises import exercise

_UNFILLED = "함수 안의 `...`를 답으로 바꾸고 셀을 다시 실행하세요."
HIHELLO_CHARS = ["h", "i", "e", "l", "o"]  # the lecture's vocabulary order (slide 04)


def _keras_count(layers: list, input_shape: tuple) -> int:
    import keras

    return keras.Sequential([keras.Input(input_shape), *layers]).count_params()


@exercise("01-1", explain="W_x(D×H), W_h(H×H), b(H)는 시간 단계마다 다시 쓰이므로 T와 상관없습니다.")
def simple_rnn_params(answer) -> str | None:
    import keras

    for D, H in [(4, 2), (1, 1), (7, 3), (3, 10)]:
        got = answer(D, H)
        if got is Ellipsis or got is None:
            return _UNFILLED
        want = _keras_count([keras.layers.SimpleRNN(H)], (None, D))
        if got != want:
            if got == D * H + H * H:
                return f"D={D}, H={H}에서 {got}: 편향 b를 빠뜨렸습니다."
            if got == D * H + H:
                return f"D={D}, H={H}에서 {got}: 은닉에서 은닉으로 가는 순환 가중치를 빠뜨렸습니다."
            return (f"D={D}, H={H}에서 {got}개라고 했지만 Keras는 {want}개라고 셉니다. "
                    "Keras가 저장하는 kernel, recurrent_kernel, bias의 모양을 떠올려 보세요.")
    return None


@exercise("01-2", explain="LSTM은 게이트마다 입력 가중치, 순환 가중치, 편향을 따로 둡니다: 4·H·(V + H + 1). "
                          "Dense는 H·V + V입니다.")
def char_model_params(answer) -> str | None:
    import keras

    for V, H in [(5, 5), (10, 10), (3, 7), (12, 2)]:
        got = answer(V, H)
        if got is Ellipsis or got is None:
            return _UNFILLED
        want = _keras_count([keras.layers.LSTM(H, return_sequences=True), keras.layers.Dense(V)], (6, V))
        if got != want:
            lstm, dense = 4 * H * (V + H + 1), H * V + V
            if got == lstm // 4 + dense:
                return f"V={V}, H={H}에서 {got}: LSTM에는 게이트가 4개 있습니다(i, f, c, o)."
            if got == lstm:
                return f"V={V}, H={H}에서 {got}: 출력층 Dense(V)를 빠뜨렸습니다."
            if got == lstm + H * V:
                return f"V={V}, H={H}에서 {got}: Dense의 편향을 빠뜨렸습니다."
            return f"V={V}, H={H}에서 {got}개라고 했지만 Keras는 {want}개라고 셉니다. 두 층을 따로 세어 보세요."
    return None


def _hihell_prediction(model) -> str:
    ids = [HIHELLO_CHARS.index(c) for c in "hihell"]
    X = np.eye(len(HIHELLO_CHARS), dtype=np.float32)[[ids]]  # (1, 6, 5)
    out = np.asarray(model(X, training=False))  # (1, 6, 5) logits
    return "".join(HIHELLO_CHARS[i] for i in out.argmax(axis=-1)[0])


@exercise("01-3", explain="답이 모델의 실제 예측과 맞습니다. 시드를 바꿔도 같은 결과가 나오는지, "
                          "처음 'ihello'를 맞히는 반복이 은닉 크기 5일 때보다 늦은지도 비교해 보세요.")
def hidden_two(answer) -> str | None:
    import keras

    if not isinstance(answer, dict) or set(answer) != {"model", "ihello"}:
        return '답은 {"model": 학습한 모델, "ihello": True 또는 False} 꼴의 dict입니다.'
    model, claim = answer["model"], answer["ihello"]
    if model is Ellipsis or claim is Ellipsis:
        return "model과 ihello 자리의 `...`를 모두 채우세요."
    lstms = [layer for layer in getattr(model, "layers", []) if isinstance(layer, keras.layers.LSTM)]
    if len(lstms) != 1:
        return "8절의 build_char_model로 만든 모델(LSTM 층 하나 + Dense)을 넣으세요."
    if lstms[0].units != 2:
        return f"이 모델의 LSTM 은닉 크기는 {lstms[0].units}입니다. 은닉 크기 2로 만드세요."
    if not isinstance(claim, (bool, np.bool_)):
        return "ihello에는 True나 False를 넣으세요."
    prediction = _hihell_prediction(model)
    if bool(claim) != (prediction == "ihello"):
        return f"여러분의 모델은 'hihell'에 대해 {prediction!r}를 예측합니다. 답을 모델의 예측과 맞춰 보세요."
    return None


def _bigram_best_reference(text: str) -> int:
    following: dict[str, Counter] = {}
    for prev, nxt in zip(text[:-1], text[1:], strict=True):
        following.setdefault(prev, Counter())[nxt] += 1
    return sum(max(counts.values()) for counts in following.values())


@exercise("01-4", explain="앞 글자마다 가장 자주 뒤따른 글자를 고르는 것이 최선입니다. "
                          "'hihello'에서는 h 뒤에 i와 e, l 뒤에 l과 o가 오므로 6글자 중 4글자가 한계입니다.")
def bigram_best(answer) -> str | None:
    rng = np.random.default_rng(1)
    texts = [" if you want you", "hihello", "ab", "aaaa", "abab", "abcabd"]
    texts += ["".join(rng.choice(list("ab c"), size=n)) for n in (5, 12, 30)]
    for text in texts:
        got = answer(text)
        if got is Ellipsis or got is None:
            return _UNFILLED
        want = _bigram_best_reference(text)
        if got != want:
            if got == len(text) - 1:
                return (f"{text!r}에서 {got}: 모든 글자를 맞힐 수는 없습니다. "
                        "같은 앞 글자 뒤에 서로 다른 글자가 오는 경우를 생각해 보세요.")
            return (f"{text!r}에서 {got}글자라고 했지만 {want}글자여야 합니다. "
                    "(앞 글자, 다음 글자) 쌍을 앞 글자별로 세어 보세요.")
    return None
