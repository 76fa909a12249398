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

"""The conductor: a database-backed queue, claimed by W workers.

Design. ``submit`` writes a QUEUED row and signals a condition; that is
the whole hand-over (no deque, no executor queue). Each of the W worker
threads loops: under the condition it reads its incarnation's unfinished
rows, claims the oldest ready resource head (:mod:`.scheduler`) in the
database, and runs it (:mod:`.runner`) under the resource's tooz lock; with
nothing ready it sleeps on the condition until signalled or until the next
retry falls due. Because a resource's rows are claimable only one at a time
and in id order, per-resource order needs no per-resource structure.

Submitting threads take rows themselves in two cases: an operation of the
blocking class (the row is marked inline, workers skip it, and the caller
waits for it to become its resource's head, then runs it), and an
operation on an idle resource while all W workers hold claims (caller-runs,
counted as ``exhausted``).

Each conductor instance has an *incarnation* id; its rows carry it and its
member name. ``recover(member)`` adopts the unfinished rows another
incarnation of *member* left: those RUNNING are FAILED (they may have done
part of their work), the others move to this incarnation with new futures.
"""

import collections
import logging
import socket
import threading
import time
import uuid

import futurist

from tests.independent.conductor import locks
from tests.independent.conductor import runner
from tests.independent.conductor import scheduler
from tests.independent.conductor import store
from watcher_conformance import conductor

LOG = logging.getLogger(__name__)

#: Longest a waiting thread sleeps without a signal (a safety net only).
POLL = 0.5
WORKER = 'worker'
CALLER = 'caller'


class Shared:
    """What the conductor's threads share; every field is set once."""

    def __init__(self, settings):
        self.settings = settings
        self.member = settings.member or socket.gethostname()
        self.incarnation = uuid.uuid4().hex
        self.cond = threading.Condition()
        self.futures = {}
        self.params = {}
        self.operations = {}
        self.counters = collections.Counter()
        self.store = None
        self.locks = None
        self.stopped = False
        self.busy = 0

    def count(self, name, n=1):
        with self.cond:
            self.counters[name] += n

    def new_future(self):
        if self.settings.mode == 'eventlet':
            return futurist.GreenFuture()
        return futurist.Future()

    def claim_next(self, token, only=None):
        """Claim the next ready row (caller holds ``cond``).

        :returns: ``(row, None)`` or ``(None, seconds to sleep)``.
        """
        rows = self.store.unfinished(self.incarnation)
        row, wait = scheduler.pick(rows, time.time(), only=only)
        if row is not None and self.store.claim(row.id, self.incarnation,
                                                token):
            return row, None
        return None, POLL if wait is None else min(wait, POLL)


class Conductor:
    """Per-resource ordered operations over a claimed-rows queue."""

    def __init__(self, settings):
        self._box = Shared(settings)
        self._runner = runner.Runner(self._box)
        self._workers = []

    # -- lifecycle ---------------------------------------------------------

    def serve(self, operations):
        """Learn the operations and start (once) the store, the tooz
        coordinator and the W workers."""
        box = self._box
        with box.cond:
            box.operations.update(operations)
            if box.store is not None:
                return
            if box.stopped:
                raise RuntimeError('the conductor is closed')
            box.store = store.Store(box.settings.database_url)
            box.locks = locks.ResourceLocks(box.settings.coordination_url,
                                            box.member)
            for n in range(box.settings.max_workers):
                worker = threading.Thread(
                    target=self._work, name='indep-conductor-%d' % n,
                    daemon=True)
                self._workers.append(worker)
                worker.start()

    def close(self):
        """Stop without waiting for running bodies; queued rows stay
        QUEUED in the database for a later ``recover``."""
        box = self._box
        with box.cond:
            box.stopped = True
            box.cond.notify_all()
        if box.locks is not None:
            box.locks.stop()
        if box.store is not None:
            box.store.dispose()

    def _ensure_serving(self):
        if self._box.store is None:
            raise RuntimeError('serve() must be called first')
        if self._box.stopped:
            raise RuntimeError('the conductor is closed')

    # -- workers -----------------------------------------------------------

    def _work(self):
        box = self._box
        while True:
            with box.cond:
                if box.stopped:
                    return
                try:
                    row, wait = box.claim_next(WORKER)
                except Exception:
                    # The database failed us (locked too long, gone):
                    # the worker survives and looks again later.
                    LOG.exception('claiming the next operation failed')
                    row, wait = None, POLL
                if row is None:
                    box.cond.wait(wait)
                    continue
                box.busy += 1
            try:
                self._runner.run(row)
            finally:
                with box.cond:
                    box.busy -= 1
                    box.cond.notify_all()

    # -- the API -------------------------------------------------------------

    def submit(self, resource, operation, params, blocking=False):
        """Queue *operation* on *resource*; see the module docstring."""
        box = self._box
        if operation not in box.operations:
            raise KeyError('no operation %r is served' % operation)
        with box.cond:
            self._ensure_serving()
            exhausted = (not blocking
                         and box.busy >= box.settings.max_workers
                         and not box.store.busy(box.incarnation, resource))
            op_id = box.store.insert(
                box.member, box.incarnation, resource, operation, params,
                claim=CALLER if exhausted else None, inline=blocking)
            future = box.futures[op_id] = box.new_future()
            box.params[op_id] = params
            if exhausted:
                box.counters['exhausted'] += 1
            box.cond.notify_all()
        if blocking:
            return self._run_inline(op_id, future)
        if exhausted:
            self._runner.run(self._own_row(op_id))
        return future

    def _own_row(self, op_id):
        rows = self._box.store.unfinished(self._box.incarnation)
        return next(row for row in rows if row.id == op_id)

    def _run_inline(self, op_id, future):
        """Wait until the row heads its resource, run it here, return its
        result (retries included: the caller waits for them)."""
        box = self._box
        while not future.done():
            with box.cond:
                self._ensure_serving()
                row, wait = box.claim_next(CALLER, only=op_id)
                if row is None:
                    box.cond.wait(wait)
                    continue
            self._runner.run(row)
        return future.result()

    def statistics(self):
        """Counters: exhausted (caller-runs), done, failed, retry,
        recovered, interrupted; plus busy workers now."""
        box = self._box
        with box.cond:
            stats = {name: box.counters[name] for name in (
                'exhausted', 'done', 'failed', 'retry', 'recovered',
                'interrupted')}
            stats['busy'] = box.busy
        return stats

    def states(self):
        self._ensure_started()
        return self._box.store.states()

    def _ensure_started(self):
        if self._box.store is None:
            raise RuntimeError('serve() must be called first')

    def recover(self, member):
        """Take over what another incarnation of *member* left.

        :returns: the futures of the rows this conductor will run again,
            in submission order.
        """
        box = self._box
        futures = []
        with box.cond:
            self._ensure_serving()
            for row in box.store.orphans(member, box.incarnation):
                if row.state == conductor.RUNNING:
                    if box.store.interrupt(
                            row.id, row.incarnation,
                            'interrupted: conductor %s died' % member):
                        box.counters['interrupted'] += 1
                elif box.store.adopt(row.id, row.incarnation,
                                     box.incarnation):
                    futures.append(box.futures.setdefault(
                        row.id, box.new_future()))
                    box.counters['recovered'] += 1
            box.cond.notify_all()
        return futures
