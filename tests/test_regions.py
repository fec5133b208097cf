"""Region resolution: curated regions, derived provinces/COROPs, single municipalities."""

import pytest

from mkbbook import regions
from mkbbook.errors import DataError


def test_curated_regions():
    assert len(regions.resolve("provincie-utrecht").codes) == 26
    assert len(regions.resolve("u16").codes) == 16
    assert len(regions.resolve("regio-amersfoort").codes) == 7
    assert regions.resolve("foodvalley-utrecht").codes == {"GM0339", "GM0340", "GM0345"}
    province = regions.resolve("provincie-utrecht")
    sub = [regions.resolve(k).codes for k in province.subregions]
    assert frozenset().union(*sub) == province.codes  # the three sub-regions cover the province


def test_every_province_and_corop_is_derived():
    all_ = regions.all_regions()
    assert sum(1 for k in all_ if k.startswith("provincie-")) == 12
    assert sum(1 for k in all_ if k.startswith("corop-")) == 40
    assert regions.resolve("corop-utrecht").codes == regions.resolve("provincie-utrecht").codes
    assert regions.resolve("provincie-fryslan").name == "provincie Fryslân"


def test_single_municipality():
    region = regions.resolve("GM0344")
    assert region.name == "gemeente Utrecht" and region.codes == {"GM0344"}


def test_unknown_region_lists_the_valid_names():
    with pytest.raises(DataError) as err:
        regions.resolve("utrecht-oost")
    text = str(err.value)
    assert "unknown region 'utrecht-oost'" in text and "u16" in text and "provincie-zeeland" in text


def test_bad_code_in_regions_file(tmp_path):
    path = tmp_path / "regions.yml"
    path.write_text("- id: test\n  name: Test\n  municipalities: [GM0344, GM9999]\n  sources: [https://example.org]\n")
    with pytest.raises(DataError) as err:
        regions.all_regions(path)
    assert "regions.yml" in str(err.value) and "'test'" in str(err.value) and "'municipalities'" in str(err.value)


def test_batch_shortcuts_expand_to_every_province_and_corop_region():
    from mkbbook.batch import expand

    assert len(expand(["provincies"])) == 12 and len(expand(["coropgebieden"])) == 40
    assert expand(["gm0344", "GM0344", "provincie-utrecht"]) == ["GM0344", "provincie-utrecht"]
