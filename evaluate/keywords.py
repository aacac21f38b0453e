"""Which finding a spoken question asks about, by keywords: the patient's only way to understand.

The table maps each finding id (or ``age``) to alternatives; an alternative is terms joined by
``&``, and a term starting with ``!`` must NOT occur. A term is a regular expression matched from a
word start in the lower-cased question (``swol`` matches "swollen"; ``a|b`` is either). A question
asks about a finding when one of its alternatives matches; the table is written so that every
question the interview can ask, in every locale, matches exactly one entry (a test checks it
against the compiled content, including the simpler re-ask wordings of triage v2).

Keys are plain strings, not ``triage.Finding`` members, so the table can name v2 findings before
the triage core has them. Nothing here reads the skill's state or question ids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

AGE = "age"
#: Offers to start the symptom questions ("Would you like to start with a few questions?").
START_OFFER = "start_offer"

KEYWORDS: dict[str, tuple[str, ...]] = {
    AGE: ("how old", "your age", "what age"),
    # --- life-threatening screen ---------------------------------------------------------------
    "pe_signs": ("breath & chest",),
    "breathlessness": ("breath & !chest & !cough & !heart",),
    "chest_pain": ("chest & !breath & !heart",),
    "coughing_blood": ("cough & blood & !chest & !breath",),
    "faint_or_racing_heart": ("faint|passed out & heart",),
    "fainting": ("faint|passed out|blacked out|collapse & !breath & !chest & !heart",),
    "racing_heart": (
        "heart & racing|pounding|fast|thumping|fluttering & !chest pain & !faint & !passed out",
    ),
    "leg_circulation": ("cold|pale & numb|weak",),
    "cold_pale_leg": ("cold|pale|blotchy|mottled & !cramp & !hot and cold & !numb & !weak",),
    "sudden_numb_weak_leg": (
        "sudden & numb|weak|paraly & !cold & !pale & !bladder & !bowel & !peeing",
        "move your foot|move the foot|move your toes & !cold",
    ),
    "bladder_bowel_change": (
        r"bladder|bowel|genital|saddle|wee\b|pee\b|peeing|pooing"
        r" & !bowel disease|bowel illness|crohn|colitis|heart",
    ),
    # --- clot signs -------------------------------------------------------------------------------
    "swelling_calf": (
        "calf & swol|swell & !whole & !entire & !tight & !hard",
        "calf & bigger|puffier & !whole & !tight",
    ),
    "swelling_whole_leg": (
        "whole|entire & leg & swol|swell",
        "whole|entire & leg & bigger|puffier",
        "leg & swol|swell & !calf & !knee & !hour & !quick",
    ),
    "tight_calf": ("calf & tight|hard & !vein",),
    "skin_changes": (r"warm & red\b", r"red\b & dark", "bigger & warm"),
    "warmth": (r"warm & !red\b & !dark & !knee",),
    "redness": (r"red\b & !warm & !dark & !hot", "redder & !warm & !dark & !bigger"),
    "discolouration": (r"dark|purple|blu & !warm & !red\b",),
    "hard_tender_veins": ("vein & !warm",),
    "pain_flexing_foot": ("toes up|flex your foot|pull your foot|foot up & !warm",),
    # --- clot risk factors ------------------------------------------------------------------------
    "recent_immobility": ("operation|surgery & plaster|cast & travel|journey|flight", "surgery & cast & bed"),
    "recent_surgery": ("operation|surgery & !plaster & !cast & !travel & !journey & !flight",),
    "bed_rest_3_days": ("bed|hospital & !operation & !surgery & !plaster & !journey & !travel",),
    "plaster_cast": ("plaster|cast & !operation & !surgery & !broken|fracture|crush",),
    "long_journey": ("journey|travel|flight|flew|hours by|long trip & !operation & !surgery & !sitting",),
    "fracture_or_crush": ("broken|break|fracture|crush & !operation & !surgery",),
    "hormonal_risk": ("pregnan & pill|h r t|hrt|hormone & !cancer",),
    "pregnant_or_postpartum": ("pregnan|birth|baby & !pill & !h r t & !hrt & !hormone",),
    "hormones": ("pill|h r t|hrt|patch|hormone & !pregnan",),
    "clot_history": ("cancer & clot",),
    "cancer": ("cancer|chemo & !clot",),
    "previous_clot": ("clot & !cancer & !family|parent|brother|sister|disorder|condition|tendency",),
    "clotting_tendency": ("clotting disorder|clotting condition|family|parent|brother|sister & !cancer",),
    "heart_or_bowel_disease": (
        "heart failure|bowel disease|crohn|colitis & !cancer",
        "heart & bowel & !cancer",
    ),
    "blood_thinners": ("blood thin|anticoag|warfarin",),
    # --- injury -----------------------------------------------------------------------------------
    "recent_injury": ("injur|hurt your knee & !swel|swol & !crush & !broken|break|fracture",),
    "rapid_swelling": ("swel|swol & hour|quick|rapid|fast|straight away",),
    "severity_signs": ("severe & weak & steps",),
    "cannot_bear_weight": ("(4|four) steps & !weak", "weight on & !thin", "walk on it"),
    "cannot_bend_90": ("right angle|90|ninety|bend your knee as far & !weak",),
    "knee_signs": ("swol|swell & lock & give way",),
    "deformity": ("shape|deform|out of place & !lock",),
    "locked_now": ("lock & now|straighten|stuck & !sometimes",),
    "locking": ("catch|lock & !now & !straighten & !give way & !swol",),
    "pain_thigh": ("thigh",),
    "severe_pain": ("severe|very bad|really bad & pain & !weak & !sudden",),
    "severe_weakness": ("weak & severe|worse|worsening|foot drop|drag & !sudden & !numb & !steps",),
    "weakness": ("weak & !severe & !worse & !worsening & !sudden & !numb & !foot drop & !drag & !heart",),
    "mech_twist": ("twist",),
    "mech_pivot": ("pivot|planted|turning on one",),
    "mech_jump": ("jump|landing",),
    "mech_sprint": ("sprint|burst",),
    "mech_direction_change": ("direction|side ?step",),
    "mech_blow_or_fall": ("fall|fell|blow|knock|tackle",),
    "mech_long_sitting_or_travel": ("sitting & still|long time|hours & !stairs",),
    "mech_overuse": ("running|skiing|repeated|overuse|a lot of",),
    # --- what the user notices --------------------------------------------------------------------
    "popping": (r"pop\b|popped|popping",),
    "grinding": ("grind|crack|click|crunch",),
    "swelling_knee": (
        "knee & swol|swell & !hot & !behind & !lump & !calf & !hour & !quick & !rapid & !fever & !whole",
        "knee & bigger|puffier & !warm & !hot",
    ),
    "knee_hot": ("knee & hot & !fever & !lock & !swol & !swell", "knee & warm & !puffy"),
    "knee_swollen_or_hot": ("knee & swol|swell & hot & !lock", "knee & puffy & warm"),
    "other_signs": ("lump & cramp & back pain",),
    "lump_behind_knee": ("lump|bulge|bump & !throb & !puls & !cramp",),
    "pulsating_lump": ("throb|puls & !pain in one",),
    "stiffness": ("stiff",),
    "giving_way": ("give way|gives way|giving way|buckle|give out|gives out & !lock & !swol",),
    "pain_on_stairs_or_sitting": ("stairs",),
    "pain_bending_against_resistance": ("resistance",),
    "numbness_tingling": (
        "numb|tingl|pins and needles & !sudden & !bottom & !genital & !bladder & !cold & !pale",
    ),
    "back_pain": ("lower back|your back & !knee & !thigh",),
    "one_leg": ("one leg|one side & !both & !turning & !planted",),
    "both_legs": ("both legs|both sides",),
    "persistent_weeks": ("few weeks & !lump", "weeks & better|improv|going on & !operation & !birth & !lump"),
    "pain_kneecap": ("kneecap",),
    "pain_calf": ("calf & hurt|pain|sore|ache|tender & !swol & !swell & !tight & !cramp & !toes",),
    "pain_behind_knee": (
        r"back of your knee\b|behind your knee\b|behind the knee\b & !lump & !swol & !swell",
    ),
    "sudden_onset": ("start|come on|came on|begin|began & sudden|all at once & !numb & !weak & !worse",),
    "gradual_onset": ("slowly|gradual|over time",),
    "sudden_worsening": ("sudden|quick & worse",),
    "cramping": ("cramp & !10 & !ten & !minute & !night & !wak & !sleep & !lump",),
    "cramp_over_10_min": ("cramp & 10|ten|minute",),
    "cramps_at_night": ("cramp & night|wak|sleep",),
    "fever_unwell": ("fever|unwell|temperature|shiver|hot and cold",),
    "joint_replacement_or_injection": ("artificial|replacement|injection|new knee & !lock",),
}

#: Offers to start or carry on with the questions (answered "yes" before the result).
START_OFFER_KEYWORDS: tuple[str, ...] = (
    "narrow",
    "few (quick |short |more )?questions",
    "some questions",
    "ask you",
    "start (the|some|a few|with a few|with some) (quick |short )?(questions|check|symptom)",
    "symptom check",
    "work (it )?out",
    "go through",
    "shall we|shall i",
)


@dataclass(frozen=True)
class _Alternative:
    required: tuple[re.Pattern[str], ...]
    forbidden: tuple[re.Pattern[str], ...]

    def matches(self, text: str) -> bool:
        return all(p.search(text) for p in self.required) and not any(p.search(text) for p in self.forbidden)


def _term(raw: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + raw.strip() + ")")


def _alternative(spec: str) -> _Alternative:
    required: list[re.Pattern[str]] = []
    forbidden: list[re.Pattern[str]] = []
    for raw in spec.split("&"):
        part = raw.strip()
        if part.startswith("!"):
            forbidden.append(_term(part[1:]))
        else:
            required.append(_term(part))
    return _Alternative(tuple(required), tuple(forbidden))


@cache
def _compiled() -> tuple[tuple[str, tuple[_Alternative, ...]], ...]:
    return tuple((key, tuple(_alternative(a) for a in alts)) for key, alts in KEYWORDS.items())


def _prepare(question: str) -> str:
    return " " + question.lower().replace("’", "'") + " "


def matches(question: str) -> list[str]:
    """Every table entry (finding id or ``age``) whose keywords the question contains."""
    text = _prepare(question)
    return [key for key, alts in _compiled() if any(a.matches(text) for a in alts)]


def is_start_offer(question: str) -> bool:
    text = _prepare(question)
    return any(re.search(r"\b(?:" + k + ")", text) for k in START_OFFER_KEYWORDS)


@dataclass(frozen=True)
class Understood:
    """What the patient made of the question: a finding id, ``age``, a start offer, or nothing."""

    key: str | None
    ambiguous: tuple[str, ...] = ()


def understand(question: str) -> Understood:
    """The one thing ``question`` asks about. With several matches, the most specific one wins
    (most keywords), and the ambiguity is reported."""
    if not question:
        return Understood(None)
    found = matches(question)
    if len(found) == 1:
        return Understood(found[0])
    if found:
        text = _prepare(question)

        def specificity(key: str) -> int:
            return max(len(a.required) + len(a.forbidden) for a in dict(_compiled())[key] if a.matches(text))

        best = max(found, key=specificity)
        return Understood(best, tuple(found))
    if is_start_offer(question):
        return Understood(START_OFFER)
    return Understood(None)


#: Findings named for what the person CANNOT do: asked either way round ("Are you unable to take 4
#: steps?" or "Can you take 4 steps?"). Without a negation in the question, "yes" means the finding
#: is absent.
_NEGATION = re.compile(r"\b(?:unable|can't|cannot|can not|not able|couldn't|could not|won't)\b")
INVERTIBLE: frozenset[str] = frozenset({"cannot_bear_weight", "cannot_bend_90"})


def asked_positively(key: str, question: str) -> bool:
    """False when a "yes" to ``question`` means the finding ``key`` is absent ("Can you walk?")."""
    if key not in INVERTIBLE:
        return True
    return bool(_NEGATION.search(question.lower().replace("’", "'")))
