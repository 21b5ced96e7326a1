"""``/crisis-resources``: where to get help now. No login, like the page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema

from kindred.accounts.models import User
from kindred.api.schemas import InputSchema
from kindred.safety.crisis import crisis_context
from kindred.safety.models import CrisisCountry

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

router = Router(tags=["safety"])


class CrisisLineOut(Schema):
    name: str
    description: str
    phone: str
    phone_uri: str = Field(description="tel: link for the phone number; empty without one.")
    text: str = Field(description="How to text the line, e.g. 'Text HOME to 741741'.")
    sms_number: str = Field(description="The number to text; empty if the line takes no texts.")
    sms_keyword: str = Field(description="The word to send first, if the line asks for one.")
    sms_uri: str = Field(description="sms: link with the keyword prefilled; empty without one.")
    chat_url: str
    website: str
    hours: str


class CrisisCountryOut(Schema):
    code: str
    name: str
    emergency_number: str
    lines: list[CrisisLineOut]


class AsCaller:
    """The request with the API caller as its user, for :func:`crisis_context`.

    A token caller has no session user, and their account's country should still
    choose the crisis lines.
    """

    def __init__(self, request: HttpRequest, user: User) -> None:
        self._request = request
        self.user = user

    def __getattr__(self, name: str) -> Any:
        return getattr(self._request, name)


class SupportOut(Schema):
    level: str = Field(description="How worried the screening is: low, moderate or high.")
    message: str
    country: CrisisCountryOut | None = Field(description="Crisis lines for your country.")
    anywhere: CrisisCountryOut | None = Field(description="Lines that work from anywhere.")
    get_help_url: str
    safety_plan_url: str


# What someone who just wrote something worrying reads above the crisis resources.
WROTE_SOMETHING_WORRYING = gettext_lazy(
    "We're glad you wrote this down. You don't have to carry it alone. If you might act "
    "on these thoughts, please reach out to someone now."
)


def describe_support(
    request: Any, level: str, message: StrOrPromise = WROTE_SOMETHING_WORRYING
) -> dict[str, Any]:
    """Crisis resources to show someone who just wrote something worrying, for the
    country of ``request.user`` (else the browser's language, else the default)."""
    context = crisis_context(request)
    return {
        "level": level,
        "message": str(message),
        "country": describe_country(context["country"]),
        "anywhere": describe_country(context["anywhere"]),
        "get_help_url": reverse("get_help"),
        "safety_plan_url": reverse("safety_plan"),
    }


def describe_country(country: CrisisCountry | None) -> dict[str, Any] | None:
    if country is None:
        return None
    return {
        "code": country.code,
        "name": country.name,
        "emergency_number": country.emergency_number,
        # .all() uses the prefetched lines.
        "lines": [
            {
                **{field: getattr(line, field) for field in CrisisLineOut.model_fields},
                # The wording the pages show: the staff's, or one made from the number.
                "text": line.text_label,
            }
            for line in country.lines.all()
        ],
    }


class CountryOut(Schema):
    code: str
    name: str


class CrisisResourcesOut(Schema):
    selected: str = Field(description="The country shown; XX when none matched.")
    country: CrisisCountryOut | None
    anywhere: CrisisCountryOut | None = Field(description="Lines that work from anywhere.")
    countries: list[CountryOut]


class CrisisQuery(InputSchema):
    country: str = Field(
        default="",
        max_length=8,
        description="ISO 3166-1 alpha-2 code, e.g. GB. Without it: the account's "
        "country, then the browser's language, then the site default.",
    )


@router.get(
    "/crisis-resources",
    auth=None,
    # Never refuse someone looking for a crisis line; the data is static and small.
    throttle=[],
    response=CrisisResourcesOut,
    summary="Crisis lines for a country",
)
def get_crisis_resources(request: HttpRequest, query: Query[CrisisQuery]) -> dict[str, Any]:
    # The same choice and data as the "Get help now" page, so the two never disagree.
    context = crisis_context(request)
    return {
        "selected": context["selected"],
        "country": describe_country(context["country"]),
        "anywhere": describe_country(context["anywhere"]),
        "countries": [{"code": c.code, "name": c.name} for c in context["countries"]],
    }
