import pytest

import course
from course import config


def test_mode_defaults_to_full(monkeypatch):
    monkeypatch.delenv("COURSE_MODE", raising=False)
    assert course.mode() == "full"
    assert course.pick(full=10, smoke=1) == 10


def test_smoke_mode_picks_the_smoke_value(monkeypatch):
    monkeypatch.setenv("COURSE_MODE", " Smoke ")
    assert course.is_smoke()
    assert course.pick(full="train", smoke="train[:1%]") == "train[:1%]"


def test_unknown_mode_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("COURSE_MODE", "fast")
    with pytest.raises(ValueError, match="not a run mode"):
        course.mode()


def test_data_dir_honours_tfds_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path))
    assert course.data_dir() == tmp_path.resolve()
    monkeypatch.delenv("TFDS_DATA_DIR")
    assert course.data_dir() == config.ROOT / "data"


def test_model_path_is_per_mode_and_overridable(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_MODELS_DIR", raising=False)
    monkeypatch.setenv("COURSE_MODE", "smoke")
    assert course.model_path("m") == config.ROOT / "models" / "smoke" / "m.keras"
    monkeypatch.setenv("COURSE_MODELS_DIR", str(tmp_path))
    assert course.model_path("m") == tmp_path / "m.keras"
