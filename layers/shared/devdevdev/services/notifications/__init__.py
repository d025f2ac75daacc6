"""Notifications (docs/rules.md#notifications), one module per concern:

- :mod:`.publish`: the crawler's announcement (claims the articles, queues one job);
- :mod:`.fanout`: the worker's jobs (a publication fanned out to the subscribers a page at a time, live messages,
  greetings);
- :mod:`.lists`: a member's page, popup, unread count and read state;
- :mod:`.live`: the live channel's connections and what is pushed to them (through the port in :mod:`.port`);
- :mod:`.replies`: the notification a reply gives the author of the comment it answers;
- :mod:`.filters`: which notification types a client is shown.

The jobs between them are typed messages (:mod:`devdevdev.jobs`). The reply functions are re-exported here for the
comment service, which writes reply notifications with its replies.
"""

from devdevdev.services.notifications.replies import announce_reply, reply_notification

__all__ = ["announce_reply", "reply_notification"]
