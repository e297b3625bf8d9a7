from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    """What every page's layout needs: the product name and the signed-in person's role."""
    user = getattr(request, "user", None)
    role = getattr(user, "role", None) if user and user.is_authenticated else None
    return {"site_name": "Unknot", "user_role": role}
