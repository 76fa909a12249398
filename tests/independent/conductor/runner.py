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

"""Running one claimed row: lock, RUNNING, body, outcome, future.

Whoever claimed the row -- a worker, or the submitting thread for an
inline or caller-runs operation -- calls :meth:`Runner.run`. The order of
effects is what the states promise: the row is RUNNING only once the
resource's tooz lock is held and just before the body runs; its final (or
WAITING) state is written before the lock is released and before the
future resolves, so whoever sees the future done reads DONE or FAILED.

A body raising ``NotReady`` does not sleep: its row goes WAITING with a
due time and its claim is dropped, so the thread is free at once and the
scheduler hands the row out again when it falls due. The retry budget is
:data:`MAX_ATTEMPTS` attempts with a doubling delay.
"""

import json
import logging
import time

from watcher_conformance import conductor

LOG = logging.getLogger(__name__)

#: Attempts of a NotReady operation before it is FAILED.
MAX_ATTEMPTS = 10
#: Delay before the first retry; it doubles up to :data:`MAX_DELAY`.
FIRST_DELAY = 0.05
MAX_DELAY = 0.5


def retry_delay(attempts):
    return min(FIRST_DELAY * 2 ** (attempts - 1), MAX_DELAY)


class GaveUp(conductor.NotReady):
    """An operation was not ready after every attempt."""


class Runner:
    """Runs claimed rows for one conductor.

    :param box: the conductor's shared state (store, locks, condition,
        futures, params, operations, counters, stopped flag).
    """

    def __init__(self, box):
        self._box = box

    def run(self, row):
        """Run *row* (claimed by the calling thread) once."""
        box = self._box
        future = box.futures.get(row.id)
        outcome = None
        try:
            if not self._mark_running(row, future):
                return
            with box.locks.hold(row.resource):
                if box.stopped:
                    box.store.unclaim(row.id)  # stays QUEUED for recovery
                    return
                box.store.start(row.id, row.attempts + 1)
                outcome = self._call(row)
                self._settle(row, outcome)
        except Exception as exc:
            LOG.exception('operation %s: bookkeeping failed', row.id)
            outcome = ('failed', exc)
        finally:
            with box.cond:
                box.cond.notify_all()
        self._resolve(row, future, outcome)

    def _mark_running(self, row, future):
        """The future's first attempt marks it running; a future the
        submitter cancelled meanwhile FAILS its row instead."""
        if future is None or future.running():
            return True
        if future.set_running_or_notify_cancel():
            return True
        self._box.store.settle(row.id, conductor.FAILED, error='cancelled')
        self._box.futures.pop(row.id, None)
        self._box.params.pop(row.id, None)
        return False

    def _params(self, row):
        params = self._box.params.get(row.id)
        return json.loads(row.params) if params is None else params

    def _call(self, row):
        """The body's outcome: ('done', result), ('failed', exc) or
        ('retry', exc)."""
        fn = self._box.operations.get(row.operation)
        if fn is None:
            return 'failed', KeyError('no operation %r is served'
                                      % row.operation)
        try:
            return 'done', fn(row.resource, self._params(row))
        except conductor.NotReady as exc:
            if row.attempts + 1 >= MAX_ATTEMPTS:
                return 'failed', GaveUp('%s: gave up after %d attempts: %s'
                                        % (row.resource, row.attempts + 1,
                                           exc))
            return 'retry', exc
        except Exception as exc:
            return 'failed', exc

    def _settle(self, row, outcome):
        box, kind = self._box, outcome[0]
        if kind == 'retry':
            due = time.time() + retry_delay(row.attempts + 1)
            box.store.settle(row.id, conductor.WAITING, due=due,
                             error=str(outcome[1]))
        elif kind == 'done':
            box.store.settle(row.id, conductor.DONE)
        else:
            box.store.settle(row.id, conductor.FAILED,
                             error=repr(outcome[1]))
        box.count(kind)

    def _resolve(self, row, future, outcome):
        if outcome is None or outcome[0] == 'retry' or future is None:
            return
        self._box.futures.pop(row.id, None)
        self._box.params.pop(row.id, None)
        try:
            if outcome[0] == 'done':
                future.set_result(outcome[1])
            else:
                future.set_exception(outcome[1])
        except Exception:
            LOG.warning('operation %s: its future was already resolved',
                        row.id)
