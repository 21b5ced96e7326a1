"""Forms built from an instrument definition: the whole questionnaire, or one item."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kindred.measures.definitions import InstrumentDefinition, Item
from kindred.measures.scoring import IncompleteResponse, ScoringError, score

CHOOSE_AN_ANSWER = _("Please choose an answer.")


def _field(definition: InstrumentDefinition, item: Item, *, required: bool) -> forms.Field:
    return forms.TypedChoiceField(
        label=item.text,
        choices=[(o.value, o.label) for o in definition.options_for(item)],
        coerce=int,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
        error_messages={
            "required": CHOOSE_AN_ANSWER,
            "invalid_choice": _("Please choose one of the answers shown."),
        },
    )


class QuestionnaireForm(forms.Form):
    """Every item. Blank items are allowed as far as the instrument's missing-item rule
    allows (PHQ-9: one); past that, each blank item gets its own error."""

    def __init__(self, definition: InstrumentDefinition, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        for item in definition.items:
            self.fields[item.id] = _field(definition, item, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            score(self.definition, self.answers())
        except IncompleteResponse:
            for item in self.definition.items:
                if cleaned.get(item.id) is None:
                    self.add_error(item.id, CHOOSE_AN_ANSWER)
        except ScoringError as exc:
            raise forms.ValidationError(str(exc)) from None
        return cleaned

    def answers(self) -> dict[str, int | None]:
        return {item.id: self.cleaned_data.get(item.id) for item in self.definition.items}

    def items(self) -> list[tuple[Item, forms.BoundField]]:
        return [(item, self[item.id]) for item in self.definition.items]


class DraftForm(QuestionnaireForm):
    """The whole questionnaire as far as it has been answered, for a draft: each answer
    must be one of the item's options, but blanks are fine and nothing is scored."""

    def clean(self) -> dict[str, Any]:
        return self.cleaned_data

    def partial_answers(self) -> dict[str, int]:
        return {key: value for key, value in self.answers().items() if value is not None}


class StepForm(forms.Form):
    """One item, for the one-question-per-screen mode. "Back" needs no answer."""

    step = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    nav = forms.ChoiceField(
        choices=[("next", _("Next")), ("back", _("Back"))],
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(
        self, definition: InstrumentDefinition, item: Item, *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.item = item
        going_back = self.data.get("nav") == "back" if self.is_bound else False
        self.fields["answer"] = _field(definition, item, required=not going_back)


class AssignForm(forms.Form):
    """A therapist's "please complete this" for one client; choices set by the view."""

    member = forms.TypedChoiceField(label=_("Client"), coerce=int)
    instrument = forms.ChoiceField(label=_("Questionnaire"))
    every_days = forms.IntegerField(
        label=_("Every how many days"), min_value=1, max_value=365, required=False
    )
    before_sessions = forms.BooleanField(label=_("Before each session"), required=False)

    def __init__(
        self,
        *args: Any,
        clients: list[tuple[int, str]],
        instruments: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = clients  # type: ignore[attr-defined]
        self.fields["instrument"].choices = instruments  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("every_days") is None and not data.get("before_sessions"):
            raise forms.ValidationError(
                gettext("Choose every so many days, before each session, or both.")
            )
        return data
