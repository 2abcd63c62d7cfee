"""One recipe for the small text classifiers: character n-grams plus words.

Character n-grams carry typos ("bezrgen", "salaries"); words and word pairs
carry meaning and negation ("niet echt"). A linear model on both is accurate
on a few hundred examples and trains in well under a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

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
