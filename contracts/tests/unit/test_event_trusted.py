"""An event built from values already checked (`Event.trusted`) is the same event as one validated from them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from contracts.api.profile import SizeClass
from contracts.events.registry import EnterpriseRegistered

VALUES: dict[str, Any] = {
    "uscc": "91350100M000100Y43",
    "name": "重庆某某制造有限公司",
    "district_code": "500103",
    "industry_code": "C3411",
    "industry_division": "C34",
    "registered_at": datetime(2026, 12, 4, 9, 30, tzinfo=UTC),
    "key_industry_id": 3,
    "size_class": SizeClass.SMALL,  # as the registry derives it
    "above_scale": False,
    "current_tier": None,
    "sub_industry": None,
    "chain_platforms": ["长安汽车"],
}


@pytest.mark.filterwarnings("error")  # a serializer warning would mean a value of the wrong type
def test_the_same_event_as_a_validated_one() -> None:
    trusted, validated = EnterpriseRegistered.trusted(**VALUES), EnterpriseRegistered.model_validate(VALUES)
    assert trusted == validated
    assert trusted.model_dump_json() == validated.model_dump_json()
    assert trusted.model_fields_set == validated.model_fields_set
    assert trusted.key() == "91350100M000100Y43"


@pytest.mark.parametrize(
    "values",
    [
        {k: v for k, v in VALUES.items() if k != "chain_platforms"},  # a field left out
        {**VALUES, "revenue": 1},  # a field the event does not have
    ],
)
def test_every_field_and_only_those(values: dict[str, Any]) -> None:
    with pytest.raises(TypeError, match=r"EnterpriseRegistered\.trusted"):
        EnterpriseRegistered.trusted(**values)
