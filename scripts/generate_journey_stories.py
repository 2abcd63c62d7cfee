"""Write the button-only journey test stories from the content (see tests/stories)."""

from bot.assessment import load_assessment
from bot.messages import choice_payload
a = load_assessment()

def user(text, intent):
    return [f"      - user: |\n          {text}\n        intent: {intent}"]

def start(greet_text="hoi", intent="greet"):
    return user(greet_text, intent) + [
        "      - action: action_start_check",
        "      - slot_was_set:\n          - check_status: in_progress",
        "      - action: assessment_form",
        "      - active_loop: assessment_form",
    ]

def answer_button(q, idx=0):
    return user(choice_payload(q, q.options[idx]), "inform") + ["      - action: assessment_form"]

def finish():
    return [
        "      - active_loop: null",
        "      - slot_was_set:\n          - requested_slot: null",
        "      - action: action_show_result",
        "      - slot_was_set:\n          - check_status: done",
    ]

def story(name, steps):
    return f"  - story: {name}\n    steps:\n" + "\n".join(steps)

qs = a.questions
stories = []
# 1 happy path, all buttons
steps = start()
for q in qs:
    steps += answer_button(q, 0)
steps += finish()
steps += user("hoi", "greet") + ["      - action: utter_already_done"]
stories.append(story("happy path by buttons from hello to result", steps))
# 2 no consent, then finish by buttons
steps = start("hallo", "greet") + user("nee", "deny") + ["      - action: assessment_form"]
for q in qs[1:]:
    steps += answer_button(q, len(q.options) - 1)
steps += finish()
stories.append(story("no consent still gives a result", steps))
print("version: \"3.1\"\n\nstories:\n" + "\n\n".join(stories))
