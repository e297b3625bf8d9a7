from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    """What every page's layout needs: the product name and the signed-in person's role.

    The name is ``brand_name``, not ``site_name``: Django's sign-in and password views put
    their own ``site_name`` (the request's host) into the context, which would win.
    """
    user = getattr(request, "user", None)
    role = getattr(user, "role", None) if user and user.is_authenticated else None
    return {"brand_name": "Unknot", "site_name": "Unknot", "user_role": role}
