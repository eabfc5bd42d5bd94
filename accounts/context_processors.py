from django.http import HttpRequest

from accounts.roles import is_coordinator, is_hr_analyst


def roles(request: HttpRequest) -> dict[str, bool]:
    """Role flags for navigation; pages still check access themselves."""
    user = request.user
    return {
        "user_is_coordinator": is_coordinator(user),
        "user_is_hr": is_hr_analyst(user),
    }
