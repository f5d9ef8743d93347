"""dlcourse.data.load_nietzsche never needs the network in tests: cache, offline flag, unreachable host."""

from __future__ import annotations

import socket
import time

from dlcourse import config, data


def test_offline_flag_returns_none_fast(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setenv("DLCOURSE_OFFLINE", "1")

    def no_network(*args, **kwargs):
        raise AssertionError("load_nietzsche touched the network although DLCOURSE_OFFLINE is set")

    monkeypatch.setattr(socket, "create_connection", no_network)
    start = time.perf_counter()
    assert data.load_nietzsche() is None
    assert time.perf_counter() - start < 1.0
    assert not (tmp_path / "cache").exists()  # nothing written


def test_unreachable_host_returns_none_within_timeout(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.delenv("DLCOURSE_OFFLINE", raising=False)

    def refused(*args, **kwargs):
        raise OSError("network is unreachable (simulated)")

    monkeypatch.setattr(socket, "create_connection", refused)
    start = time.perf_counter()
    assert data.load_nietzsche(timeout=0.5) is None
    assert time.perf_counter() - start < 2.0


def test_hanging_connect_is_cut_off_by_timeout(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.delenv("DLCOURSE_OFFLINE", raising=False)
    def hang(*_a, **_k):  # e.g. a stuck DNS lookup
        time.sleep(30)
        raise OSError("still no answer")

    monkeypatch.setattr(socket, "create_connection", hang)
    start = time.perf_counter()
    assert data.load_nietzsche(timeout=0.3) is None
    assert time.perf_counter() - start < 2.0


def test_cached_text_is_used_even_offline(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "nietzsche.txt").write_text("PREFACE\n\nSUPPOSING that Truth is a woman--", encoding="utf-8")
    monkeypatch.setattr(config, "CACHE_DIR", cache)
    monkeypatch.setenv("DLCOURSE_OFFLINE", "1")
    assert data.load_nietzsche().startswith("PREFACE")
