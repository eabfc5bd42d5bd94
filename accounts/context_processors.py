from django.http import HttpRequest

from accounts.roles import available_homes, home_role, is_coordinator, is_hr_analyst


def roles(request: HttpRequest) -> dict[str, object]:
    """Role flags and homes for navigation; pages still check access themselves."""
    user = request.user
    homes = available_homes(user) if user.is_authenticated else []
    return {
        "user_is_coordinator": is_coordinator(user),
        "user_is_hr": is_hr_analyst(user),
        "user_homes": homes,
        "user_home_role": home_role(request) if len(homes) > 1 else None,
    }
