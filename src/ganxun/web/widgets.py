"""Form widgets every module's pages share."""

from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker. It only understands ``YYYY-MM-DD``; the zh-hans locale would render
    ``2023/01/01``, which the picker shows as empty (an edit form would then lose the stored date)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
