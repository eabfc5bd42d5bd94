from django.http import HttpResponse
from django.test import RequestFactory

from common.middleware import CleanTextMiddleware

DIRTY = "Lead\x00 a\x0b team\x1b[31m\x85 now\x7f"


def _seen_by_view(request):
    seen = {}

    def view(req):
        seen["POST"] = req.POST.dict()
        seen["GET"] = req.GET.dict()
        return HttpResponse()

    CleanTextMiddleware(view)(request)
    return seen


def test_control_characters_are_removed_from_form_and_query_values():
    request = RequestFactory().post("/x/?q=a%00b%0Bc%C2%85d", {"aim": DIRTY, "plain": "ok", "k\x1bey": "v"})
    seen = _seen_by_view(request)
    assert seen["POST"] == {"aim": "Lead a team[31m now", "plain": "ok", "key": "v"}
    assert seen["GET"] == {"q": "abcd"}


def test_tabs_and_line_breaks_are_kept():
    request = RequestFactory().post("/x/", {"answer": "one\ttwo\r\nthree\nfour"})
    assert _seen_by_view(request)["POST"] == {"answer": "one\ttwo\r\nthree\nfour"}


def test_multipart_forms_are_cleaned_too():
    request = RequestFactory().post("/x/", {"note": "a\x0cb"})  # RequestFactory posts multipart
    assert request.content_type == "multipart/form-data"
    assert _seen_by_view(request)["POST"] == {"note": "ab"}


def test_clean_requests_are_passed_through_untouched():
    request = RequestFactory().post("/x/?q=fine", {"aim": "Lead a team, naïvely ☃"})
    original_post, original_get = request.POST, request.GET
    CleanTextMiddleware(lambda r: HttpResponse())(request)
    assert request.POST is original_post and request.GET is original_get
