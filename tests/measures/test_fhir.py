"""The FHIR export: a Bundle that fhir.resources (R4B models) parses back."""

from __future__ import annotations

import json

import pytest
from fhir.resources.R4B.bundle import Bundle

from kindred.measures.actions import do_export_responses, do_submit_response
from kindred.measures.fhir import LOCAL_CODES, build_bundle, patient_id
from kindred.measures.models import Response

pytestmark = pytest.mark.django_db

PHQ9 = {"q1": 0, "q2": 1, "q3": 2, "q4": 3, "q5": 0, "q6": 1, "q7": 2, "q8": 3, "q9": 0}
GAD7 = {f"q{i}": 1 for i in range(1, 8)}
PHQ2 = {"q1": 1, "q2": 2}


def by_type(bundle_json, kind):
    return [e["resource"] for e in bundle_json["entry"] if e["resource"]["resourceType"] == kind]


@pytest.fixture
def exported(member):
    do_submit_response(member, "phq9", PHQ9)
    do_submit_response(member, "phq9", PHQ9 | {"q9": 1})
    do_submit_response(member, "gad7", GAD7)
    do_submit_response(member, "phq2", PHQ2)
    return do_export_responses(member)


def test_the_bundle_parses_with_fhir_resources(exported):
    bundle = Bundle.model_validate(json.loads(json.dumps(exported)))
    assert bundle.type == "collection"
    kinds = [e.resource.get_resource_type() for e in bundle.entry]
    assert kinds.count("Patient") == 1
    assert kinds.count("Questionnaire") == 3  # one per instrument used
    assert kinds.count("QuestionnaireResponse") == 4
    assert kinds.count("Observation") == 4


def test_the_phq9_total_has_loinc_44261_6(exported):
    phq9_obs = [
        o for o in by_type(exported, "Observation") if o["code"]["coding"][0]["code"] == "44261-6"
    ]
    assert len(phq9_obs) == 2
    assert phq9_obs[0]["code"]["coding"][0]["system"] == "http://loinc.org"
    assert sorted(o["valueInteger"] for o in phq9_obs) == [12, 13]
    gad = [
        o for o in by_type(exported, "Observation") if o["code"]["coding"][0]["code"] == "70274-6"
    ]
    assert gad[0]["valueInteger"] == 7


def test_a_local_code_when_the_instrument_has_no_loinc(member):
    from kindred.measures.definitions import get_definition
    from kindred.measures.fhir import total_coding

    assert total_coding(get_definition("who5")) == {
        "system": LOCAL_CODES,
        "code": "who5-total",
        "display": "WHO-5 total score",
    }


def test_answers_are_codings_linked_to_the_questionnaire(exported):
    responses = by_type(exported, "QuestionnaireResponse")
    phq = next(r for r in responses if "phq9" in r["questionnaire"])
    assert phq["status"] == "completed"
    assert phq["questionnaire"].endswith(":phq9|1")
    item = phq["item"][3]
    assert item["linkId"] == "q4"
    assert item["answer"][0]["valueCoding"]["code"] == "3"
    assert item["answer"][0]["valueCoding"]["display"] == "Nearly every day"
    observation = by_type(exported, "Observation")[0]
    linked = {f"urn:uuid:{r['id']}" for r in responses}
    assert observation["derivedFrom"][0]["reference"] in linked


def test_the_subject_is_opaque(member, exported):
    (patient,) = by_type(exported, "Patient")
    assert set(patient) == {"resourceType", "id"}
    text = json.dumps(exported)
    assert member.email not in text and member.handle not in text
    assert str(member.pk) != patient["id"] and patient["id"] == patient_id(member)
    for resource in by_type(exported, "Observation") + by_type(exported, "QuestionnaireResponse"):
        assert resource["subject"]["reference"] == f"urn:uuid:{patient['id']}"


def test_the_patient_id_differs_between_members(member, member2):
    assert patient_id(member) != patient_id(member2)


def test_an_empty_export_is_still_a_valid_bundle(member):
    bundle = build_bundle(member, [])
    assert [e.resource.get_resource_type() for e in bundle.entry] == ["Patient"]


def test_a_prorated_response_leaves_the_blank_item_out(member):
    do_submit_response(member, "phq9", {k: v for k, v in PHQ9.items() if k != "q5"})
    bundle = build_bundle(member, list(Response.objects.all()))
    qr = next(
        e.resource
        for e in bundle.entry
        if e.resource.get_resource_type() == "QuestionnaireResponse"
    )
    assert [i.linkId for i in qr.item] == ["q1", "q2", "q3", "q4", "q6", "q7", "q8", "q9"]
