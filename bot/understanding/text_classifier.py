"""One recipe for the small text classifiers: character n-grams plus words.

Character n-grams carry typos ("bezrgen", "salaries"); words and word pairs
carry meaning and negation ("niet echt"). A linear model on both is accurate
on a few hundred examples and trains in well under a second.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

logger = logging.getLogger(__name__)

#: Our texts are normalised (bot.understanding.normalise.normalize):
#: words are split on single spaces.
WORD_PATTERN = r"[^ ]+"


def train_text_classifier(
    texts: Sequence[str], labels: Sequence[str], longest_ngram: int, strength: float
) -> Pipeline:
    """Fit TF-IDF character n-grams (2..longest_ngram) and word uni/bigrams, logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, longest_ngram), sublinear_tf=True)
    words = TfidfVectorizer(
        analyzer="word", ngram_range=(1, 2), token_pattern=WORD_PATTERN, sublinear_tf=True
    )
    model = Pipeline(
        [
            ("features", FeatureUnion([("chars", chars), ("words", words)])),
            ("classify", LogisticRegression(C=strength, max_iter=3000)),
        ]
    )
    model.fit(list(texts), list(labels))
    return model


def cached_text_classifier(
    texts: Sequence[str],
    labels: Sequence[str],
    longest_ngram: int,
    strength: float,
    cache_dir: Path,
    name: str,
) -> Pipeline:
    """The same classifier, loaded from ``cache_dir`` when these examples were trained before.

    The FAQ topic model takes seconds to train on thousands of questions; a process that
    starts after another one trained it (Rasa, then the action server) loads it in
    milliseconds. The file name holds a hash of the examples, the recipe and scikit-learn's
    version, so a changed example or library never loads an old model. A cache that cannot
    be written (read-only disk) only costs the training time.
    """
    import joblib
    import sklearn

    recipe = [list(texts), list(labels), longest_ngram, strength, sklearn.__version__]
    key = hashlib.sha256(json.dumps(recipe, ensure_ascii=False).encode()).hexdigest()[:20]
    path = cache_dir / f"{name}-{key}.joblib"
    if path.is_file():
        try:
            return joblib.load(path)
        except Exception:  # any damage to a cache file means: train again
            logger.warning("cached %s model unreadable; training it again", name)
    model = train_text_classifier(texts, labels, longest_ngram, strength)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
        os.close(handle)
        joblib.dump(model, temporary)
        os.replace(temporary, path)
        for old in cache_dir.glob(f"{name}-*.joblib"):
            if old != path:
                old.unlink(missing_ok=True)  # trained on examples that changed since
    except OSError:
        logger.warning("could not cache the %s model in %s", name, cache_dir)
    return model
