"""The columns of the common helpdesks' standard ticket exports.

Each preset names, for each thing the importer needs, the header the vendor's export gives it,
first as its own export or report labels it and then as its API names the field (teams often
export through the API or a connector); the first one the file has is used, headers matched
without regard to case or spacing. Every flag (`--created`, `--queue`, ...) overrides its preset
column, and the flags alone work for any other export.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, get_args

PresetName = Literal["zendesk", "freshdesk", "intercom", "salesforce", "hubspot"]


@dataclass(frozen=True)
class Preset:
    """Where a helpdesk's export keeps each thing the importer reads."""

    name: PresetName
    source: str  # the vendor documents the columns come from
    created: tuple[str, ...]
    ticket_id: tuple[str, ...]
    queue: tuple[str, ...]
    region: tuple[str, ...] = ()  # a time-zone column
    country: tuple[str, ...] = ()
    handle_seconds: tuple[str, ...] = ()
    # the zone the export writes its times in when they carry no offset (None: the user must say)
    naive_tz: str | None = None
    # codes the export writes in the queue column, as words (Freshdesk's source codes)
    channel_words: Mapping[str, str] = field(default_factory=dict)


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            name="zendesk",
            source=(
                "Zendesk help, 'Exporting data to a JSON, CSV, or XML file' "
                "(https://support.zendesk.com/hc/en-us/articles/4408886165402): the ticket CSV's "
                "'Id', 'Created at', 'Via' and 'Requester time zone' (a Rails zone name); the Tickets "
                "API (https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/): id, "
                "created_at, via.channel"
            ),
            created=("Created at", "created_at"),
            ticket_id=("Id", "id"),
            queue=("Via", "via.channel", "via_channel"),
            region=("Requester time zone", "requester.time_zone", "requester.iana_time_zone"),
        ),
        Preset(
            name="freshdesk",
            source=(
                "Freshdesk's ticket export ('Ticket ID', 'Created time', 'Source', the contact's "
                "'Time zone' as a Rails name; times in the helpdesk's zone, without an offset) and "
                "the Tickets API (https://developers.freshdesk.com/api/#tickets): id, created_at, "
                "source (1 Email, 2 Portal, 3 Phone, 7 Chat, 9 Feedback widget, 10 Outbound email)"
            ),
            created=("Created time", "created_at"),
            ticket_id=("Ticket ID", "id"),
            queue=("Source", "source"),
            region=("Time zone", "Contact time zone", "time_zone"),
            channel_words={
                "1": "email",
                "2": "portal",
                "3": "phone",
                "7": "chat",
                "9": "feedback widget",
                "10": "outbound email",
            },
        ),
        Preset(
            name="intercom",
            source=(
                "Intercom's reporting data export of the conversation dataset "
                "(https://developers.intercom.com/docs/references/2.17/rest-api/api.intercom.io/"
                "reporting-data-export): 'Conversation ID' (standard.conversation_id), 'Conversation "
                "started at' (timestamp.conversation_started_at, UTC), the channel, and the user's "
                "'Location country' and 'Timezone'"
            ),
            created=(
                "Conversation started at",
                "conversation_started_at",
                "Conversation created at",
                "conversation_created_at",
                "created_at",
            ),
            ticket_id=("Conversation ID", "conversation_id", "id"),
            queue=("Channel", "Conversation channel", "channel", "source.type"),
            region=("Timezone", "Time zone", "timezone"),
            country=("Location country", "Country", "location.country"),
            naive_tz="UTC",
        ),
        Preset(
            name="salesforce",
            source=(
                "Salesforce Service Cloud Case fields (https://help.salesforce.com/s/articleView?id="
                "service.cases_fields.htm) as a report exports them ('Case Number', 'Date/Time "
                "Opened', 'Case Origin'), and the Case object's API names (https://developer."
                "salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/"
                "sforce_api_objects_case.htm): CaseNumber, CreatedDate, Origin"
            ),
            created=("Date/Time Opened", "Opened Date", "CreatedDate", "Created Date"),
            ticket_id=("Case Number", "CaseNumber", "Case ID", "Id"),
            queue=("Case Origin", "Origin"),
            country=("Billing Country", "Mailing Country", "Country"),
        ),
        Preset(
            name="hubspot",
            source=(
                "HubSpot's default ticket properties (https://knowledge.hubspot.com/properties/"
                "hubspots-default-ticket-properties) as a ticket export labels them: 'Ticket ID' "
                "(hs_object_id), 'Create date' (createdate), 'Source' (source_type: EMAIL, CHAT, "
                "PHONE, FORM); the CRM tickets API (https://developers.hubspot.com/docs/guides/api/"
                "crm/objects/tickets); a contact's 'Time zone' (hs_timezone, e.g. america_slash_"
                "new_york) and 'Country/Region'"
            ),
            created=("Create date", "createdate"),
            ticket_id=("Ticket ID", "hs_object_id", "Record ID"),
            queue=("Source", "source_type"),
            region=("Time zone", "hs_timezone"),
            country=("Country/Region", "Country", "country"),
        ),
    )
}
if set(PRESETS) != set(get_args(PresetName)):  # one list of names: the API's schema reads PresetName
    raise RuntimeError(f"presets {sorted(PRESETS)} and their names {get_args(PresetName)} differ")


def header_key(column: str) -> str:
    """A header as the importer compares it: case and spacing aside."""
    return " ".join(column.split()).casefold()
