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

"""The conductor pattern: operations on resources, in order, in a pool.

The Magnum seed's design, with its open questions answered:

* one queue per resource, drained by one thread at a time: operations on a
  resource run in submission order and never overlap; different resources
  share the pool;
* across processes and hosts, the drainer holds the resource's tooz lock
  (file driver on one host, redis for several);
* when every worker is busy, the caller drains the resource itself (the
  seed's rate limit), counted in ``statistics()['exhausted']``;
* every hand-off is a state in the database (QUEUED, RUNNING, WAITING,
  DONE, FAILED), so that :meth:`Conductor.recover` finds, after a restart,
  what a conductor left unfinished: it runs again what never started and
  fails what was running (it may have done part of its work), so nothing
  is lost and nothing runs twice;
* an operation raising NotReady is retried after ``retry_delay``, up to
  ``max_attempts``, its resource parked meanwhile: no worker waits; the
  retry is re-queued for the pool (never run in the timer's thread, which
  would be a pool without a bound);
* ``close()`` stops: what is queued stays QUEUED for a restarted
  conductor's ``recover()``, and ``submit`` raises RuntimeError.
"""

import collections
import concurrent.futures
import os
import tempfile
import threading
import time
import uuid

import sqlalchemy as sa
from tooz import coordination

from reference import executor
from watcher_conformance import conductor as contract

METADATA = sa.MetaData()
OPERATIONS = sa.Table(
    'conductor_operations', METADATA,
    sa.Column('seq', sa.Integer, primary_key=True, autoincrement=True),
    sa.Column('id', sa.String(64), nullable=False, unique=True),
    sa.Column('resource', sa.String(255), nullable=False, index=True),
    sa.Column('operation', sa.String(64), nullable=False),
    sa.Column('tag', sa.String(255)),
    sa.Column('params', sa.JSON, nullable=False),
    sa.Column('state', sa.String(16), nullable=False),
    sa.Column('owner', sa.String(255), nullable=False, index=True),
    sa.Column('attempts', sa.Integer, nullable=False, default=0),
    sa.Column('message', sa.Text),
    sa.Column('updated_at', sa.Float, nullable=False))


class _Operation:
    __slots__ = ('id', 'resource', 'operation', 'params', 'future',
                 'attempts')

    def __init__(self, id, resource, operation, params, attempts=0):
        self.id, self.resource = id, resource
        self.operation, self.params = operation, params
        self.future = concurrent.futures.Future()
        self.attempts = attempts


class Store:
    """Operation states in the database at *url* (a fresh SQLite file by
    default)."""

    def __init__(self, url=None):
        if not url:
            url = 'sqlite:///' + os.path.join(
                tempfile.mkdtemp(prefix='conductor-'), 'conductor.db')
        connect = {'check_same_thread': False,
                   'timeout': 30} if url.startswith('sqlite') else {}
        self.engine = sa.create_engine(url, connect_args=connect)
        METADATA.create_all(self.engine)
        self._write = threading.Lock()

    def add(self, op, owner):
        with self._write, self.engine.begin() as conn:
            conn.execute(OPERATIONS.insert().values(
                id=op.id, resource=op.resource, operation=op.operation,
                tag=str(op.params.get('tag')), params=op.params,
                state=contract.QUEUED, owner=owner, attempts=0,
                updated_at=time.time()))

    def set(self, op_id, state, **values):
        with self._write, self.engine.begin() as conn:
            conn.execute(OPERATIONS.update().where(OPERATIONS.c.id == op_id)
                         .values(state=state, updated_at=time.time(),
                                 **values))

    def states(self):
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.select(
                OPERATIONS.c.id, OPERATIONS.c.resource,
                OPERATIONS.c.operation, OPERATIONS.c.tag,
                OPERATIONS.c.state).order_by(OPERATIONS.c.seq))]

    def unfinished(self, owner):
        with self.engine.connect() as conn:
            return list(conn.execute(sa.select(OPERATIONS).where(
                OPERATIONS.c.owner == owner,
                OPERATIONS.c.state.not_in(contract.FINISHED))
                .order_by(OPERATIONS.c.seq)))

    def close(self):
        self.engine.dispose()


class Conductor:
    """Runs operations on resources.

    :param max_workers: operations running at once, on different resources.
    :param database_url: where states go (default: a fresh SQLite file).
    :param coordination_url: the tooz backend for per-resource locks across
        processes (default: a file backend in a fresh directory, which
        excludes nothing beyond this process).
    :param member: this conductor's name (default: a fresh one).
    :param retry_delay: seconds before a NotReady operation is tried again.
    :param max_attempts: tries before a NotReady operation FAILS.
    """

    def __init__(self, max_workers, database_url=None, coordination_url=None,
                 member=None, retry_delay=0.05, max_attempts=10):
        self.max_workers = max_workers
        self.member = member or 'conductor-' + uuid.uuid4().hex[:8]
        self.retry_delay, self.max_attempts = retry_delay, max_attempts
        self.store = Store(database_url)
        self.coordinator = coordination.get_coordinator(
            coordination_url or 'file://' + tempfile.mkdtemp(
                prefix='conductor-locks-'), self.member.encode())
        self.coordinator.start(start_heart=True)
        self.pool = executor.make(max_workers)
        self.operations = {}
        self._lock = threading.Lock()
        self._queues = {}    # resource -> deque of _Operation
        self._active = set()  # resources being drained or parked
        self._busy = 0
        self._exhausted = 0
        self._timers = set()
        self._closed = False

    def serve(self, operations):
        self.operations = dict(operations)

    def submit(self, resource, operation, params=None, blocking=False):
        """A future of the operation's result, or with *blocking* the
        result itself."""
        if operation not in self.operations:
            raise KeyError('no operation %r is served' % operation)
        if self._closed:
            raise RuntimeError('the conductor is closed')
        op = _Operation(uuid.uuid4().hex, resource, operation,
                        dict(params or {}))
        self.store.add(op, self.member)
        self._enqueue(op)
        return op.future.result() if blocking else op.future

    def statistics(self):
        return {'exhausted': self._exhausted}

    def states(self):
        return self.store.states()

    def recover(self, member):
        """Finish what conductor *member* left: the futures of the
        operations run again."""
        futures = []
        for row in self.store.unfinished(member):
            if row.state == contract.RUNNING:
                self.store.set(row.id, contract.FAILED,
                               message='interrupted: conductor %s stopped '
                                       'while it ran' % member)
                continue
            self.store.set(row.id, contract.QUEUED, owner=self.member)
            op = _Operation(row.id, row.resource, row.operation,
                            dict(row.params), row.attempts)
            self._enqueue(op)
            futures.append(op.future)
        return futures

    def close(self):
        with self._lock:
            if self._closed:
                return
            self._closed = True
            timers, self._timers = self._timers, set()
        for timer in timers:
            timer.cancel()
        self.pool.shutdown(wait=False)
        try:
            self.coordinator.stop()
        finally:
            self.store.close()

    # -- dispatching ------------------------------------------------------

    def _enqueue(self, op):
        with self._lock:
            self._queues.setdefault(op.resource,
                                    collections.deque()).append(op)
            if op.resource in self._active:
                return  # its drainer will get to it, in order
            self._active.add(op.resource)
        self._dispatch(op.resource)

    def _dispatch(self, resource):
        with self._lock:
            inline = self._busy >= self.max_workers
            if inline:
                self._exhausted += 1
            else:
                self._busy += 1
        if inline:
            self._drain(resource)  # the pool is exhausted: the caller runs
        else:
            self._to_pool(resource)

    def _to_pool(self, resource):
        """Submit the drain of *resource* (counted in ``_busy``); after
        close() it stays undrained, QUEUED for recover()."""
        try:
            self.pool.submit(self._drain_in_worker, resource)
        except RuntimeError:
            with self._lock:
                self._busy -= 1
            if not self._closed:
                raise

    def _drain_in_worker(self, resource):
        try:
            self._drain(resource)
        finally:
            with self._lock:
                self._busy -= 1

    def _drain(self, resource):
        with self.coordinator.get_lock(('conductor-%s' % resource).encode()):
            while True:
                with self._lock:
                    if self._closed:
                        return  # what is queued stays QUEUED, for recover()
                    queue = self._queues[resource]
                    if not queue:
                        del self._queues[resource]
                        self._active.discard(resource)
                        return
                    op = self._next(queue)
                if not self._run(op):
                    return  # parked: a timer dispatches it again
                with self._lock:
                    queue.remove(op)

    @staticmethod
    def _next(queue):
        """The operation to run next: the oldest."""
        return queue[0]

    def _run(self, op):
        """False if the operation is to be retried later."""
        self.store.set(op.id, contract.RUNNING, attempts=op.attempts + 1)
        try:
            result = self.operations[op.operation](op.resource, op.params)
        except contract.NotReady as exc:
            op.attempts += 1
            if op.attempts < self.max_attempts:
                self.store.set(op.id, contract.WAITING, message=str(exc))
                self._retry_later(op.resource)
                return False
            self.store.set(op.id, contract.FAILED, message='not ready after '
                           '%d attempts: %s' % (op.attempts, exc))
            op.future.set_exception(exc)
            return True
        except Exception as exc:
            self.store.set(op.id, contract.FAILED, message=str(exc)[:1000])
            op.future.set_exception(exc)
            return True
        self.store.set(op.id, contract.DONE)
        op.future.set_result(result)
        return True

    def _retry_later(self, resource):
        def fire():
            with self._lock:
                self._timers.discard(timer)
                if self._closed:
                    return  # it stays WAITING, for recover()
                # Re-queued for the pool, even when it is exhausted: the
                # caller-runs rate limit is the submitter's, not a timer's.
                self._busy += 1
            self._to_pool(resource)
        timer = threading.Timer(self.retry_delay, fire)
        timer.daemon = True
        with self._lock:
            self._timers.add(timer)
        timer.start()
