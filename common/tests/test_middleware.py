from django.http import HttpResponse
from django.test import RequestFactory

from common.middleware import StripNullCharactersMiddleware


def _seen_by_view(request):
    seen = {}

    def view(req):
        seen["POST"] = req.POST.dict()
        seen["GET"] = req.GET.dict()
        return HttpResponse()

    StripNullCharactersMiddleware(view)(request)
    return seen


def test_nul_characters_are_removed_from_form_and_query_values():
    request = RequestFactory().post("/x/?q=a%00b", {"aim": "Lead\x00 a team", "plain": "ok"})
    seen = _seen_by_view(request)
    assert seen["POST"] == {"aim": "Lead a team", "plain": "ok"}
    assert seen["GET"] == {"q": "ab"}


def test_clean_requests_are_passed_through_untouched():
    request = RequestFactory().post("/x/", {"aim": "Lead a team"})
    original = request.POST
    StripNullCharactersMiddleware(lambda r: HttpResponse())(request)
    assert request.POST is original
