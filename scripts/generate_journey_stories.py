"""Write the button-only journey test stories from the content.

Usage: .venv/bin/python scripts/generate_journey_stories.py > tests/stories/test_journey.yml
"""

from __future__ import annotations

from bot.check.assessment import Assessment, Question, load_assessment
from bot.conversation.messages import choice_payload

HEADER = """\
# The whole journey, by buttons. Generated from bot/content/questions.yml:
#   .venv/bin/python scripts/generate_journey_stories.py > tests/stories/test_journey.yml
version: "3.1"

stories:
"""


def user(text: str, intent: str) -> list[str]:
    return [f"      - user: |\n          {text}\n        intent: {intent}"]


def action(name: str) -> str:
    return f"      - action: {name}"


def status(value: str) -> str:
    return f"      - slot_was_set:\n          - check_status: {value}"


def start(text: str) -> list[str]:
    return [
        *user(text, "greet"),
        action("action_start_check"),
        status("in_progress"),
        action("assessment_form"),
        "      - active_loop: assessment_form",
    ]


def answer(question: Question, index: int) -> list[str]:
    return [*user(choice_payload(question, question.options[index]), "inform"),
            action("assessment_form")]  # fmt: skip


def finish() -> list[str]:
    return [
        "      - active_loop: null",
        "      - slot_was_set:\n          - requested_slot: null",
        action("action_show_result"),
        status("done"),
    ]


def story(name: str, steps: list[str]) -> str:
    return f"  - story: {name}\n    steps:\n" + "\n".join(steps)


def journey_stories(assessment: Assessment) -> str:
    happy = start("hoi")
    for question in assessment.questions:
        happy += answer(question, 0)
    happy += [
        *finish(),
        *user("waarom dit advies?", "ask_advice_why"),
        action("action_explain_advice"),
        *user("meer advies", "more_advice"),
        action("action_more_advice"),
        *user("wat is mijn deelcode", "share_code"),
        action("action_share_code"),
        *user("code intrekken", "withdraw_code"),
        action("action_withdraw_share_code"),
        *user("wat weet je van mij", "show_my_data"),
        action("action_show_my_data"),
        *user("hoi", "greet"),
        action("utter_already_done"),
    ]

    no_consent = [*start("hallo"), *user("nee", "deny"), action("assessment_form")]
    for question in assessment.questions[1:]:
        no_consent += answer(question, len(question.options) - 1)
    no_consent += finish()
    return HEADER + "\n\n".join(
        [
            story("happy path by buttons from hello to result", happy),
            story("no consent still gives a result", no_consent),
        ]
    )


def main() -> None:
    print(journey_stories(load_assessment()))


if __name__ == "__main__":
    main()
