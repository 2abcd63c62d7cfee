"""The small text classifiers: trained once, then loaded from the cache."""

from __future__ import annotations

from bot.understanding.text_classifier import cached_text_classifier

TEXTS = ["hoeveel verdien je", "wat is het salaris", "kan ik thuiswerken", "werken vanuit huis"]
LABELS = ["salaris", "salaris", "thuiswerken", "thuiswerken"]


def classify(model, text: str) -> str:
    return str(model.predict([text])[0])


def test_a_trained_model_is_cached_and_loaded_again(tmp_path):
    first = cached_text_classifier(TEXTS, LABELS, 4, 10, tmp_path, name="demo")
    (cached,) = tmp_path.glob("demo-*.joblib")
    again = cached_text_classifier(TEXTS, LABELS, 4, 10, tmp_path, name="demo")
    assert again is not first  # loaded from the file, not the same object
    assert classify(again, "salaris?") == classify(first, "salaris?") == "salaris"
    assert list(tmp_path.glob("demo-*.joblib")) == [cached]


def test_changed_examples_train_a_new_model_and_drop_the_old_file(tmp_path):
    cached_text_classifier(TEXTS, LABELS, 4, 10, tmp_path, name="demo")
    (old,) = tmp_path.glob("demo-*.joblib")
    model = cached_text_classifier(
        [*TEXTS, "loon per uur"], [*LABELS, "salaris"], 4, 10, tmp_path, name="demo"
    )
    (new,) = tmp_path.glob("demo-*.joblib")
    assert new != old and classify(model, "loon") == "salaris"


def test_an_unreadable_cache_file_is_trained_again(tmp_path):
    cached_text_classifier(TEXTS, LABELS, 4, 10, tmp_path, name="demo")
    (cached,) = tmp_path.glob("demo-*.joblib")
    cached.write_bytes(b"not a model")
    model = cached_text_classifier(TEXTS, LABELS, 4, 10, tmp_path, name="demo")
    assert classify(model, "thuis werken") == "thuiswerken"
    assert cached.read_bytes() != b"not a model"


def test_a_cache_that_cannot_be_written_only_costs_the_training(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    model = cached_text_classifier(TEXTS, LABELS, 4, 10, blocked / "cache", name="demo")
    assert classify(model, "wat verdien je") == "salaris"
