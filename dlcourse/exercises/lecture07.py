"""Self-checks for lecture 07's exercises (Word2Vec, NCE, subsampling, analogies).

Each checker works from properties: the pair count is counted from the sentence, the subsampling threshold
is checked against the equation it must solve, the NCE logit against TensorFlow's own log-uniform sampler,
the analogy function against gensim's ``most_similar`` on random vectors it has never seen.
None of them is an assignment's graded answer (a4 uses the paper's subsampling rule and unigram^0.75 noise).
"""

from __future__ import annotations

import math

import numpy as np

from dlcourse.exercises import exercise

DECK_SENTENCE = "the quick brown fox jumped over the lazy dog".split()


def _pairs_with_edges(n_words: int, window: int) -> int:
    """Skip-gram pairs when every word is a target and only contexts outside the sentence are dropped."""
    return sum(min(i, window) + min(n_words - 1 - i, window) for i in range(n_words))


def _pairs_without_edges(n_words: int, window: int) -> int:
    """The slide's way: targets without a full window on both sides are skipped."""
    return max(0, n_words - 2 * window) * 2 * window


@exercise("07-1", explain="양 끝 단어는 문맥이 한쪽에만 있으므로 쌍이 적습니다: 2+3+4+4+4+4+4+3+2 = 30.")
def _count_pairs(answer):
    if isinstance(answer, bool) or not isinstance(answer, (int, np.integer, float)):
        return "쌍의 개수를 정수 하나로 답하세요."
    n, window = len(DECK_SENTENCE), 2
    if answer == _pairs_with_edges(n, window):
        return None
    if answer == _pairs_without_edges(n, window):
        return ("그것은 2절의 함수처럼 양 끝 단어를 타깃에서 뺀 수입니다. 양 끝 단어도 타깃으로 쓰고, "
                "문장 밖으로 나가는 문맥 자리만 빼세요.")
    if answer == n * 2 * window:
        return "문장 밖으로 나가는 문맥 자리(첫 단어의 왼쪽, 마지막 단어의 오른쪽)는 쌍이 되지 않습니다."
    if answer == _pairs_with_edges(n, window) // 2:
        return "(입력, 출력) 쌍은 방향이 있습니다. (quick, the)와 (the, quick)은 서로 다른 쌍입니다."
    return "단어마다 왼쪽에 문맥이 몇 개, 오른쪽에 몇 개 있는지 세어 더해 보세요 (첫 단어는 왼쪽에 0개)."


@exercise("07-2", explain="x = f/t에서 1/√x + 1/x = 1의 해는 x = (3+√5)/2 ≈ 2.618(황금비의 제곱)입니다. "
                          "gensim의 소스 코드에도 이 수가 (3 + sqrt(5)) / 2로 나옵니다.")
def _keep_threshold(answer):
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.integer, np.floating)):
        return "f(w)/t의 값 하나를 소수(float)로 답하세요."
    x = float(answer)
    if not x > 0:
        return "f(w)/t는 양수입니다."
    if abs(1 / math.sqrt(x) + 1 / x - 1) < 1e-3:
        return None
    if abs(x - 1) < 1e-3:
        return "1은 논문의 식 min(1, √(t/f))이 1이 되는 경계입니다. word2vec.c의 식 1/√x + 1/x = 1을 푸세요."
    if abs(x - (1 + math.sqrt(5)) / 2) < 1e-3:
        return "거의 다 왔습니다. y = 1/√x로 두고 y² + y = 1을 푼 뒤, x = 1/y²인지 √x = 1/y인지 확인하세요."
    if abs(x - (math.sqrt(5) - 1) / 2) < 1e-3 or abs(x - (3 - math.sqrt(5)) / 2) < 1e-3:
        return "1보다 작은 x에서는 1/√x 하나만으로도 1을 넘습니다. 경계는 1보다 큽니다."
    return "y = 1/√x로 두면 식은 y + y² = 1이 됩니다. 양수 해 y를 구한 뒤 x = 1/y²를 계산하세요."


def _tf_log_uniform_expected_count(word_id: np.ndarray, k: int, vocab_size: int) -> np.ndarray:
    """k·P(w) as TensorFlow's log-uniform sampler reports it (true_expected_count, sampling with replacement)."""
    import tensorflow as tf

    true = np.asarray(word_id, np.int64).reshape(-1, 1)
    _, expected, _ = tf.random.log_uniform_candidate_sampler(true, num_true=1, num_sampled=k, unique=False,
                                                            range_max=vocab_size, seed=0)
    return np.asarray(expected, np.float64)[:, 0]


@exercise("07-3", explain="NCE는 진짜 단어에도 잡음 단어에도 로짓에서 log(k·P_n(w))를 뺍니다. "
                          "이 항을 0으로 두면(k·P_n ≡ 1) 네거티브 샘플링입니다.")
def _nce_logit(answer):
    if not callable(answer):
        return "nce_logit(score, word_id, k, vocab_size) 함수를 넘기세요."
    rng = np.random.default_rng(7)
    for vocab_size, k in ((50, 3), (10_000, 8)):
        ids = rng.integers(0, vocab_size, size=16)
        ids[0], ids[1] = 0, vocab_size - 1
        scores = rng.normal(0, 2, size=16)
        kp = _tf_log_uniform_expected_count(ids, k, vocab_size)
        got = answer(scores, ids, k, vocab_size)
        if got is None:
            return "함수가 아직 값을 돌려주지 않습니다(None). 계산한 로짓을 return 하세요."
        got = np.asarray(got, np.float64)
        if got.shape != scores.shape:
            return f"입력과 같은 모양 {scores.shape}의 배열이 나와야 합니다(원소별 계산). 지금은 {got.shape}입니다."
        if np.allclose(got, scores - np.log(kp), rtol=1e-5, atol=1e-6):
            continue
        if np.allclose(got, scores + np.log(kp), rtol=1e-5, atol=1e-6):
            return "부호가 반대입니다. NCE는 log(k·P(w))를 로짓에서 뺍니다."
        if np.allclose(got, scores - np.log(kp / k), rtol=1e-5, atol=1e-6):
            return "k가 빠졌습니다. 잡음이 그 단어를 낼 기대 횟수는 k·P(w)입니다."
        if np.allclose(got, scores - np.log(k / vocab_size), rtol=1e-5, atol=1e-6):
            return "균등 분포 1/V가 아니라 로그 균등 분포 P(w) = (log(w+2) − log(w+1)) / log(V+1)를 쓰세요."
        return ("값이 다릅니다. P(w) = (log(w+2) − log(w+1)) / log(V+1)이고, "
                "로짓은 score − log(k·P(w))입니다. 번호 0이 가장 흔한 단어입니다.")
    return None


def _random_keyed_vectors(seed: int, n_words: int = 40, dim: int = 6):
    from gensim.models import KeyedVectors

    rng = np.random.default_rng(seed)
    kv = KeyedVectors(dim)
    words = [f"w{i}" for i in range(n_words)]
    vectors = rng.normal(size=(n_words, dim)) * rng.uniform(0.2, 3.0, size=(n_words, 1))  # lengths differ
    kv.add_vectors(words, vectors.astype(np.float32))
    return kv, words, rng


@exercise("07-4", explain="gensim의 most_similar(positive=[b, c], negative=[a])가 하는 일과 같습니다: "
                          "길이 1로 맞춘 벡터로 b − a + c를 만들고, a·b·c를 뺀 어휘에서 코사인이 가장 큰 단어.")
def _analogy(answer):
    if not callable(answer):
        return "analogy(wv, a, b, c) 함수를 넘기세요."
    for seed in (3, 11):
        kv, words, rng = _random_keyed_vectors(seed)
        unit = kv.vectors / np.linalg.norm(kv.vectors, axis=1, keepdims=True)
        for _ in range(12):
            a, b, c = (words[i] for i in rng.choice(len(words), size=3, replace=False))
            want = kv.most_similar(positive=[b, c], negative=[a], topn=1)[0][0]
            got = answer(kv, a, b, c)
            if got is None:
                return "함수가 아직 값을 돌려주지 않습니다(None). 답 단어(문자열)를 return 하세요."
            if got == want:
                continue
            if got in (a, b, c):
                return "a, b, c 자신은 답에서 빼야 합니다 (b − a + c는 흔히 b나 c와 가장 가깝습니다)."
            ia, ib, ic = (kv.key_to_index[w] for w in (a, b, c))
            raw = kv.vectors[ib] - kv.vectors[ia] + kv.vectors[ic]
            raw_scores = kv.vectors @ raw / np.linalg.norm(kv.vectors, axis=1)
            raw_scores[[ia, ib, ic]] = -np.inf
            if got == kv.index_to_key[int(np.argmax(raw_scores))]:
                return "b − a + c를 만들기 전에 각 벡터의 길이를 1로 맞추세요 (gensim이 그렇게 합니다)."
            dots = kv.vectors @ (unit[ib] - unit[ia] + unit[ic])
            dots[[ia, ib, ic]] = -np.inf
            if got == kv.index_to_key[int(np.argmax(dots))]:
                return "코사인을 쓰세요: 후보 벡터 d도 길이 1로 맞춘 뒤 내적해야 합니다 (긴 벡터가 유리해지지 않게)."
            return f"{a} : {b} = {c} : ? 에서 답이 다릅니다. 점수는 cos(d, b̂ − â + ĉ)이고 â는 길이 1로 맞춘 a입니다."
    return None
