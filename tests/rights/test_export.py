"""Building the export: every app's section, the archive, the readable version."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from kindred.core.export import (
    EXPORT_SECTIONS,
    ExportSection,
    relation_name,
    uncovered_relations,
    user_relations,
)
from kindred.rights.export import FOLDER, build_archive, build_document, sections
from kindred.rights.export_html import render_document
from tests.rights.export_world import MARKERS, NEVER, ROLE_MARKERS, build_world


def read_archive(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            name.removeprefix(f"{FOLDER}/"): archive.read(name).decode()
            for name in archive.namelist()
        }


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def member_files(world):
    return read_archive(build_archive(world.member).content)


def test_every_relation_to_the_user_is_exported_or_excluded_with_a_reason():
    assert uncovered_relations() == []
    for key, section in EXPORT_SECTIONS.items():
        for name, reason in section.excluded.items():
            assert len(reason) > 20, f"{key}: {name} needs a reason"


def test_sections_name_only_relations_that_exist():
    real = {relation_name(model, f.name) for model, f in user_relations()}
    for section in EXPORT_SECTIONS.values():
        assert set(section.covers) <= real
        assert set(section.excluded) <= real


def test_a_new_relation_nobody_exports_is_reported():
    # Without the accounts section its relations (roles, email addresses) are uncovered.
    others = [s for key, s in EXPORT_SECTIONS.items() if key != "accounts"]
    assert "accounts.UserRole.user" in uncovered_relations(others)


def test_every_feature_app_contributes_a_section():
    keys = {key for key, _ in sections()}
    assert set(MARKERS) | set(ROLE_MARKERS) <= keys
    assert next(iter(sections()))[0] == "accounts"


@pytest.mark.parametrize("section", sorted(MARKERS))
def test_the_export_holds_each_apps_items(world, member_files, section):
    document = json.loads(member_files["data.json"])
    assert MARKERS[section] in json.dumps(document["sections"][section])
    assert MARKERS[section] in member_files["index.html"]


def test_the_therapist_listing_is_in_the_therapists_export(world):
    files = read_archive(build_archive(world.therapist).content)
    document = json.loads(files["data.json"])
    assert ROLE_MARKERS["therapy"] in json.dumps(document["sections"]["therapy"])


def test_clinical_fields_are_decrypted_for_the_member(world, member_files):
    data = member_files["data.json"]
    for clear in ("intake-marker", "addendum-marker", MARKERS["safety"], "my cat"):
        assert clear in data
    assert "F32.1" in data


def test_psychotherapy_notes_and_unsigned_drafts_stay_out(world, member_files):
    for name in ("data.json", "index.html"):
        assert NEVER not in member_files[name]
        assert "unsigned-draft-marker" not in member_files[name]


def test_the_archive_holds_json_html_and_the_fhir_bundle(world, member_files):
    assert set(member_files) == {"data.json", "index.html", "fhir/measures.fhir.json"}
    bundle = json.loads(member_files["fhir/measures.fhir.json"])
    assert bundle["resourceType"] == "Bundle"
    kinds = {entry["resource"]["resourceType"] for entry in bundle["entry"]}
    assert {"Patient", "QuestionnaireResponse", "Observation"} <= kinds


def test_the_who_looked_log_is_in_the_export(world, member_files):
    log = json.loads(member_files["data.json"])["sections"]["care"]["access_log"]
    assert [entry["who"] for entry in log] == ["dr_export"]


@pytest.mark.parametrize("role", ["therapist", "moderator", "peer"])
def test_others_get_only_their_own_data(world, role):
    files = read_archive(build_archive(getattr(world, role)).content)
    private = [MARKERS[key] for key in MARKERS if key not in ("bookings", "measures")] + [
        NEVER,
        "intake-marker",
        "support-message-marker",
        "flagged-text-marker",
    ]
    for name in ("data.json", "index.html"):
        leaked = [marker for marker in private if marker in files[name]]
        assert leaked == []


def test_the_readable_version_escapes_what_people_wrote(db, member):
    from kindred.core.notifications import do_notify

    do_notify([member], kind="test", title="<script>alert(1)</script>")
    html = render_document(build_document(member))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_section_registered_later_is_exported(db, member):
    EXPORT_SECTIONS.register(
        "test_extra",
        ExportSection(title="Extra", export_for=lambda user: {"things": [{"name": user.handle}]}),
    )
    try:
        document = build_document(member)
    finally:
        EXPORT_SECTIONS.unregister("test_extra")
    assert document["sections"]["test_extra"] == {"things": [{"name": "member_maya"}]}


def test_building_the_document_takes_the_same_queries_however_much_there_is(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kindred.community.models import Post, Thread
    from kindred.messaging.models import Conversation, Message
    from kindred.rooms.models import Room, RoomMessage

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            build_document(world.member)
        return len(captured)

    before = queries()
    thread = Thread.objects.filter(author=world.member).get()
    room = Room.objects.get()
    conversation = Conversation.objects.get()
    for n in range(5):
        Post.objects.create(thread=thread, author=world.member, body=f"more {n}", body_html="")
        RoomMessage.objects.create(room=room, seq=n + 2, author=world.member, body=f"more {n}")
        Message.objects.create(conversation=conversation, sender=world.member, body=f"more {n}")
    assert queries() == before


def test_earlier_exports_are_listed_in_the_next_one(member):
    from kindred.rights.export_models import DataExport

    DataExport.objects.create(user=member, rows=4321)
    exports = build_document(member)["sections"]["rights"]["exports"]
    assert [e["rows"] for e in exports] == [4321]
