"""The turn after a "Bedoel je ...?": what does the person's reply pick?

After "Bedoel je 'Klopt helemaal'?" people type "ja", "nee" or the number of
a button as often as they tap. A number then means the button shown (1 is
the first offered option, the last is "Iets anders"), not the question's
option with that number. Anything else is read as a fresh answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.check.assessment import Option, Question
from bot.understanding.normalise import normalize

YES = frozenset(
    {"ja", "jaa", "jaaa", "ja hoor", "jup", "jep", "yes", "klopt", "ja klopt", "precies",
     "dat bedoel ik", "ja dat bedoel ik", "ja dat", "ja die", "die", "oke", "ok", "okee",
     "jazeker", "ja zeker", "zeker", "correct", "juist", "ja precies", "ja graag"}
)  # fmt: skip
NO = frozenset(
    {"nee", "neee", "nee hoor", "nope", "neuh", "nah", "niet", "iets anders", "anders",
     "nee iets anders", "nee anders", "geen van beide", "geen van allebei", "allebei niet",
     "nee dat bedoel ik niet", "dat bedoel ik niet", "nee niet"}
)  # fmt: skip


@dataclass(frozen=True)
class Offer:
    """The options a "Bedoel je ...?" offered for one question."""

    question_id: str
    option_ids: tuple[str, ...]

    def encode(self) -> str:
        """As kept in the conversation (the ``clarifying`` slot): ``beroep:horeca,receptie``."""
        return f"{self.question_id}:{','.join(self.option_ids)}"

    @classmethod
    def decode(cls, value: object) -> Offer | None:
        if not isinstance(value, str) or value.count(":") != 1:
            return None
        question_id, options = value.split(":")
        ids = tuple(i for i in options.split(",") if i)
        return cls(question_id, ids) if question_id and ids else None


@dataclass(frozen=True)
class Reply:
    """An offered option was picked, or "none of these" was said."""

    option: Option | None
    none_of_these: bool = False
    #: "ja" to two options: ask again which one, never read it as an answer of its own.
    which_one: tuple[Option, ...] = ()


def read_reply(question: Question, offer: Offer | None, text: str) -> Reply | None:
    """The pick that ``text`` makes among the offered options; None to read it as an answer."""
    if offer is None or offer.question_id != question.id:
        return None
    offered = [o for o in (question.option(i) for i in offer.option_ids) if o is not None]
    if not offered:
        return None
    typed = normalize(text)
    words = typed.split()
    if len(words) == 1 and words[0].isdigit():
        number = int(words[0])
        if 1 <= number <= len(offered):
            return Reply(offered[number - 1])
        if number == len(offered) + 1:
            return Reply(None, none_of_these=True)
        return None
    if typed in YES:
        return Reply(offered[0]) if len(offered) == 1 else Reply(None, which_one=tuple(offered))
    if typed in NO:
        return Reply(None, none_of_these=True)
    return None
