"""Play one vignette through the real skill and record what was heard (a transcript)."""

from __future__ import annotations

from dataclasses import dataclass, field

from evaluate.device import Device, Handler, Heard, Say
from evaluate.patient import CORRECTION, Patient
from evaluate.vignettes import SELF_CARE_UNSAFE_FLAGS, Truth, Vignette

MAX_TURNS = 40


@dataclass(frozen=True)
class Turn:
    said: str
    heard: Heard
    probe: bool = False  # the follow-up after the result ("how do I do PRICE?")
    #: Questions the patient had answered when this reply was heard (its question is answered next).
    answered_before: int = 0


#: After an urgent result the patient asks for home care: the warning must still lead, and PRICE
#: must not be given under a clot, ischaemia, compartment or infection flag (review rows 3, 23).
PROBE = "how do i do price"


@dataclass
class Transcript:
    vignette: Vignette
    turns: list[Turn] = field(default_factory=list)
    patient: Patient | None = None
    unrouted: list[str] = field(default_factory=list)
    hit_turn_cap: bool = False

    @property
    def result(self) -> Heard | None:
        """The skill's last reply in the interview (the follow-up probe left out)."""
        turns = [t for t in self.turns if not t.probe]
        return turns[-1].heard if turns else None

    @property
    def probe(self) -> Heard | None:
        return next((t.heard for t in self.turns if t.probe), None)


def corrections_routable(locale: str) -> bool:
    """Whether the voice model routes a spoken correction ("no, I meant no") to a real intent."""
    from simulator.nlu import resolve

    return all(
        (resolve(words, locale, None).intent or "AMAZON.FallbackIntent") != "AMAZON.FallbackIntent"
        for words in (CORRECTION[Truth.NO], CORRECTION[Truth.YES])
    )


def play(v: Vignette, handler: Handler) -> Transcript:
    device = Device(handler, v.locale)
    routable = corrections_routable(v.locale) if v.corrected else True
    patient = Patient(v, corrections_routable=routable)
    transcript = Transcript(v, patient=patient)
    if v.launch:
        transcript.turns.append(Turn("open knee helper", device.launch()))
        say: Say | None = Say(v.opening)
    else:
        say = patient.opening()
    while say is not None:
        if len(transcript.turns) >= MAX_TURNS:
            transcript.hit_turn_cap = True
            break
        heard = device.say(say)
        transcript.turns.append(Turn(say.words, heard, answered_before=len(patient.asked)))
        say = patient.reply(heard)
    last = transcript.turns[-1].heard if transcript.turns else None
    urgent = v.expect.level >= 3 or bool(v.expect.flags & SELF_CARE_UNSAFE_FLAGS)
    if urgent and last is not None and not last.ends and not transcript.hit_turn_cap:
        transcript.turns.append(Turn(PROBE, device.say(Say(PROBE)), probe=True))
    transcript.unrouted = list(device.unrouted)
    return transcript
