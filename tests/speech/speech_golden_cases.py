"""Representative replies whose rendered SSML is kept in tests/golden/ssml/ (the project's own wording).

Each case maps a golden file stem to a reply and render options. A case with ``reprompt=True`` also
has ``<stem>.reprompt.ssml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from speech import (
    Duration,
    EmergencyGuidance,
    Emphasis,
    EmphasisLevel,
    InterpretAs,
    Limits,
    Paragraph,
    Pause,
    PhoneNumber,
    Priority,
    Reply,
    SayAs,
    paragraph,
    sentence,
    spoken_list,
    steps,
    with_emergency,
)


@dataclass(frozen=True)
class GoldenCase:
    reply: Reply
    options: dict[str, Any] = field(default_factory=dict)
    reprompt: bool = False


def dvt_guidance(number: PhoneNumber) -> EmergencyGuidance:
    return EmergencyGuidance(
        full=(
            sentence(
                "Swelling, warmth or redness in one calf may be a sign of a blood clot,",
                "and that needs a doctor now.",
            ),
            sentence(
                "Please phone", number, "yourself, or get someone to take you to an emergency department."
            ),
            sentence("I can't call anyone for you."),
            sentence("Don't rub or massage the leg while you wait."),
        ),
        short=(sentence("If you haven't yet, please phone", number, "now."),),
        card_title=f"Possible blood clot: phone {number.digits} now",
    )


def _dvt_reply(number: PhoneNumber) -> Reply:
    return with_emergency(
        Reply(
            (sentence("While you wait, sit or lie down with the leg resting.", priority=Priority.ESSENTIAL),),
            reprompt=(sentence("Have you been able to phone for help?"),),
        ),
        dvt_guidance(number),
    )


_PRICE = Reply.answer_first(
    sentence("For a strained muscle behind the knee, PRICE may help for the first two or three days."),
    steps(
        ("protect the knee from more strain",),
        ("rest it, and keep off it when it hurts",),
        ("ice it for", Duration(minutes=20), "every two to three hours, with the ice wrapped in a towel"),
        ("compress it with an elastic bandage that is snug, not tight",),
        ("elevate the leg above the level of your heart when you can",),
        intro=("Here's how",),
        priority=Priority.HIGH,
    ),
    sentence(
        "If the pain gets worse, or your calf swells, see a doctor the same day.", priority=Priority.HIGH
    ),
    reprompt=(sentence("Would you like me to repeat the steps, or set a reminder for the ice?"),),
    card_title="PRICE for a sore knee",
)

_EXPLAINER = Reply.answer_first(
    sentence(
        "A lump behind the knee ", Emphasis("may"), " be a Baker's cyst: a pocket of fluid from the joint."
    ),
    paragraph(
        sentence(
            "It often comes with arthritis or a cartilage tear, and it may feel tight when you bend the knee."
        ),
        sentence("It is most common in people over", SayAs("40", InterpretAs.CARDINAL), "."),
    ),
    Paragraph(
        (
            sentence(
                "If it bursts, the calf can become",
                Emphasis("swollen, red and painful", EmphasisLevel.STRONG),
                ".",
            ),
            sentence(Pause(300), "That looks a lot like a blood clot, so get it checked the same day."),
        ),
        Priority.HIGH,
    ),
    card_title="Baker's cyst",
)

_SLOW_REPEAT = Reply(
    (sentence("While you wait, sit or lie down with the leg resting.", priority=Priority.ESSENTIAL),),
    reprompt=(sentence("Have you been able to phone for help?"),),
    emergency=dvt_guidance(PhoneNumber("999")),
    slow=True,
)

_LONG = Reply.answer_first(
    sentence("Pain behind the knee has many causes; the commonest may be a strained muscle."),
    spoken_list(
        "a hamstring or calf strain",
        "a Baker's cyst",
        "a meniscus tear",
        "arthritis",
        intro=("Other causes include",),
        priority=Priority.HIGH,
    ),
    paragraph(
        sentence("A hamstring strain often follows sprinting or a sudden change of direction."),
        sentence("A calf strain may follow jumping or pushing off hard."),
        priority=Priority.DETAIL,
    ),
    paragraph(
        sentence("A meniscus tear may make the knee catch, lock or give way."),
        sentence("Arthritis tends to build up slowly, with stiffness in the morning."),
        priority=Priority.NORMAL,
    ),
    paragraph(
        sentence("Pain in the back of the knee can also come from the lower back."),
        priority=Priority.DETAIL,
    ),
    reprompt=(sentence("Which of these sounds most like you?"),),
    card_title="Why the back of your knee may hurt",
)

CASES: dict[str, GoldenCase] = {
    "dvt_emergency_en_us": GoldenCase(_dvt_reply(PhoneNumber("911")), reprompt=True),
    "dvt_emergency_en_au": GoldenCase(_dvt_reply(PhoneNumber("000", spoken="triple zero")), reprompt=True),
    "price_steps": GoldenCase(_PRICE),
    "explainer_with_emphasis": GoldenCase(_EXPLAINER),
    "slow_repeat_en_gb": GoldenCase(_SLOW_REPEAT),
    # Small limits keep the golden file readable; the same mechanism trims at 8,000 characters.
    "trimmed_long_reply_say_more": GoldenCase(_LONG, {"limits": Limits(speech_chars=450)}),
}
