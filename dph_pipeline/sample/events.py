"""Build CloudTrail records in the shape CloudTrail delivers them."""

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

USER_AGENTS = (
    "aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0 exe/x86_64.debian.12 command/ec2.describe-instances",
    "Boto3/1.34.60 md/Botocore#1.34.60 ua/2.0 os/linux#6.1.0 md/arch#x86_64 lang/python#3.11.8",
    "[S3Console/0.4]",
    "aws-sdk-java/2.25.6 Linux/6.1.0 OpenJDK_64-Bit_Server_VM/17.0.10",
)

# Calls that are data events, as CloudTrail classifies them.
_DATA_EVENTS = {("s3.amazonaws.com", n) for n in ("GetObject", "PutObject", "DeleteObject")}


@dataclass(frozen=True)
class Call:
    """What happened, independent of when: who called what, from where, with which outcome."""

    account: str  # the account whose trail logs the call (recipientAccountId)
    identity: dict[str, Any]
    source: str
    name: str
    ip: str
    region: str = "us-east-1"
    vpce: str | None = None
    error: tuple[str, str] | None = None  # (errorCode, errorMessage)
    request: dict[str, Any] | None = None
    user_agent: str = USER_AGENTS[0]
    extra: dict[str, Any] = field(default_factory=dict)


def record(call: Call, at: datetime, rng: random.Random) -> dict[str, Any]:
    """One CloudTrail record of `call` at time `at` (UTC), with ids drawn from `rng`."""
    data_event = (call.source, call.name) in _DATA_EVENTS or call.name == "PreflightRequest"
    event: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": call.identity,
        "eventTime": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": call.source,
        "eventName": call.name,
        "awsRegion": call.region,
        "sourceIPAddress": call.ip,
        "userAgent": call.user_agent,
    }
    if call.error:
        event["errorCode"], event["errorMessage"] = call.error
    event["requestParameters"] = call.request
    event["responseElements"] = None
    event["requestID"] = f"{rng.getrandbits(64):016X}"
    event["eventID"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    event["readOnly"] = call.name.startswith(("Get", "List", "Describe", "Head"))
    event["eventType"] = "AwsApiCall"
    event["managementEvent"] = not data_event
    event["recipientAccountId"] = call.account
    if call.vpce:
        event["vpcEndpointId"] = call.vpce
        event["vpcEndpointAccountId"] = call.account
    event["eventCategory"] = "Data" if data_event else "Management"
    event.update(call.extra)
    return event
