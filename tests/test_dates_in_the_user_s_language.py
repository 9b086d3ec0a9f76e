"""Partial dates read in the user's language on every page."""

import pytest
from django.utils import translation

from xarxa.core.templatetags.xarxa import partial_date


@pytest.mark.parametrize(("lang", "value", "shown"), [
    ("ca", "2009", "2009"),
    ("ca", "2015-06", "juny del 2015"),
    ("ca", "2021-06-15", "15 de juny de 2021"),
    ("ca", "2025-10-03", "3 d'octubre de 2025"),
    ("es", "2021-06-15", "15 de junio de 2021"),
    ("en", "2015-06", "June 2015"),
    ("en", "2021-06-15", "June 15, 2021"),
])
def test_a_partial_date_is_written_as_the_language_writes_it(lang, value, shown):
    with translation.override(lang):
        assert partial_date(value) == shown


def test_text_that_is_not_a_date_is_shown_as_it_is():
    assert partial_date("sometime") == "sometime"
    assert partial_date(None) == ""
