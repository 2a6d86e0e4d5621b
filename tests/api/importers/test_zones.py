"""Zone and country names as helpdesks export them."""

from __future__ import annotations

import zoneinfo

import pytest

from api.importers.zones import RAILS_ZONES, near_zone_name, zone_of_country, zone_of_name, zone_option
from common.errors import InvalidInput
from forecasting.calendar import country_of_zone


def test_every_rails_zone_is_an_iana_zone_here() -> None:
    available = zoneinfo.available_timezones()
    assert set(RAILS_ZONES.values()) <= available


@pytest.mark.parametrize(
    ("name", "tz"),
    [
        ("America/New_York", "America/New_York"),
        ("america/new_york", "America/New_York"),
        ("Eastern Time (US & Canada)", "America/New_York"),  # Rails (Zendesk, Freshdesk)
        ("(GMT-05:00) Eastern Time (US & Canada)", "America/New_York"),  # Rails as Zendesk shows it
        ("Eastern Standard Time", "America/New_York"),  # Windows (CLDR)
        ("W. Europe Standard Time", "Europe/Berlin"),
        ("america_slash_new_york", "America/New_York"),  # HubSpot
        ("London", "Europe/London"),
        ("Kyev", "Europe/Kyiv"),
        # legacy IANA links are read as the zone of their country (the Rails "Singapore" too)
        ("Singapore", "Asia/Singapore"),
        ("Japan", "Asia/Tokyo"),
        ("US/Eastern", "America/New_York"),
        ("Asia/Calcutta", "Asia/Kolkata"),
        # names that are their own country's zone, or no country's, are kept
        ("Europe/Amsterdam", "Europe/Amsterdam"),
        ("UTC", "UTC"),
    ],
)
def test_helpdesk_zone_names_map_to_iana(name: str, tz: str) -> None:
    assert zone_of_name(name) == tz


def test_unknown_names_are_none_with_a_suggestion() -> None:
    assert zone_of_name("Mars/Olympus") is None
    assert zone_of_name("") is None
    assert near_zone_name("Europe/Londn") == "Europe/London"


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("Europe/Londn", "Europe/London"),
        ("America/New_Yrok", "America/New_York"),
        ("America/NewYork", "America/New_York"),
        # nearest to a legacy link: its current name is suggested
        ("Asia/Calcuta", "Asia/Kolkata"),
        ("Europe/Kiew", "Europe/Kyiv"),
        ("Asia/Saigonn", "Asia/Ho_Chi_Minh"),
        ("America/Buenos_Aire", "America/Argentina/Buenos_Aires"),
        # a link kept for a country of its own stays
        ("Europe/Amsterdm", "Europe/Amsterdam"),
        # a helpdesk's name, misspelt or not, as the IANA zone it means
        ("Eastern Tme (US & Canada)", "America/New_York"),
        ("Calcutta", "Asia/Kolkata"),
        ("Mars/Olympus", None),
    ],
)
def test_the_zone_suggested_for_a_typo_is_its_current_iana_name(typo: str, meant: str | None) -> None:
    assert near_zone_name(typo) == meant
    if meant is not None:
        assert zone_of_name(meant) == meant  # an IANA name, not a legacy link


def test_a_zone_option_is_checked_naming_the_option_and_the_zone_meant() -> None:
    assert zone_option("--tz", "Asia/Kolkata") == "Asia/Kolkata"
    with pytest.raises(InvalidInput) as caught:
        zone_option("--assume-tz", "Asia/Calcuta")
    assert str(caught.value) == "--assume-tz 'Asia/Calcuta' is not a time zone; did you mean 'Asia/Kolkata'?"
    with pytest.raises(InvalidInput, match="'Mars/Olympus' is not a time zone; use an IANA name"):
        zone_option("--tz", "Mars/Olympus")


@pytest.mark.parametrize(
    ("name", "tz", "several"),
    [
        ("Germany", "Europe/Berlin", True),  # Berlin and Busingen
        ("GB", "Europe/London", False),
        ("UK", "Europe/London", False),
        ("United States", "America/New_York", True),
        ("USA", "America/New_York", True),
        ("Canada", "America/Toronto", True),
        ("Australia", "Australia/Sydney", True),
        ("Philippines", "Asia/Manila", False),
    ],
)
def test_countries_get_their_principal_zone(name: str, tz: str, several: bool) -> None:
    found = zone_of_country(name)
    assert found is not None
    assert found.tz == tz
    assert (found.n_zones > 1) == several


def test_a_name_that_is_no_country_has_no_zone() -> None:
    assert zone_of_country("Atlantis") is None


@pytest.mark.parametrize(
    ("written", "meant"),
    [("Manila", "Asia/Manila"), ("sao paulo", "America/Sao_Paulo"), ("New York", "America/New_York")],
)
def test_a_city_alone_reads_as_its_zone(written: str, meant: str) -> None:
    """A helpdesk's custom zone field may hold the city alone; a team file is told the IANA name."""
    assert zone_of_name(written) == meant


@pytest.mark.parametrize(("name", "country"), [("Singapore", "SG"), ("Japan", "JP"), ("US/Pacific", "US")])
def test_a_legacy_zone_name_gets_its_countrys_holidays(name: str, country: str) -> None:
    zone = zone_of_name(name)
    assert zone is not None
    assert country_of_zone(zone) == country
