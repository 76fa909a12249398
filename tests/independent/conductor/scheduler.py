# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""Which row runs next: a pure function over the unfinished rows.

Rows of one resource run in id (submission) order, so only a resource's
*head* -- its oldest unfinished row -- may run. A head is ready when nobody
holds it (no claim) and it is QUEUED, or WAITING with its retry due. A
RUNNING or WAITING head blocks its resource: what is queued behind it
waits, which keeps the order across retries. Among ready heads the oldest
goes first.
"""

from watcher_conformance import conductor


def heads(rows):
    """The oldest row of each resource, oldest first."""
    first = {}
    for row in rows:
        first.setdefault(row.resource, row)
    return sorted(first.values(), key=lambda row: row.id)


def pick(rows, now, only=None):
    """The next row to run, and how long until a retry falls due.

    :param rows: unfinished rows of one incarnation, in id order.
    :param now: the current ``time.time()``.
    :param only: the id of the one row the caller may take (an inline
        operation); None for a worker, which never takes inline rows.
    :returns: ``(row, None)``, or ``(None, seconds or None)``.
    """
    soonest = None
    for row in heads(rows):
        if row.claim is not None:
            continue
        if (row.id != only) if only is not None else row.inline:
            continue
        if row.state == conductor.QUEUED:
            return row, None
        if row.state == conductor.WAITING:
            if row.due <= now:
                return row, None
            soonest = row.due if soonest is None else min(soonest, row.due)
    return None, None if soonest is None else max(soonest - now, 0.0)
