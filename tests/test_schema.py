"""Register validation: clear messages (file, record, field) instead of tracebacks (issue 13)."""

import pytest

from mkbbook import checks, regions
from mkbbook.errors import DataError
from mkbbook.schema import Field, load_register

FIELDS = [Field("id", "str", required=True), Field("checked", "date"), Field("source", "url"),
          Field("sources", "url_list"), Field("items", "dict_list")]


def _load(tmp_path, text, name="register.yml"):
    path = tmp_path / name
    path.write_text(text)
    return load_register(path, FIELDS)


@pytest.mark.parametrize("date", ["2026-11-31", "2026-02-30", "2025-13-01"])
def test_impossible_date_names_file_record_and_field(tmp_path, date):
    with pytest.raises(DataError) as err:
        _load(tmp_path, f"- id: a\n  checked: {date}\n")
    text = str(err.value)
    assert "register.yml" in text and "'a'" in text and "'checked'" in text and date in text
    assert "not an existing date" in text


def test_impossible_date_inside_a_nested_record(tmp_path):
    with pytest.raises(DataError) as err:
        _load(tmp_path, "- id: a\n  items:\n    - date: 2026-02-30\n")
    assert "'items'" in str(err.value) and "2026-02-30" in str(err.value)


def test_real_dates_still_load_as_dates(tmp_path):
    import datetime as dt

    assert _load(tmp_path, "- id: a\n  checked: 2024-02-29\n")[0]["checked"] == dt.date(2024, 2, 29)


@pytest.mark.parametrize("text", ["[]\n", "# nothing\n", "# only a comment\n[]\n"])
def test_empty_register_is_refused_with_its_name(tmp_path, text):
    with pytest.raises(DataError) as err:
        _load(tmp_path, text, "initiatives.yml")
    assert "initiatives.yml" in str(err.value) and "no records" in str(err.value)


def test_monitoring_register_may_be_empty(tmp_path):
    from mkbbook import monitoring

    path = tmp_path / "monitoring.yml"
    path.write_text("[]\n")
    assert monitoring.load_monitoring(path).empty


@pytest.mark.parametrize("url", ["https://", "http://", "https:///path", "https://x", "https:// example.org"])
def test_url_needs_a_host(tmp_path, url):
    with pytest.raises(DataError) as err:
        _load(tmp_path, f"- id: a\n  source: '{url}'\n")
    assert "'source'" in str(err.value)
    with pytest.raises(DataError):
        _load(tmp_path, f"- id: a\n  sources: ['{url}']\n")


def test_good_url_passes(tmp_path):
    assert _load(tmp_path, "- id: a\n  source: https://www.cbs.nl/nl-nl/cijfers?x=1\n")[0]["id"] == "a"


def test_first_data_year_explains_why_it_cannot_be_an_edition():
    problem = checks.year_problem(2015, range(2015, 2026))
    text = str(problem)
    assert "outside the data" not in text
    assert "first year" in text and "2016" in text and "compare" in text
    assert checks.year_problem(2016, range(2015, 2026)) is None
    assert "after the newest year" in str(checks.year_problem(2026, range(2015, 2026)))


def test_lowercase_municipality_code_is_resolved():
    assert regions.resolve("gm0344").key == "GM0344"
    assert regions.resolve("U16").key == "u16"


def test_dissolved_municipality_says_what_it_became():
    with pytest.raises(DataError) as err:
        regions.resolve("GM0381")
    text = str(err.value)
    assert "Bussum" in text and "GM1942" in text and "Gooise Meren" in text and "REGION=GM1942" in text


def test_bad_region_is_not_blamed_on_regions_yml():
    for key in ("utrecht-oost", "GM9999"):
        with pytest.raises(DataError) as err:
            regions.resolve(key)
        assert err.value.file == "parameter REGION"
        assert not str(err.value).startswith(str(regions.REGIONS_FILE))
