"""The forms of memberships, seats (posts) and representations.

One membership form covers the three ties of docs/domain.md: an organisation
in a network, a member (an organisation or a person, perhaps in a seat) of a
body, and someone sitting there on behalf of another organisation. A person
not yet recorded can be named in the same form: the person is created,
private and kept by the membership's owner, in the same transaction as the
membership, so a refusal leaves neither behind.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from xarxa.accounts.rules import Viewer
from xarxa.core import writes
from xarxa.core.forms import RecordForm, RefWidget
from xarxa.core.models import PopoloModel, Visibility
from xarxa.directory.models import Person
from xarxa.network.models import Membership, Post

DATE_HELP = _("A year (2009), a month (2015-06) or a day (2021-06-15).")


def default_owner(viewer: Viewer, *candidates: str | None) -> str | None:
    """The owner a new record is offered: the first of `candidates` (the
    member, the organisation represented…) the person edits for, else the
    organisation they act for."""
    for candidate in candidates:
        if candidate and viewer.can_act_for(candidate):
            return candidate
    acting = viewer.acting_for()
    return acting[0] if acting else None


class PersonChoiceField(forms.ModelChoiceField):
    """A person among those the viewer may see. A record being edited keeps
    its person even when the editor may not see them (a network's editor
    and an entity's private worker): the choice stays, the name does not show."""

    viewer: Viewer | None = None

    def label_from_instance(self, obj: Any) -> str:
        if self.viewer is not None and not self.viewer.sees(obj):
            return str(_("a person you may not see"))
        return str(obj)


class FormDefaults(RecordForm):
    """What the forms of this package and of activity share: a person choice
    that never names whom the viewer may not see, dates with their help, and
    no owner sent when a site administrator leaves it blank (the record's
    default owner then applies)."""

    DATE_FIELDS: tuple[str, ...] = ("start_date", "end_date")
    PERSON_FIELDS: tuple[str, ...] = ()

    def __init__(self, *args: Any, viewer: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, viewer=viewer, **kwargs)
        for name in self.DATE_FIELDS:
            if name in self.fields:
                field = self.fields[name]
                field.help_text = field.help_text or DATE_HELP
                field.widget.attrs.setdefault("placeholder", "2015-06")
                field.widget.attrs.setdefault("inputmode", "numeric")
        for name in self.PERSON_FIELDS:
            if name in self.fields:
                self.person_choices(name)

    def person_choices(self, name: str, people: Any = None) -> None:
        old = self.fields[name]
        assert isinstance(old, forms.ModelChoiceField)
        queryset: Any = people if people is not None else old.queryset
        current = getattr(self.instance, f"{name}_id", None)
        if current:
            queryset = queryset | Person.objects.filter(pk=current)
        field = PersonChoiceField(queryset=queryset.distinct(), required=False,
                                  label=old.label, help_text=old.help_text)
        field.viewer = self.viewer
        if self.viewer.site_admin:
            field.widget = RefWidget("persons")
        self.fields[name] = field

    def values(self) -> dict[str, Any]:
        values = super().values()
        if values.get("owner") is None:
            values.pop("owner", None)
        return values


class MembershipForm(FormDefaults):
    LOOKUP_FIELDS = {"organization": "organizations", "member_organization": "organizations",
                     "on_behalf_of": "organizations"}
    PERSON_FIELDS = ("person",)

    new_person = forms.CharField(
        label=_("or a new person's name"), required=False, max_length=300,
        help_text=_("A person not yet recorded: they are recorded as private, kept by the "
                    "owner below."),
    )

    class Meta:
        model = Membership
        fields = ["organization", "post", "member_organization", "person", "on_behalf_of",
                  "role", "label", "start_date", "end_date", "visibility", "owner"]
        labels = {"person": _("or a person")}
        help_texts = {
            "organization": _("The network, or the body (board, commission…) of a network."),
            "member_organization": _("The organisation that is a member or holds the seat."),
            "on_behalf_of": _("The organisation the member represents there, if any."),
            "role": _("Such as president, treasurer, vocal, member."),
        }

    def __init__(self, *args: Any, viewer: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, viewer=viewer, **kwargs)
        self.order_fields(["organization", "post", "member_organization", "person", "new_person",
                           "on_behalf_of", "role", "label", "start_date", "end_date",
                           "visibility", "owner"])
        self.limit_posts()

    def limit_posts(self) -> None:
        """The seats offered are those of the body chosen: a network's seats
        are few, every post of the registry would be a million."""
        field = self.fields["post"]
        assert isinstance(field, forms.ModelChoiceField)
        posts: Any = field.queryset
        if self.is_bound:
            body = self.data.get(self.add_prefix("organization"))
            chosen = self.data.get(self.add_prefix("post"))
        else:
            body = self.initial.get("organization") or self.instance.organization_id
            chosen = self.initial.get("post") or self.instance.post_id
        if body:
            field.queryset = posts.filter(organization_id=str(body)[:200])
        else:
            field.queryset = posts.filter(pk=str(chosen or "")[:200])
            field.help_text = _("The seats of the body chosen above: choose the body, save, "
                                "and its seats are offered.")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data: dict[str, Any] = self.cleaned_data
        given = [name for name in ("member_organization", "person", "new_person")
                 if data.get(name)]
        if len(given) > 1:
            self.add_error(given[-1], _("A membership has one member: an organisation or a "
                                        "person, not both."))
        post = data.get("post")
        if post is not None and not data.get("organization"):
            data["organization"] = post.organization
        return data

    def _post_clean(self) -> None:
        if self.cleaned_data.get("new_person"):
            # The person does not exist yet: the write path checks the
            # membership once the person is made (save_through).
            self.instance = forms.models.construct_instance(
                self, self.instance, self._meta.fields, self._meta.exclude)
            return
        super()._post_clean()  # type: ignore[misc]

    def save_through(self, request: HttpRequest) -> PopoloModel | None:
        name = self.cleaned_data.get("new_person")
        if not name:
            return super().save_through(request)
        owner = self.cleaned_data.get("owner")
        acting = self.viewer.acting_for()
        owner_id = owner.pk if owner is not None else (acting[0] if acting else None)
        try:
            with transaction.atomic():
                person = writes.create(
                    Person, {"name": name, "visibility": Visibility.PRIVATE, "owner_id": owner_id},
                    actor=writes.Actor.of_user(request.user, "web"))
                self.cleaned_data["person"] = person
                obj = super().save_through(request)
                if obj is None:
                    raise _Refused
                return obj
        except _Refused:
            self.cleaned_data["person"] = None
            return None
        except ValidationError as exc:  # the person was refused
            self.add_error("new_person", exc.messages)
            return None


class _Refused(Exception):
    """Undoes the new person when the membership is refused."""


class MembershipEndForm(RecordForm):
    """Only the day a membership ended."""

    class Meta:
        model = Membership
        fields = ["end_date"]
        help_texts = {"end_date": DATE_HELP}


class PostForm(FormDefaults):
    LOOKUP_FIELDS = {"organization": "organizations"}

    class Meta:
        model = Post
        fields = ["label", "role", "organization", "start_date", "end_date", "visibility", "owner"]
        help_texts = {
            "label": _("Such as: President of the board, Vocal 3."),
            "organization": _("The body the seat is in (a board, a commission)."),
        }
