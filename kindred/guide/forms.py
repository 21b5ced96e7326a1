"""The guide as one form whose answers travel from page to page inside the form itself.

Each page shows the fields of its step and carries every other answer in hidden
inputs, so a visitor who is not signed in leaves nothing on the server (no session,
no draft). :data:`STEP_FIELDS` says which fields belong to which step; a field is
required only once its step has been reached.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _lazy
from pydantic import ValidationError

from kindred.guide import questions as q
from kindred.guide.questions import GuideAnswers
from kindred.measures.definitions import InstrumentDefinition
from kindred.therapy import vocabulary

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

STEPS: Final = ("safety", "crisis", "matters", "screening", "followup", "options", "summary")
STEP_TITLES: Final = {
    "safety": "A safety check first",
    "crisis": "Support you can reach now",
    "matters": "What matters to you",
    "screening": "A few questions about how you have been (optional)",
    "followup": "A few more questions",
    "options": "Your options side by side",
    "summary": "Your next steps",
}
# Items asked on the follow-up page: the short screen's items are the same questions.
FOLLOW_UP_FROM: Final = {"phq9": ("phq2", 2), "gad7": ("gad2", 2), "audit": ("auditc", 3)}
CHOOSE = _lazy("Please choose an answer.")


def _radio(choices: q.Choices, label: StrOrPromise, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={
            "required": CHOOSE,
            "invalid_choice": _lazy("Please choose one of the answers."),
        },
        **kwargs,
    )


def _checkboxes(choices: q.Choices, label: StrOrPromise) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, widget=forms.CheckboxSelectMultiple, required=False
    )


def item_field_name(instrument: str, item_id: str) -> str:
    return f"{instrument}_{item_id}"


def screening_items(definition: InstrumentDefinition) -> tuple[Any, ...]:
    """The items the guide asks for this instrument (a follow-up skips the repeated ones)."""
    skip = FOLLOW_UP_FROM.get(definition.id, ("", 0))[1]
    return definition.items[skip:]


class GuideForm(forms.Form):
    step = forms.ChoiceField(choices=[(s, s) for s in STEPS], widget=forms.HiddenInput)
    crisis_seen = forms.BooleanField(required=False, widget=forms.HiddenInput)

    safety_thoughts = _radio(q.YES_NO, q.SAFETY_QUESTIONS[0][1])
    safety_intent = _radio(q.YES_NO, q.SAFETY_QUESTIONS[1][1])
    safety_danger = _radio(q.YES_NO, q.SAFETY_QUESTIONS[2][1])
    age_group = _radio(q.AGE_GROUPS, _lazy("How old are you?"))

    topics = _checkboxes(q.TOPICS, _lazy("What would you like support with?"))
    max_fee = forms.DecimalField(
        label=_lazy("The most you could pay for one session"),
        help_text=_lazy("Leave it blank if cost does not limit you; 0 means free options only."),
        min_value=0,
        max_value=10000,
        max_digits=8,
        decimal_places=2,
        required=False,
    )
    insurance = forms.BooleanField(
        label=_lazy("I would like to use health insurance"), required=False
    )
    lived_experience = _radio(q.IMPORTANCE, q.MATTERS[0][1])
    expertise = _radio(q.IMPORTANCE, q.MATTERS[1][1])
    privacy = _radio(q.IMPORTANCE, q.MATTERS[2][1])
    style = _radio(q.STYLES, _lazy("Which suits you better?"))
    times = _checkboxes(q.TIMES, _lazy("When are you usually free?"))
    formats = _checkboxes(q.FORMATS, _lazy("How would you like to meet?"))
    language = forms.ChoiceField(
        label=_lazy("Which language would you like support in?"),
        choices=vocabulary.LANGUAGES,
        required=False,
    )
    modalities = _checkboxes(
        vocabulary.MODALITIES,
        _lazy("If you are thinking about therapy: any approach you would like?"),
    )

    impairment = _radio(q.IMPAIRMENT, _lazy("How much is this getting in the way of daily life?"))
    auditc_cutoff = _radio(
        q.AUDITC_CUTOFFS,
        _lazy("The drinking questions use different cut-offs for women and men."),
    )

    choice = _radio(q.CHOICES, _lazy("Which option do you lean towards?"))

    REQUIRED: Final = {
        "safety": ("safety_thoughts", "safety_intent", "safety_danger"),
        "matters": ("lived_experience", "expertise", "privacy", "style"),
        "options": ("choice",),
    }
    DEFAULTS: Final = {
        "lived_experience": "somewhat",
        "expertise": "somewhat",
        "privacy": "somewhat",
        "style": "either",
        "language": "en",
        "auditc_cutoff": "unsure",
    }

    def __init__(
        self,
        *args: Any,
        available: Mapping[str, InstrumentDefinition],
        reached: str = "safety",
        ask_age: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.available = available
        self.ask_age = ask_age
        self.instrument_fields: dict[str, list[tuple[Any, str]]] = {}
        for instrument in q.SCREENING_INSTRUMENTS:
            definition = available.get(instrument)
            if definition is None:
                continue
            names = []
            for item in screening_items(definition):
                name = item_field_name(instrument, item.id)
                self.fields[name] = forms.TypedChoiceField(
                    label=item.text,
                    choices=[(o.value, o.label) for o in definition.options_for(item)],
                    coerce=int,
                    empty_value=None,
                    required=False,
                    widget=forms.RadioSelect,
                    error_messages={
                        "invalid_choice": gettext("Please choose one of the answers shown.")
                    },
                )
                names.append((item, name))
            self.instrument_fields[instrument] = names
        upto = STEPS.index(reached) if reached in STEPS else 0
        for step in STEPS[: upto + 1]:
            for name in self.REQUIRED.get(step, ()):
                self.fields[name].required = True

    # --- Which fields each page shows -----------------------------------------------

    def step_fields(self, step: str, follow_ups: tuple[str, ...] = ()) -> list[str]:
        if step == "safety":
            return [
                "safety_thoughts",
                "safety_intent",
                "safety_danger",
                *(["age_group"] if self.ask_age else []),
            ]
        if step == "matters":
            return [
                "topics",
                "lived_experience",
                "expertise",
                "privacy",
                "style",
                "max_fee",
                "insurance",
                "times",
                "formats",
                "language",
                "modalities",
            ]
        if step == "screening":
            return [
                *(n for i in q.SHORT_SCREENS for _, n in self.instrument_fields.get(i, [])),
                *(["auditc_cutoff"] if "auditc" in self.instrument_fields else []),
                "impairment",
            ]
        if step == "followup":
            return [n for i in follow_ups for _, n in self.instrument_fields.get(i, [])]
        if step == "options":
            return ["choice"]
        return []

    def hidden_fields_for(self, visible: list[str]) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in visible and name != "step"]

    def instrument_items(self, instrument: str) -> list[tuple[Any, forms.BoundField]]:
        return [(item, self[name]) for item, name in self.instrument_fields.get(instrument, [])]

    # --- From the form to the answers ------------------------------------------------

    def screening_answers(self) -> dict[str, dict[str, int]]:
        data = self.cleaned_data
        given: dict[str, dict[str, int]] = {}
        for instrument, fields in self.instrument_fields.items():
            items = {item.id: data[name] for item, name in fields if data.get(name) is not None}
            if not items:
                continue
            source = FOLLOW_UP_FROM.get(instrument)
            if source is not None:
                # The follow-up's first items are the short screen's answers.
                items = {**given.get(source[0], {}), **items}
            given[instrument] = items
        return given

    def answers(self) -> GuideAnswers:
        """The answers as the shared model; form errors for anything it refuses."""
        data = self.cleaned_data
        values: dict[str, Any] = {
            name: data[name]
            for name in q.FIELD_QUESTIONS
            if name in data and data[name] not in (None, "")
        }
        for name, default in self.DEFAULTS.items():
            values.setdefault(name, default)
        values["screening"] = self.screening_answers()
        try:
            return GuideAnswers.model_validate(values)
        except ValidationError as exc:
            raise forms.ValidationError(
                "; ".join(str(err["msg"]) for err in exc.errors())
            ) from None

    def carried_initial(self) -> dict[str, Any]:
        """Cleaned answers as the initial values of the next page's form."""
        kept = {
            name: value
            for name, value in self.cleaned_data.items()
            if value not in (None, "", []) and name != "step"
        }
        return {**self.DEFAULTS, **kept}
