"""allauth adapters: no usernames, encrypted TOTP secrets, and login limits nobody can
turn against someone else.

Failed logins are limited three ways:

* per client address, all accounts (allauth's ``login_failed`` "ip" rate);
* per account *and* address (allauth's "key" rate, whose key this adapter extends with
  the address): one place guessing at one account is stopped quickly;
* per account from addresses it has never signed in from (``login.unknown_address``):
  guessing spread over many addresses is stopped too.

Trade-off: the last limit is the one a stranger can use to lock a named therapist out,
by failing on purpose from many addresses. It therefore never applies at an address
the account has signed in from before (the last ten, kept 90 days), nor after a
password reset there, so the owner at home or at work still gets in. Someone on a new
network during such an attack waits up to an hour or resets their password. A stranger
can never exhaust the first two for anyone else's address.

Second-factor codes are counted per account by allauth itself (``login_failed``'s key
is the account there), so guessing codes needs the password first.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from allauth.account import app_settings as allauth_account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.signals import password_reset
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _

from kindred.accounts.access import mfa_roles
from kindred.accounts.deletion import INACTIVE_SIGN_IN
from kindred.core.clientip import address_bucket, client_ip
from kindred.core.crypto import decrypt_text, encrypt_text
from kindred.core.mail import mail_from_message, queue_mail
from kindred.core.ratelimit import RateLimited, Usage, limit, parse_rates, warn_cache_failure
from kindred.core.sharedcache import shared_cache

if TYPE_CHECKING:
    from kindred.accounts.models import User

KNOWN_ADDRESSES = 10
KNOWN_FOR = timedelta(days=90)


def allauth_wait(action: str) -> int:
    """The longest window of one of allauth's limits: when a refusal surely ends."""
    rates = (allauth_account_settings.RATE_LIMITS or {}).get(action) or ""
    return max((rate.seconds for rate in parse_rates(rates)), default=60)


def _login(credentials: dict[str, Any]) -> str:
    return str(credentials.get("email") or credentials.get("username") or "").strip().lower()


def _known_key(login: str) -> str:
    return "login:known:" + hashlib.sha256(login.strip().lower().encode()).hexdigest()[:32]


def is_known_address(login: str, request: HttpRequest) -> bool:
    """Has ``login`` signed in (or reset its password) from this address lately?"""
    bucket = address_bucket(client_ip(request))
    try:
        return bool(bucket) and bucket in (shared_cache().get(_known_key(login)) or [])
    except Exception as error:  # The limit this exempts from fails open as well.
        warn_cache_failure(error)
        return False


def remember_address(login: str, request: HttpRequest | None) -> None:
    bucket = address_bucket(client_ip(request)) if request is not None else ""
    if not login or not bucket:
        return
    key = _known_key(login)
    try:
        cache = shared_cache()
        known = [a for a in (cache.get(key) or []) if a != bucket]
        cache.set(key, [bucket, *known][:KNOWN_ADDRESSES], int(KNOWN_FOR.total_seconds()))
    except Exception as error:
        warn_cache_failure(error)


@receiver(user_logged_in)
def _remember_login_address(
    sender: type[User], request: HttpRequest | None, user: User, **kw: Any
) -> None:
    # Fired after the second factor too, so an address is known only once fully signed in.
    remember_address(getattr(user, "email", ""), request)


@receiver(password_reset)
def _remember_reset_address(
    sender: type[User], request: HttpRequest, user: User, **kw: Any
) -> None:
    remember_address(getattr(user, "email", ""), request)


@dataclass(frozen=True)
class SiteIdentity:
    """What allauth's e-mails call the site (``current_site.name`` / ``.domain``).

    Without ``django.contrib.sites`` allauth falls back to the request's host, so a
    message began "Hello from 127.0.0.1:8101". The host names the site in settings.
    """

    name: str
    domain: str


def site_identity() -> SiteIdentity:
    url = settings.SITE_URL
    return SiteIdentity(name=settings.SITE_NAME, domain=urlsplit(url).netloc or url)


class AccountAdapter(DefaultAccountAdapter):
    def populate_username(self, request: HttpRequest, user: User) -> None:
        # No usernames: people log in by email and are shown by handle.
        return None

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # As allauth's, but the mail task sends it (kindred.core.mail): a mail server that
        # is down or hangs neither fails nor holds a sign-up or a password reset. Queued
        # at once, not after commit: the message needs nothing uncommitted.
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": site_identity()}
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        for mail in mail_from_message("accounts." + template_prefix.rsplit("/", 1)[-1], message):
            queue_mail(mail)

    def format_email_subject(self, subject: str) -> str:
        prefix = allauth_account_settings.EMAIL_SUBJECT_PREFIX
        if prefix is None:
            prefix = f"[{settings.SITE_NAME}] "
        return prefix + force_str(subject)

    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth's limits count by the same address as ours (TRUSTED_PROXIES).
        return client_ip(request) or super().get_client_ip(request)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth's per-"key" failed-login limit becomes per account *and* address.
        key = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{key}:{address_bucket(client_ip(request))}"

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        login = _login(credentials)
        usage: Usage | None = None
        if login and not is_known_address(login, request):
            try:
                usage = limit(request, "login.unknown_address", user=None, key=login)
            except RateLimited as refusal:
                request.login_refusal = refusal  # type: ignore[attr-defined]
                raise self.validation_error("too_many_login_attempts") from None
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            if usage is not None:
                usage.refund()
            wait = allauth_wait("login_failed")
            request.login_refusal = RateLimited("login", wait)  # type: ignore[attr-defined]
            raise
        except Exception as error:
            # allauth's limiter needs the cache too; a Redis outage must not stop logins.
            warn_cache_failure(error)
        self._unknown_address_usage = usage

    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        self._unknown_address_usage = None
        user = super().authenticate(request, **credentials)
        if user is not None and self._unknown_address_usage is not None:
            # Only failures count against the account.
            self._unknown_address_usage.refund()
        return user

    def respond_user_inactive(self, request: HttpRequest, user: User) -> HttpResponse:
        # The right password for an inactive account: a pending deletion offers to be
        # cancelled (kindred.rights); anything else gets allauth's "inactive" page.
        for responder in INACTIVE_SIGN_IN.values():
            response = responder(request, user)
            if response is not None:
                return response
        return super().respond_user_inactive(request, user)


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets are encrypted at rest like clinical content.

    An account that holds a role needing a second factor cannot switch its TOTP
    off: allauth's deactivation form asks :meth:`can_delete_authenticator` and
    shows ``cannot_delete_authenticator`` when it says no.
    """

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _(
            "Your role gives access to sensitive information, so two-factor "
            "authentication stays on while you hold it. Ask the team to change your "
            "role first if you need to switch it off."
        ),
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # TOTP is the only factor we support (recovery codes only stand in for it),
        # so removing it would leave the account without a second factor.
        if authenticator.type == Authenticator.Type.TOTP and mfa_roles(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)

    def encrypt(self, text: str) -> str:
        return encrypt_text(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_text(encrypted_text)
