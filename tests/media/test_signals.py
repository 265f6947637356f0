from __future__ import annotations

from media_fixtures import encode, make_video, sample
from PIL import Image

from eucentre.media.signals import SIGNAL_TYPES


def test_registry():
    assert set(SIGNAL_TYPES) == {"pdq", "vpdq", "md5", "sha256"}
    assert SIGNAL_TYPES["pdq"].default_threshold == 31
    assert SIGNAL_TYPES["md5"].default_threshold == 0


def test_pdq_signal_hashes_compares_and_matches():
    pdq = SIGNAL_TYPES["pdq"]
    img = Image.fromarray(sample("astronaut", (200, 200)))
    a = pdq.hash_bytes(encode(img, "PNG"))
    b = pdq.hash_bytes(encode(img, "JPEG", quality=40))
    other = pdq.hash_bytes(encode(Image.fromarray(sample("coffee", (200, 200))), "PNG"))
    assert pdq.validate(a) and not pdq.validate("xyz")
    assert pdq.compare(a, a) == 0
    assert pdq.matches(a, b)
    assert not pdq.matches(a, other)


def test_digest_signals():
    raw = encode(Image.fromarray(sample("camera", (64, 64))), "PNG")
    for name in ("md5", "sha256"):
        signal = SIGNAL_TYPES[name]
        value = signal.hash_bytes(raw)
        assert signal.validate(value)
        assert signal.matches(value, value.upper())
        assert not signal.matches(value, signal.hash_bytes(raw + b"\x00"))


def test_vpdq_signal(tmp_path):
    vpdq = SIGNAL_TYPES["vpdq"]
    raw = make_video(tmp_path / "v.mp4", seconds=2, fps=5).read_bytes()
    frames = vpdq.hash_bytes(raw)
    assert vpdq.validate(frames)
    assert vpdq.matches(frames, frames)
    assert vpdq.compare(frames, frames) == 0
