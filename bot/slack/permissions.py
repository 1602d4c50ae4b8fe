"""Who may change the library: the users in MARKETER_USER_IDS and the members of MARKETER_USERGROUP
(a user group's handle or id, looked up with the Web API and cached briefly)."""

from __future__ import annotations

import logging
import threading
import time

from slack_sdk.errors import SlackApiError

from bot.app.text import Mention, Rich

log = logging.getLogger(__name__)
CACHE_SECONDS = 60


class Marketers:
    def __init__(self, user_ids: tuple[str, ...], usergroup: str | None, client=None, clock=time.monotonic):
        self.user_ids = set(user_ids)
        self.usergroup = usergroup
        self.client = client
        self.clock = clock
        self._members: set[str] = set()
        self._fetched_at: float | None = None
        self._group_id: str | None = usergroup if usergroup and usergroup.startswith("S") and usergroup.isupper() \
            else None
        self._lock = threading.Lock()

    def allows(self, user: str | None) -> bool:
        if user is None:
            return False
        return user in self.user_ids or user in self._group_members()

    def who_can_help(self) -> Rich:
        names: list = [Mention(u) for u in sorted(self.user_ids)[:5]]
        if self.usergroup:
            names.append(Mention(self._group_id, group=True) if self._group_id else f"the @{self.usergroup} group")
        if not names:
            return ["nobody is set up as a marketer yet: ask whoever runs journeybot to set MARKETER_USER_IDS"]
        out: Rich = ["ask "]
        for n, name in enumerate(names):
            out += ([" or "] if n else []) + [name]
        return out

    def _group_members(self) -> set[str]:
        if not self.usergroup or self.client is None:
            return set()
        with self._lock:
            fresh = self._fetched_at is not None and self.clock() - self._fetched_at < CACHE_SECONDS
            if fresh:
                return self._members
            try:
                if self._group_id is None:
                    groups = self.client.usergroups_list().get("usergroups") or []
                    match = next((g for g in groups if g.get("handle") == self.usergroup
                                  or g.get("name") == self.usergroup), None)
                    if match is None:
                        log.error("MARKETER_USERGROUP %r is not a user group of this workspace", self.usergroup)
                        self._fetched_at = self.clock()
                        return self._members
                    self._group_id = match["id"]
                users = self.client.usergroups_users_list(usergroup=self._group_id).get("users") or []
                self._members = set(users)
                self._fetched_at = self.clock()
            except SlackApiError as exc:
                # Keep the last known members; refuse nobody who was a member a minute ago.
                log.error("could not read the members of MARKETER_USERGROUP %r: %s", self.usergroup,
                          exc.response.get("error"))
            return self._members
