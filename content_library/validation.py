"""Validation of asset records coming from files, the CLI or Slack: one clear message per problem."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from content_library.languages import detect_language, is_language_code, language_code
from content_library.placeholders import says_nothing
from content_library.vocabulary import UnknownName, parse_content_type, parse_stages, stage_prior

MAX_TITLE = 300
MAX_URL = 2000
MAX_DESCRIPTION = 5000
MAX_TAG = 50
MAX_TAGS = 30
FIELDS = ("title", "url", "description", "content_type", "stages", "tags", "language", "owner")
REQUIRED = ("title", "url", "content_type")

# Column and key names other tools export, mapped to the fields above (matched case-, space- and
# dash-insensitively): a CMS export's "Content Type", "Stage" or "Link" imports as it is.
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("name", "asset name", "asset title", "headline"),
    "url": ("link", "href", "uri", "address", "asset url", "page url", "web address"),
    "description": ("summary", "abstract", "desc", "excerpt", "body"),
    "content_type": ("type", "asset type", "content format", "format", "kind"),
    "stages": ("stage", "funnel stage", "journey stage", "buyer stage", "buying stage", "lifecycle stage", "funnel"),
    "tags": ("tag", "keywords", "labels", "topics"),
    "language": ("lang", "locale"),
    "owner": ("author", "created by", "owner email"),
}
_SEVERAL = re.compile(r"[,;/&+|，、]|\s(?:and|и)\s|和")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class AssetInput:
    """A validated asset record, ready to be written."""

    title: str
    url: str
    content_type: str
    stages: list[str]
    description: str = ""
    tags: list[str] = field(default_factory=list)
    language: str = "en"
    owner: str | None = None


class ValidationError(ValueError):
    """What is wrong with one record: the field and the reason, in words a user can act on."""

    def __init__(self, field_name: str, message: str):
        self.field, self.message = field_name, message
        super().__init__(f"{field_name}: {message}")


class UnknownType(ValidationError):
    """A row whose content type is no type of the vocabulary (nor one that names several): the
    value as written, the row's own stages (parsed) and its text, so an import can define it."""

    def __init__(self, message: str, value: str, stages: list[str], text: str):
        super().__init__("content_type", message)
        self.value, self.stages, self.text = value, stages, text


def _text(record: dict[str, Any], name: str, limit: int, *, multiline: bool = False) -> str:
    value = record.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        else:
            raise ValidationError(name, f"must be text, got {type(value).__name__}")
    value = unicodedata.normalize("NFC", value).strip()
    if _CONTROL.search(value) or (not multiline and ("\n" in value or "\r" in value)):
        raise ValidationError(name, "contains control characters or line breaks; remove them")
    if len(value) > limit:
        raise ValidationError(name, f"is {len(value)} characters long; the limit is {limit}")
    return value


def _list(record: dict[str, Any], name: str) -> list[str]:
    value = record.get(name)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        items = re.split(r"[;,，；]", value)
    elif isinstance(value, (list, tuple)):
        items = value
    else:
        raise ValidationError(name, f"must be a list or a ';'/','-separated text, got {type(value).__name__}")
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ValidationError(name, f"every entry must be text, got {type(item).__name__}")
        item = unicodedata.normalize("NFC", item).strip()
        if item:
            out.append(item)
    return out


def validate_url(url: str) -> str:
    if not url:
        raise ValidationError("url", "is required")
    if any(ch.isspace() for ch in url):
        raise ValidationError("url", "must not contain spaces")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValidationError("url", f"{url[:80]!r} is not an http:// or https:// link")
    return url


class UnknownFields(ValidationError):
    """The record has keys (columns) that are no field."""


def _field_key(name: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


_FIELD_KEYS = {**{f: f for f in (*FIELDS, "id")},
               **{_field_key(n): f for f, names in FIELD_NAMES.items() for n in names}}


def _with_field_names(record: dict, other_keys: set[str] | None) -> dict:
    """The record with its keys as field names ("Content Type" → content_type, "Stage" → stages).
    A key that is no field is an error that names it, or, when `other_keys` is a set, is left out
    and added to that set; two keys for one field are an error."""
    named: dict[str, Any] = {}
    given: dict[str, str] = {}
    unknown: list[str] = []
    for key, value in record.items():
        field_name = _FIELD_KEYS.get(_field_key(key))
        if field_name is None:
            unknown.append(str(key))
            continue
        if field_name in given:
            raise ValidationError(str(key), f"gives {field_name} again (so does {given[field_name]!r}); keep one of them")
        given[field_name], named[field_name] = str(key), value
    if unknown and other_keys is not None:
        other_keys.update(unknown)
    elif unknown:
        hints = []
        for key in unknown:
            close = difflib.get_close_matches(_field_key(key), list(_FIELD_KEYS), n=1, cutoff=0.75)
            if close:
                hints.append(f"did you mean {_FIELD_KEYS[close[0]]!r}" + (f" for {key!r}" if len(unknown) > 1 else "") + "?")
        verb = "is not a known field" if len(unknown) == 1 else "are not known fields"
        raise UnknownFields(", ".join(unknown), f"{verb}; {' '.join(hints)} (known: {', '.join(FIELDS)})"
                            if hints else f"{verb} (known: {', '.join(FIELDS)})")
    return named


def normalise_tag(tag: str) -> str:
    """A tag as it is stored: lower case, without a hashtag's '#' ("#SMB" is smb); "" for a cell
    that says nothing ("N/A", "none": no tag)."""
    return "" if says_nothing(tag) else tag.strip().lower().lstrip("#").strip()


def validate_asset(record: Any, other_keys: set[str] | None = None) -> AssetInput:
    """Check one record and return it normalised, or raise ValidationError on its first problem.
    With a set for `other_keys`, keys that are no field are left out and collected there."""
    if not isinstance(record, dict):
        raise ValidationError("record", f"must be an object with fields {', '.join(FIELDS)}, got {type(record).__name__}")
    record = _with_field_names(record, other_keys)
    for name in REQUIRED:
        if record.get(name) in (None, ""):
            raise ValidationError(name, "is required")
    title = _text(record, "title", MAX_TITLE)
    if not title:
        raise ValidationError("title", "is required")
    url = validate_url(_text(record, "url", MAX_URL))
    description = _text(record, "description", MAX_DESCRIPTION, multiline=True)
    try:
        stages = parse_stages(_list(record, "stages"))
    except UnknownName as exc:
        stage_error = ValidationError("stages", str(exc))
        stages = None
    type_name = _text(record, "content_type", 60)
    try:
        content_type = parse_content_type(type_name)
    except UnknownName as exc:
        if exc.ambiguous or exc.typo or stages is None:  # a near spelling is a typo, not a new type
            raise ValidationError("content_type", str(exc)) from exc
        raise UnknownType(str(exc), type_name, stages, f"{title}. {description}") from exc
    if stages is None:
        raise stage_error
    tags = _list(record, "tags")
    if len(tags) > MAX_TAGS:
        raise ValidationError("tags", f"has {len(tags)} tags; the limit is {MAX_TAGS}")
    for tag in tags:
        if len(tag) > MAX_TAG or _CONTROL.search(tag):
            raise ValidationError("tags", f"tag {tag[:20]!r}… is longer than {MAX_TAG} characters or has control characters")
    language = language_code(_text(record, "language", 30))
    if _SEVERAL.search(language):
        raise ValidationError("language", f"{language!r} names more than one language; an asset is in one: give its "
                                          "own, and import each language version as a row of its own")
    if language and not is_language_code(language):
        raise ValidationError("language", f"{language!r} is not a language code or name such as en, zh, zh-hant, ru "
                                          "or English")
    owner = _text(record, "owner", 200) or None
    return AssetInput(
        title=title,
        url=url,
        content_type=content_type,
        stages=stages or list(stage_prior(content_type)),
        description=description,
        tags=list(dict.fromkeys(t for t in map(normalise_tag, tags) if t)),
        language=language or detect_language(f"{title} {description}"),
        owner=owner,
    )
