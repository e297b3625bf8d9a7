"""People who use Unknot: clients, therapists and practice staff, signing in by email."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

from unknot.common.models import new_uid
from unknot.common.validators import validate_plain_text


class Role(models.TextChoices):
    CLIENT = "client", "Client"
    THERAPIST = "therapist", "Therapist"
    STAFF = "staff", "Front desk"
    OWNER = "owner", "Owner (practice administrator)"


PRACTICE_STAFF_ROLES = (Role.STAFF, Role.OWNER)
PRACTICE_MEMBER_ROLES = (Role.THERAPIST, Role.STAFF, Role.OWNER)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("role", Role.CLIENT)
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        """A superuser manages every practice and belongs to none."""
        fields.setdefault("role", Role.STAFF)
        fields["is_staff"] = True
        fields["is_superuser"] = True
        if fields.get("practice") is not None or fields.get("practice_id") is not None:
            raise ValueError("A superuser belongs to no practice.")
        return self._create(email, password, **fields)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """An account. ``practice`` is set for therapists and staff: they act only within it.
    Superusers belong to no practice (a constraint insists) and manage every practice.

    ``is_staff`` is Django's admin flag; practice staff and therapists get it so the admin can
    serve as the back office, and every admin view is scoped to their practice.
    """

    uid = models.CharField(max_length=32, unique=True, default=new_uid, editable=False)
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True, validators=[validate_plain_text])
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CLIENT)
    practice = models.ForeignKey(
        "practices.Practice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text="Required for therapists and staff: the practice they work in.",
    )
    is_staff = models.BooleanField("admin access", default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role="client") | Q(practice__isnull=False) | Q(is_superuser=True),
                name="user_practice_required_for_therapist_and_staff",
                violation_error_message="Therapists and staff must belong to a practice.",
            ),
            models.CheckConstraint(
                condition=Q(is_superuser=False) | Q(practice__isnull=True),
                name="user_superuser_in_no_practice",
                violation_error_message="A superuser belongs to no practice.",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split(" ")[0] if self.full_name else "") or self.email

    @property
    def is_client(self) -> bool:
        return self.role == Role.CLIENT

    @property
    def is_therapist(self) -> bool:
        return self.role == Role.THERAPIST

    @property
    def is_front_desk(self) -> bool:
        return self.role == Role.STAFF

    @property
    def is_owner(self) -> bool:
        """The practice's administrator: everything the front desk does, plus its security
        settings and its staff accounts."""
        return self.role == Role.OWNER

    @property
    def is_practice_staff(self) -> bool:
        """Front desk or owner: the people who run a practice's bookings."""
        return self.role in PRACTICE_STAFF_ROLES

    @property
    def is_practice_member(self) -> bool:
        """Anyone who works in a practice: therapists, front desk and owners."""
        return self.role in PRACTICE_MEMBER_ROLES


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored; the value is shown once.

    A token has a name its owner chose, ends at ``expires_at`` (at most
    ``UNKNOT_API_TOKEN_MAX_DAYS`` after it was made) and can be revoked, never brought back:
    nothing in the code clears ``revoked_at`` or moves ``expires_at``.
    """

    uid = models.CharField(max_length=32, unique=True, default=new_uid, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, default="API token", validators=[validate_plain_text])
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(
        max_length=12, help_text="The first characters, to tell tokens apart."
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.prefix}… ({self.user})"

    def is_active(self, now) -> bool:
        return self.revoked_at is None and self.expires_at > now


class SignUpRequest(models.Model):
    """A sign-up waiting for its owner to open the link sent to ``email``.

    Nothing is created in ``User`` until then, so a sign-up answers the same whether the
    address already has an account or not, and nobody can claim an address they cannot read.
    ``password`` is the hashed password chosen on the form.
    """

    uid = models.CharField(max_length=32, unique=True, default=new_uid, editable=False)
    email = models.EmailField()
    full_name = models.CharField(max_length=150, blank=True, validators=[validate_plain_text])
    password = models.CharField(max_length=128)
    next_url = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["email"], name="signup_request_email")]

    def __str__(self) -> str:
        return f"sign-up {self.email}"
