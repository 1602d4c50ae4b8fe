"""One set of "nothing given" words for the language and the stage columns."""

import pytest

from content_library.languages import language_code
from content_library.placeholders import says_nothing
from content_library.vocabulary import parse_stages


@pytest.mark.parametrize("value", ["", " ", "N/A", "n / a", "TBD", "null", "-", "Unknown", "NaN", "待定", "无", "Не указан"])
def test_a_cell_left_open_says_nothing_in_either_column(value):
    assert says_nothing(value)
    assert language_code(value) == ""
    assert parse_stages(value) == []


@pytest.mark.parametrize("value", ["en", "awareness", "tbd-plan", "none of them"])
def test_values_are_not_taken_for_placeholders(value):
    assert not says_nothing(value)


def test_an_imported_row_whose_cells_say_nothing_gets_the_prior_detection_and_no_tags():
    from content_library.files import parse_rows, validate_rows

    csv = ("title,url,content_type,stages,tags,language\n"
           "Цены на тарифы,https://x.example/p,pricing,TBD,\"N/A, #SMB\",null\n")
    [row] = validate_rows(parse_rows(csv, "csv"))
    assert (row.stages, row.tags, row.language) == (["decision"], ["smb"], "ru")
