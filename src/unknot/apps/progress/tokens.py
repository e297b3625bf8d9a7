"""Private check-in links: a signed, expiring token that needs no sign-in.

The token names the booking, the kind of check-in and the client, signed with the secret key;
it is valid for ``MAX_AGE`` from issue, and only while the check-in is open. It opens a form
and accepts one answer, and shows nothing already stored.
"""

from __future__ import annotations

from django.core import signing

SALT = "unknot.progress.checkin-link"
MAX_AGE = 60 * 60 * 24 * 8
"""Eight days: long enough for the follow-up window, short enough to die soon after."""


class LinkError(Exception):
    """The link is broken, expired or no longer matches its booking."""


def make_token(*, booking_uid: str, kind: str, client_uid: str) -> str:
    return signing.dumps({"b": booking_uid, "k": kind, "c": client_uid}, salt=SALT, compress=True)


def read_token(token: str) -> dict[str, str]:
    """``{"b": booking uid, "k": kind, "c": client uid}``.

    Raises:
        LinkError: the signature is wrong or the link is older than ``MAX_AGE``.
    """
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired as error:
        raise LinkError("This check-in link has expired.") from error
    except signing.BadSignature as error:
        raise LinkError("This check-in link is not valid.") from error
    if not isinstance(data, dict) or not {"b", "k", "c"} <= set(data):
        raise LinkError("This check-in link is not valid.")
    return data
