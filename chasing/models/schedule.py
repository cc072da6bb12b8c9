"""Reminder schedules: which reminder goes out how many days from the due date, and when."""

import datetime
import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from chasing.placeholders import validate_template


class Escalation(models.TextChoices):
    FRIENDLY = "friendly", _("Friendly")
    FIRM = "firm", _("Firm")
    FINAL = "final", _("Final notice")


weekdays_validator = RegexValidator(
    r"^[1-7]{1,7}$", _("Use ISO weekday digits, 1 = Monday … 7 = Sunday, e.g. 12345.")
)


class ReminderSchedule(models.Model):
    """A sequence of reminder steps; an issuer's default applies to clients without their own."""

    issuer = models.ForeignKey(
        "billing.Issuer",
        on_delete=models.CASCADE,
        related_name="reminder_schedules",
        verbose_name=_("issuer"),
    )
    name = models.CharField(_("name"), max_length=100)
    is_default = models.BooleanField(
        _("issuer's default"),
        default=False,
        help_text=_("Used for every client of the issuer that has no schedule of its own."),
    )
    window_start = models.TimeField(_("send from"), default=datetime.time(9, 0))
    window_end = models.TimeField(_("send until"), default=datetime.time(17, 0))
    weekdays = models.CharField(
        _("sending days"),
        max_length=7,
        default="12345",
        validators=[weekdays_validator],
        help_text=_("ISO weekday digits, 1 = Monday … 7 = Sunday; 12345 is Monday to Friday."),
    )
    catch_up_days = models.PositiveSmallIntegerField(
        _("catch up at most (days)"),
        default=30,
        help_text=_(
            "A step that fell due longer ago is not sent: after downtime the latest step "
            "within this many days goes out, but switching a schedule on does not send final "
            "notices for old invoices."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder schedule")
        verbose_name_plural = _("reminder schedules")
        ordering = ["issuer", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer"],
                condition=models.Q(is_default=True),
                name="reminderschedule_one_default_per_issuer",
            ),
            models.CheckConstraint(
                condition=models.Q(window_start__lt=models.F("window_end")),
                name="reminderschedule_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.window_start and self.window_end and self.window_start >= self.window_end:
            raise ValidationError({"window_end": _("The window must end after it starts.")})

    def local_now(self, now: datetime.datetime) -> datetime.datetime:
        """Return `now` in the issuer's time zone."""
        return now.astimezone(zoneinfo.ZoneInfo(self.issuer.timezone))

    def window_open(self, now: datetime.datetime) -> bool:
        """Return whether reminders of this schedule may go out at `now`."""
        local = self.local_now(now)
        return (
            str(local.isoweekday()) in self.weekdays
            and self.window_start <= local.time() < self.window_end
        )


class ReminderStep(models.Model):
    """One reminder of a schedule, sent `offset_days` after the due date (negative: before)."""

    schedule = models.ForeignKey(
        ReminderSchedule, on_delete=models.CASCADE, related_name="steps", verbose_name=_("schedule")
    )
    offset_days = models.SmallIntegerField(
        _("days from due date"), help_text=_("Negative for a reminder before the due date.")
    )
    escalation = models.CharField(
        _("escalation"), max_length=10, choices=Escalation.choices, default=Escalation.FRIENDLY
    )
    by_email = models.BooleanField(_("email"), default=True)
    in_app = models.BooleanField(_("in the portal"), default=True)
    by_sms = models.BooleanField(_("SMS"), default=False)
    subject_en = models.CharField(
        _("subject (English)"), max_length=200, validators=[validate_template]
    )
    body_en = models.TextField(_("text (English)"), validators=[validate_template])
    subject_nl = models.CharField(
        _("subject (Dutch)"), max_length=200, blank=True, validators=[validate_template]
    )
    body_nl = models.TextField(_("text (Dutch)"), blank=True, validators=[validate_template])

    class Meta:
        verbose_name = _("reminder step")
        verbose_name_plural = _("reminder steps")
        ordering = ["schedule", "offset_days"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "offset_days"], name="reminderstep_unique_offset"
            ),
            models.CheckConstraint(
                condition=models.Q(offset_days__gte=-365, offset_days__lte=365),
                name="reminderstep_offset_within_year",
            ),
        ]

    def __str__(self) -> str:
        if self.offset_days < 0:
            days = -self.offset_days
            when = ngettext("%(days)s day before due", "%(days)s days before due", days) % {
                "days": days
            }
        elif self.offset_days == 0:
            when = str(_("on the due date"))
        else:
            days = self.offset_days
            when = ngettext("%(days)s day overdue", "%(days)s days overdue", days) % {"days": days}
        return f"{self.get_escalation_display()}, {when}"

    def texts(self, language: str) -> tuple[str, str]:
        """Return the subject and body templates in `language`, else in English."""
        if language == "nl" and self.subject_nl and self.body_nl:
            return self.subject_nl, self.body_nl
        return self.subject_en, self.body_en

    @property
    def channels(self) -> list[str]:
        names = [("email", self.by_email), ("in-app", self.in_app), ("sms", self.by_sms)]
        return [name for name, on in names if on]


class ClientChasing(models.Model):
    """How one client is chased: its own schedule instead of the issuer's default, or none."""

    client = models.OneToOneField(
        "accounts.Client",
        on_delete=models.CASCADE,
        related_name="chasing",
        verbose_name=_("client"),
    )
    schedule = models.ForeignKey(
        ReminderSchedule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clients",
        verbose_name=_("schedule"),
        help_text=_("Empty: the issuer's default schedule."),
    )
    no_reminders = models.BooleanField(
        _("send no reminders"), default=False, help_text=_("This client is never reminded.")
    )
    sms_number = models.CharField(
        _("SMS number"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^\+[1-9]\d{6,14}$", _("Use the +31612345678 form."))],
        help_text=_("Reminders with the SMS channel go here."),
    )

    class Meta:
        verbose_name = _("client reminder settings")
        verbose_name_plural = _("client reminder settings")

    def __str__(self) -> str:
        return str(self.client)

    def clean(self) -> None:
        schedule = self.schedule if self.schedule_id else None
        if schedule is not None and self.client_id and schedule.issuer_id != self.client.issuer_id:
            raise ValidationError({"schedule": _("Choose a schedule of the client's issuer.")})
