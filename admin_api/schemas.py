"""Input types and request bodies of the JSON API, plus the small converters they share.

Strings the databases cannot store (NUL, lone surrogates) are refused at the edge with a 422,
never a 500 from the driver.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import HTTPException, Path, Query
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from quarantine.service import decode_cursor

MAX_ID = 2**63 - 1
MAX_MESSAGE = 50 * 1024 * 1024


def clean(value: Any) -> Any:
    """Refuse strings the databases cannot store (NUL, lone surrogates): 422, not 500."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError("must be valid Unicode") from exc
    elif isinstance(value, list):
        for item in value:
            clean(item)
    return value


Text = Annotated[str, AfterValidator(clean)]
Address = Annotated[str, Field(min_length=1, max_length=320), AfterValidator(clean)]
EntryId = Annotated[int, Path(ge=1, le=MAX_ID, description="quarantine entry id")]
ArchiveId = Annotated[int, Path(ge=1, le=MAX_ID, description="archive record id")]
QStr = Annotated[str | None, Query(max_length=320), AfterValidator(clean)]
Cursor = Annotated[str | None, Query(max_length=64, description="opaque; from the previous page's next")]
Limit = Annotated[int, Query(ge=1, le=500)]
When = Annotated[datetime | None, Query(description="ISO 8601 (UTC if no zone) or epoch seconds")]


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    comment: Annotated[str | None, Field(max_length=10_000), AfterValidator(clean)] = None
    recipients: Annotated[list[Address] | None, Field(min_length=1, max_length=1000)] = None
    silent: bool = False
    override: bool = Field(False, description="compliance only: decide outside the routing; needs a comment")


class BulkDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ids: Annotated[list[Annotated[int, Field(ge=1, le=MAX_ID)]], Field(min_length=1, max_length=500)]
    comment: Annotated[str | None, Field(max_length=10_000), AfterValidator(clean)] = None
    silent: bool = False
    override: bool = Field(False, description="compliance only: decide each entry outside its routing; needs the "
                                              "comment")


class SenderReleaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(clean)]
    justification: Annotated[str, Field(min_length=1, max_length=10_000), AfterValidator(clean)]


class FalsePositiveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(clean)]
    rules: Annotated[list[Annotated[str, Field(min_length=1, max_length=200)]] | None,
                     Field(min_length=1, max_length=100)] = None


class SenderWithdrawIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(clean)]
    reason: Annotated[str | None, Field(max_length=10_000), AfterValidator(clean)] = None


class RulesTestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    message: Annotated[str | None, Field(max_length=MAX_MESSAGE, description="raw RFC 822 text")] = None
    message_base64: Annotated[str | None, Field(max_length=MAX_MESSAGE * 2)] = None
    mail_from: Annotated[str, Field(max_length=320), AfterValidator(clean)] = ""
    rcpt_to: Annotated[list[Address], Field(min_length=1, max_length=1000)]

    @model_validator(mode="after")
    def _one_message(self) -> RulesTestIn:
        if (self.message is None) == (self.message_base64 is None):
            raise ValueError("give exactly one of message, message_base64")
        return self


class NotificationsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    frequency: Literal["immediate", "hourly", "daily"]


def field_error(loc: tuple[str, ...], msg: str) -> HTTPException:
    """A 422 shaped like FastAPI's own validation errors (one error, one field)."""
    return HTTPException(422, detail=[{"loc": list(loc), "msg": msg, "type": "value_error"}])


def ts(value: datetime | None) -> float | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def cursor_of(value: str | None) -> int | None:
    try:
        return decode_cursor(value)
    except ValueError:
        raise field_error(("query", "cursor"), "invalid cursor") from None
