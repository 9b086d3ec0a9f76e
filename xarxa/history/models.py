from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Change(models.Model):
    """One change to one record: who made it, when, through what, and the
    record as it was before and after (in its Popolo shape). The history of
    an organisation is what a coordinator reads to know who changed a seat."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")

    # Only the indexes the history is read by: a record's changes (object_id,
    # at) and one import's (batch). Every bulk import writes a row per record,
    # so each further index costs real time (docs/performance.md).
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", db_index=False,
    )
    actor_label = models.CharField(
        _("through"), max_length=200, help_text=_("The person and the way in: admin, CLI, import…"),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    model = models.CharField(_("kind of record"), max_length=100)
    object_id = models.CharField(_("record id"), max_length=200)
    object_repr = models.CharField(_("record"), max_length=300, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    batch = models.CharField(
        _("batch"), max_length=64, blank=True,
        help_text=_("Changes made together, such as one import, share a batch."),
    )

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["object_id", "at"], name="history_object_at"),
            models.Index(fields=["batch"], name="history_batch"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.object_repr}"

    def changed_keys(self) -> list[str]:
        before, after = self.before or {}, self.after or {}
        return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def newest_change_id(using: str = "default") -> int:
    """The newest history id: every write makes one, so it names the state
    of the records (what the network graph and the kept PDFs are keyed by)."""
    return Change.objects.using(using).order_by("-id").values_list("id", flat=True).first() or 0
