"""Drives pinbox's Ads API with Pinterest's official Python SDK (pinterest-api-sdk): an ad account,
a campaign, an ad group and an ad promoting a Pin, the campaign's edits, a Conversions API event,
and the campaign's analytics, read through the SDK's generated client. Run by scripts/sdk-interop."""

import base64
import datetime
import hashlib
import struct
import time
import uuid
import zlib

from openapi_generated.pinterest_client.api.campaigns_api import CampaignsApi
from openapi_generated.pinterest_client.api.user_account_api import UserAccountApi
from pinterest.ads.ad_accounts import AdAccount
from pinterest.ads.ad_groups import AdGroup
from pinterest.ads.ads import Ad
from pinterest.ads.campaigns import Campaign
from pinterest.ads.conversion_events import Conversion
from pinterest.client import PinterestSDKClient
from pinterest.organic.boards import Board
from pinterest.organic.pins import Pin


def png_source():
    row = b"\x00" + bytes((20, 120, 220)) * 32
    raw = row * 24

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 32, 24, 8, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    return {"source_type": "image_base64", "content_type": "image/png", "data": base64.b64encode(data).decode()}


def unique(prefix):
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def test_a_whole_campaign_is_run_through_the_sdk():
    client = PinterestSDKClient.create_default_client()
    me = UserAccountApi(client).user_account_get()
    account = AdAccount.create(name=unique("SDK ads"), owner_user_id=me.id, country="US")
    assert account.id.isdigit()
    assert str(account.country) == "US"

    campaign = Campaign.create(
        ad_account_id=account.id,
        name=unique("Spring"),
        objective_type="AWARENESS",
        daily_spend_cap=20_000_000,
    )
    assert campaign.id.isdigit()
    assert campaign.status == "ACTIVE"
    assert campaign.daily_spend_cap == 20_000_000

    group = AdGroup.create(
        ad_account_id=account.id,
        name=unique("Group"),
        campaign_id=campaign.id,
        billable_event="IMPRESSION",
        budget_in_micro_currency=10_000_000,
        targeting_spec={"GENDER": ["female"], "AGE_BUCKET": ["25-34"]},
        # The SDK passes None for this unless given, which its own model then refuses.
        auto_targeting_enabled=True,
    )
    assert group.campaign_id == campaign.id

    board = Board.create(name=unique("Promoted"))
    pin = Pin.create(board_id=board.id, media_source=png_source(), title="Spring sale")
    ad = Ad.create(
        ad_account_id=account.id,
        ad_group_id=group.id,
        creative_type="REGULAR",
        pin_id=pin.id,
        destination_url="https://shop.example/spring",
    )
    assert ad.pin_id == pin.id
    assert ad.campaign_id == campaign.id

    # Edits go through the SDK's update paths and read back.
    assert campaign.set_daily_budget(30_000_000)
    assert Campaign(ad_account_id=account.id, campaign_id=campaign.id).daily_spend_cap == 30_000_000
    listed, _ = Campaign.get_all(ad_account_id=account.id)
    assert [c.id for c in listed] == [campaign.id]

    # A Conversions API event, hashed as Pinterest asks.
    event = Conversion.create_conversion_event(
        event_name="checkout",
        action_source="web",
        event_time=int(time.time()),
        event_id=uuid.uuid4().hex,
        user_data={"em": [hashlib.sha256(b"shopper@example.com").hexdigest()]},
        custom_data={"currency": "USD", "value": "42.50"},
    )
    response = Conversion.send_conversion_events(ad_account_id=account.id, conversion_events=[event])
    assert response.num_events_received == 1
    assert response.num_events_processed == 1

    # The campaign's analytics, as the generated client reads them.
    today = datetime.date.today()
    rows = CampaignsApi(client).campaigns_analytics(
        ad_account_id=account.id,
        start_date=today - datetime.timedelta(days=7),
        end_date=today,
        campaign_ids=[campaign.id],
        columns=["SPEND_IN_MICRO_DOLLAR", "IMPRESSION_1", "CLICKTHROUGH_1"],
        granularity="DAY",
    )
    # The generated client checked the answer against its model; a campaign made a moment ago
    # has delivered at most its first hours, never over its daily cap.
    rows = rows.value
    assert len(rows) <= 1
    for row in rows:
        assert row["CAMPAIGN_ID"] == campaign.id
        assert row["SPEND_IN_MICRO_DOLLAR"] <= 30_000_000


def test_ads_refusals_reach_the_sdk_as_pinterest_errors():
    client = PinterestSDKClient.create_default_client()
    me = UserAccountApi(client).user_account_get()
    account = AdAccount.create(name=unique("SDK refusals"), owner_user_id=me.id, country="US")
    # The SDK checks enums itself; a rule only pinbox knows comes back from the server.
    try:
        Campaign.create(
            ad_account_id=account.id,
            name="Both caps",
            objective_type="AWARENESS",
            daily_spend_cap=1_000_000,
            lifetime_spend_cap=2_000_000,
        )
    except Exception as e:  # the SDK's own error type for a refused item
        assert "cannot both be set" in str(e), e
    else:
        raise AssertionError("a campaign with both spend caps must be refused")
    listed, _ = Campaign.get_all(ad_account_id=account.id)
    assert listed == []
