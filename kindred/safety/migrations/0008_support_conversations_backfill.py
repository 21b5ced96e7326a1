"""Put every support message sent so far into a conversation, and every report flag's
reporter into a report row (so the flag page counts them and the hourly limit sees them)."""

from django.db import migrations


def forwards(apps, schema_editor):
    Flag = apps.get_model("safety", "Flag")
    FlagReport = apps.get_model("safety", "FlagReport")
    SupportConversation = apps.get_model("safety", "SupportConversation")
    SupportMessage = apps.get_model("safety", "SupportMessage")

    # Until now every message went from a moderator to the flag's subject: one team
    # conversation per flag and person.
    conversations = {}
    for message in SupportMessage.objects.order_by("created_at", "pk").iterator():
        key = (message.flag_id, message.recipient_id)
        conversation = conversations.get(key)
        if conversation is None:
            conversation = SupportConversation.objects.create(
                member_id=message.recipient_id,
                flag_id=message.flag_id,
                side="team",
                staff_id=message.sender_id,
            )
            conversations[key] = conversation
        conversation.last_message_at = message.created_at
        message.conversation_id = conversation.pk
        message.save(update_fields=["conversation"])
    for conversation in conversations.values():
        conversation.created_at = conversation.last_message_at
        conversation.save(update_fields=["created_at", "last_message_at"])

    reports = Flag.objects.filter(kind="report", reporter__isnull=False).values_list(
        "pk", "reporter_id", "reason", "created_at"
    )
    for flag_id, reporter_id, reason, created_at in reports.iterator():
        row = FlagReport.objects.create(flag_id=flag_id, reporter_id=reporter_id, reason=reason)
        # auto_now_add stamped "now": keep the report's own time, or old reports would
        # count against the hourly limit right after the upgrade.
        FlagReport.objects.filter(pk=row.pk).update(created_at=created_at)


class Migration(migrations.Migration):
    dependencies = [
        ("safety", "0007_support_conversations_report_dedup_handover_ack"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
