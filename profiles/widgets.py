from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe


class FastSelect(forms.Select):
    """A <select> whose options are written directly instead of one template each.

    Django renders every <option> through a template include and a context dict (about 0.15 ms
    each). The skills catalogue has hundreds of entries and the skills page shows one list per
    row, so the stock widget made that page take over a second to render. Same markup, same
    attributes (id, class, required, aria-invalid come through `attrs` as usual).
    """

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        chosen = set(self.format_value(value))
        state = {"selected": False}
        parts = [format_html('<select name="{}"{}>', name, flatatt(final_attrs))]
        for option_value, option_label in self.choices:
            if isinstance(option_label, (list, tuple)):
                parts.append(format_html('<optgroup label="{}">', option_value))
                parts.extend(self._option(v, label, chosen, state) for v, label in option_label)
                parts.append("</optgroup>")
            else:
                parts.append(self._option(option_value, option_label, chosen, state))
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value and label was escaped

    @staticmethod
    def _option(value: Any, label: Any, chosen: set[str], state: dict[str, bool]) -> str:
        text = "" if value is None else str(value)
        # Like Django's Select: only the first matching option is marked selected.
        selected = not state["selected"] and text in chosen
        state["selected"] = state["selected"] or selected
        return f'<option value="{conditional_escape(text)}"{" selected" if selected else ""}>{conditional_escape(label)}</option>'
