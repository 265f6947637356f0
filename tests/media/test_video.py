from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from media_fixtures import make_video, reference_pdq, sample

from eucentre.media.hashing import HashOptions, hash_file, hash_record
from eucentre.media.pdq import hamming
from eucentre.media.video import FrameHash, hash_video, vpdq_compare


@pytest.fixture(scope="module")
def video(tmp_path_factory) -> Path:
    return make_video(tmp_path_factory.mktemp("video") / "clip.mp4", seconds=3, fps=10)


def test_one_frame_per_second_with_frame_numbers_and_timestamps(video):
    result = hash_video(video)
    assert result.decoded_frames == 30
    assert [f.frame for f in result.frames] == [0, 10, 20]
    assert [f.timestamp for f in result.frames] == [0.0, 1.0, 2.0]
    # Each second shows one photo: the frame hash is that photo's hash (up to codec loss).
    for frame, name in zip(result.frames, ("astronaut", "coffee", "chelsea"), strict=True):
        assert hamming(frame.pdq, reference_pdq(sample(name, (96, 64)))[0]) <= 40
        assert frame.quality >= 50


def test_sampling_rate_is_configurable_and_duplicates_dropped(video):
    every = hash_video(video, fps=10, dedupe_distance=-1)
    assert len(every.frames) == 30
    deduped = hash_video(video, fps=10)
    # Static within each second: near-identical frames collapse (the encoder's quality ramp
    # after a cut can leave one extra frame a few bits away).
    kept = [f.frame for f in deduped.frames]
    assert 3 <= len(kept) <= 6
    assert {0, 10, 20} <= set(kept)
    assert all(hamming(a.pdq, b.pdq) > 2 for a, b in zip(deduped.frames, deduped.frames[1:]))


def test_record_shape(video):
    record = hash_file(video)
    assert record["media_type"] == "video"
    assert record["format"] == "mp4"
    assert set(record["vpdq"][0]) == {"frame", "timestamp", "pdq", "quality"}
    assert len(record["md5"]) == 32 and len(record["sha256"]) == 64


def test_webm_and_extension_mismatch(tmp_path):
    path = make_video(tmp_path / "clip.webm", seconds=2, fps=5, codec="libvpx-vp9")
    renamed = path.rename(tmp_path / "clip.jpg")
    record = hash_file(renamed)
    assert record["format"] == "matroska"
    assert len(record["vpdq"]) == 2
    assert record["notes"][0]["code"] == "extension_mismatch"


def test_no_video_stream(tmp_path):
    path = make_video(tmp_path / "sound.mkv", video=False, audio=True)
    assert hash_record(path)["error"]["code"] == "no_video_stream"


def test_too_long_by_frames_and_by_duration(video):
    assert hash_record(video, HashOptions(max_video_frames=12))["error"]["code"] == "too_long"
    assert hash_record(video, HashOptions(max_video_seconds=1.5))["error"]["code"] == "too_long"


def test_truncated_and_corrupt_video(tmp_path, video):
    raw = video.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(raw[: len(raw) // 2])
    assert hash_record(cut)["error"]["code"] in {"truncated", "corrupt", "no_frames"}
    bad = tmp_path / "bad.mkv"
    bad.write_bytes(b"\x1a\x45\xdf\xa3" + bytes(np.random.default_rng(0).integers(0, 255, 4000)))
    assert hash_record(bad)["error"]["code"] in {"corrupt", "no_video_stream", "no_frames"}


def test_vpdq_compare_rule():
    rng = np.random.default_rng(3)
    hashes = [bytes(rng.integers(0, 256, 32, dtype=np.uint8)).hex() for _ in range(10)]
    same = vpdq_compare(hashes, hashes)
    assert (same.query_match, same.compared_match, same.is_match) == (1.0, 1.0, True)
    # 8 of 10 query frames in a 20-frame video: query share 0.8, compared share 0.4.
    other = [bytes(rng.integers(0, 256, 32, dtype=np.uint8)).hex() for _ in range(12)]
    mixed = vpdq_compare(hashes[:8] + other[:2], hashes[:8] + other[2:])
    assert mixed.query_match == pytest.approx(0.8)
    assert mixed.compared_match == pytest.approx(8 / 18)
    assert not mixed.is_match
    assert vpdq_compare(hashes, hashes, compared_share=0.0).is_match
    assert not vpdq_compare([], hashes).is_match


def test_vpdq_compare_uses_threshold_and_quality():
    base = "f" * 64
    near = "0" * 7 + "f" * 57  # 28 bits away
    assert vpdq_compare([base], [near]).is_match
    assert not vpdq_compare([base], [near], distance_threshold=27).is_match
    low = FrameHash(frame=0, timestamp=0.0, pdq=base, quality=10)
    assert not vpdq_compare([low], [base]).is_match
