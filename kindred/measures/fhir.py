"""A member's questionnaire results as a FHIR Bundle, built with ``fhir.resources``.

The models are ``fhir.resources.R4B`` (FHIR 4.3.0): ``fhir.resources`` 7+ puts R5 at the
top level and R4B in a sub-package; Questionnaire, QuestionnaireResponse, Observation,
Patient and Bundle are wire-compatible with R4 for everything used here.

The Bundle (type ``collection``) holds a bare Patient with an opaque id — no name, no
email, nothing a reader could tie to the account without our secret key — one
Questionnaire per instrument used, and for each response a QuestionnaireResponse and an
Observation carrying the total (with the instrument's LOINC total-score code when it has
one, a local code otherwise). Building every resource through the models validates it.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from kindred.accounts.models import User
from kindred.measures.definitions import InstrumentDefinition, get_definition
from kindred.measures.models import Response

FHIR_VERSION = "4.3.0"
LOINC = "http://loinc.org"
# Local identifiers: URNs, since Kindred has no public terminology server.
LOCAL_CODES = "urn:kindred:measures:codes"
QUESTIONNAIRE_BASE = "urn:kindred:measures:questionnaire"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
_NAMESPACE = uuid.UUID("6f1c2a8e-3a51-4c55-9a0e-6b5d0d7e2c11")


def patient_id(member: User) -> str:
    """An opaque, stable id for the member: an HMAC of the key, shaped as a UUID."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"fhir-patient:{member.pk}".encode(), hashlib.sha256
    ).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def _uuid(kind: str, key: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{key}"))


def questionnaire_url(definition: InstrumentDefinition) -> str:
    return f"{QUESTIONNAIRE_BASE}:{definition.id}"


def answer_system(definition: InstrumentDefinition) -> str:
    return f"{LOCAL_CODES}:{definition.id}:answers"


def total_coding(definition: InstrumentDefinition) -> dict[str, str]:
    if definition.loinc.total:
        return {
            "system": LOINC,
            "code": definition.loinc.total,
            "display": f"{definition.name} total score",
        }
    return {
        "system": LOCAL_CODES,
        "code": f"{definition.id}-total",
        "display": f"{definition.name} total score",
    }


def build_questionnaire(definition: InstrumentDefinition) -> Questionnaire:
    data: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": f"{definition.id}-{definition.version}",
        "url": questionnaire_url(definition),
        "version": definition.version,
        "name": definition.id.upper(),
        "title": definition.title,
        "status": "active",
        "description": definition.instructions,
        "copyright": definition.licence.statement,
        "item": [
            {
                "linkId": item.id,
                "prefix": str(item.number),
                "text": item.text,
                "type": "choice",
                "required": True,
                "answerOption": [
                    {
                        "valueCoding": {
                            "system": answer_system(definition),
                            "code": str(option.value),
                            "display": option.label,
                        }
                    }
                    for option in definition.options_for(item)
                ],
            }
            for item in definition.items
        ],
    }
    if definition.loinc.panel:
        data["code"] = [{"system": LOINC, "code": definition.loinc.panel}]
    return Questionnaire.model_validate(data)


def build_questionnaire_response(
    definition: InstrumentDefinition, response: Response, subject: str
) -> QuestionnaireResponse:
    answers: dict[str, int] = response.answers or {}
    items = []
    for item in definition.items:
        value = answers.get(item.id)
        if value is None:
            continue  # left blank (prorated): FHIR omits unanswered items
        label = next((o.label for o in definition.options_for(item) if o.value == value), "")
        coding = {"system": answer_system(definition), "code": str(value)}
        if label:
            coding["display"] = label
        items.append({"linkId": item.id, "text": item.text, "answer": [{"valueCoding": coding}]})
    return QuestionnaireResponse.model_validate(
        {
            "resourceType": "QuestionnaireResponse",
            "id": _uuid("qr", str(response.pk)),
            "questionnaire": f"{questionnaire_url(definition)}|{response.instrument_version}",
            "status": "completed",
            "subject": {"reference": subject},
            "authored": response.created_at.isoformat(),
            "item": items,
        }
    )


def build_observation(
    definition: InstrumentDefinition, response: Response, subject: str, derived_from: str
) -> Observation:
    band_label = next(
        (band.label for band in definition.bands.ranges if band.key == response.band),
        response.band,
    )
    data: dict[str, Any] = {
        "resourceType": "Observation",
        "id": _uuid("obs", str(response.pk)),
        "status": "final",
        "category": [
            {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}
        ],
        "code": {"coding": [total_coding(definition)], "text": f"{definition.name} total"},
        "subject": {"reference": subject},
        "effectiveDateTime": response.created_at.isoformat(),
        "valueInteger": response.total,
        "interpretation": [{"text": band_label}],
        "derivedFrom": [{"reference": derived_from}],
    }
    if response.prorated:
        data["note"] = [{"text": "Prorated: one or more items were left unanswered."}]
    return Observation.model_validate(data)


def build_bundle(member: User, responses: Sequence[Response]) -> Bundle:
    """The Bundle for ``responses`` (the caller has checked they are ``member``'s)."""
    pid = patient_id(member)
    subject = f"urn:uuid:{pid}"
    patient = Patient.model_validate({"resourceType": "Patient", "id": pid})
    entries: list[dict[str, Any]] = [
        {"fullUrl": subject, "resource": patient.model_dump(mode="json", exclude_none=True)}
    ]
    used: dict[str, InstrumentDefinition] = {}
    for response in responses:
        used.setdefault(response.instrument_id, get_definition(response.instrument_id))
    for definition in used.values():
        questionnaire = build_questionnaire(definition)
        entries.append(
            {
                "fullUrl": questionnaire_url(definition),
                "resource": questionnaire.model_dump(mode="json", exclude_none=True),
            }
        )
    for response in responses:
        definition = used[response.instrument_id]
        qr = build_questionnaire_response(definition, response, subject)
        qr_url = f"urn:uuid:{qr.id}"
        observation = build_observation(definition, response, subject, qr_url)
        entries.append(
            {"fullUrl": qr_url, "resource": qr.model_dump(mode="json", exclude_none=True)}
        )
        entries.append(
            {
                "fullUrl": f"urn:uuid:{observation.id}",
                "resource": observation.model_dump(mode="json", exclude_none=True),
            }
        )
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "id": _uuid("bundle", f"{pid}:{len(responses)}"),
            "meta": {"tag": [{"system": LOCAL_CODES, "code": f"fhir-{FHIR_VERSION}"}]},
            "type": "collection",
            "entry": entries,
        }
    )
