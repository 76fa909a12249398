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

"""Broken conductors: the reference conductor with one thing changed."""

import collections
import queue as queue_
import threading
import time
import uuid

from reference import conductor as conductor_
from reference import implementation as reference
from tests import broken
from watcher_conformance import conductor

Conductor = conductor_.Conductor


def _implementation(name, **methods):
    cls = type(name.title().replace('-', ''), (Conductor,), methods)
    return broken.replace_piece(
        name, 'conductor',
        lambda settings: reference.ConductorProvider(settings, cls))


def _straight_to_the_pool(self, op):
    # "the pool orders nothing, but operations are short"
    self.pool.submit(self._run, op)


def _one_worker_init(self, max_workers, *args, **kwargs):
    Conductor.__init__(self, 1, *args, **kwargs)


def _always_to_the_pool(self, resource):
    with self._lock:
        self._busy += 1
    self.pool.submit(self._drain_in_worker, resource)


def _blocking_jumps_the_queue(self, resource, operation, params=None,
                              blocking=False):
    if blocking:  # "logs are read-only: no need to wait"
        return self.operations[operation](resource, dict(params or {}))
    return Conductor.submit(self, resource, operation, params)


def _run_retrying_in_place(self, op):
    while True:
        try:
            result = self.operations[op.operation](op.resource, op.params)
        except conductor.NotReady:
            time.sleep(self.retry_delay)  # the worker waits
            continue
        except Exception as exc:
            op.future.set_exception(exc)
            return True
        self.store.set(op.id, conductor.DONE)
        op.future.set_result(result)
        return True


def _init_without_retries(self, *args, **kwargs):
    Conductor.__init__(self, *args, **kwargs)
    self.max_attempts = 1


def _init_retrying_forever(self, *args, **kwargs):
    Conductor.__init__(self, *args, **kwargs)
    self.max_attempts = float('inf')


class _UnrecordedStore(conductor_.Store):
    def set(self, op_id, state, **values):
        if state != conductor.RUNNING:
            super().set(op_id, state, **values)


def _init_unrecorded(self, *args, **kwargs):
    Conductor.__init__(self, *args, **kwargs)
    self.store = _UnrecordedStore(kwargs.get('database_url'))


def _recover_everything(self, member):
    futures = []
    for row in self.store.unfinished(member):  # RUNNING ones too
        self.store.set(row.id, conductor.QUEUED, owner=self.member)
        op = conductor_._Operation(row.id, row.resource, row.operation,
                                   dict(row.params), row.attempts)
        self._enqueue(op)
        futures.append(op.future)
    return futures


def _recover_by_failing(self, member):
    for row in self.store.unfinished(member):
        self.store.set(row.id, conductor.FAILED, message='lost in a restart')
    return []


def _init_local_locks(self, max_workers, database_url=None,
                      coordination_url=None, member=None, **kwargs):
    Conductor.__init__(self, max_workers, database_url, None, member,
                       **kwargs)


def _lock_name(resource):
    return ('conductor-%s' % resource).encode()


def _drain_tolerant(self, resource):
    # Two drainers of one resource can now meet: the second finds the
    # queue gone.
    with self.coordinator.get_lock(_lock_name(resource)):
        while True:
            with self._lock:
                queue = self._queues.get(resource)
                if not queue:
                    self._queues.pop(resource, None)
                    self._active.discard(resource)
                    return
                op = queue[0]
            if not self._run(op):
                return
            with self._lock:
                queue.remove(op)


def _enqueue_rate_limiting_everything(self, op):
    with self._lock:
        self._queues.setdefault(op.resource,
                                collections.deque()).append(op)
        if op.resource in self._active and self._busy < self.max_workers:
            return  # its drainer will get to it, in order
        # "the pool is exhausted: the caller runs it (the seed's rate
        # limit)", even when the resource's drainer is at work.
        self._active.add(op.resource)
    self._dispatch(op.resource)


def _retry_later_in_the_timer(self, resource):
    def fire():
        with self._lock:
            self._timers.discard(timer)
            if self._closed:
                return
        self._dispatch(resource)  # inline in this thread when exhausted
    timer = threading.Timer(self.retry_delay, fire)
    timer.daemon = True
    with self._lock:
        self._timers.add(timer)
    timer.start()


class _RequeuedStore(conductor_.Store):
    def set(self, op_id, state, **values):
        if state == conductor.WAITING:
            state = conductor.QUEUED  # "back in the queue"
        super().set(op_id, state, **values)


def _init_requeued(self, *args, **kwargs):
    Conductor.__init__(self, *args, **kwargs)
    self.store = _RequeuedStore(kwargs.get('database_url'))


def _run_give_up_parks(self, op):
    self.store.set(op.id, conductor.RUNNING, attempts=op.attempts + 1)
    try:
        result = self.operations[op.operation](op.resource, op.params)
    except conductor.NotReady as exc:
        op.attempts += 1
        if op.attempts < self.max_attempts:
            self.store.set(op.id, conductor.WAITING, message=str(exc))
            self._retry_later(op.resource)
        else:
            self.store.set(op.id, conductor.FAILED, message=str(exc))
            op.future.set_exception(exc)
        return False  # not done: parked
    except Exception as exc:
        self.store.set(op.id, conductor.FAILED, message=str(exc))
        op.future.set_exception(exc)
        return True
    self.store.set(op.id, conductor.DONE)
    op.future.set_result(result)
    return True


def _run_variant(on_error=None, on_result=None):
    """The reference's _run, with what happens after an error or a
    result replaced."""
    def _run(self, op):
        self.store.set(op.id, conductor.RUNNING, attempts=op.attempts + 1)
        try:
            result = self.operations[op.operation](op.resource, op.params)
        except conductor.NotReady as exc:
            op.attempts += 1
            if op.attempts < self.max_attempts:
                self.store.set(op.id, conductor.WAITING, message=str(exc))
                self._retry_later(op.resource)
                return False
            self.store.set(op.id, conductor.FAILED, message=str(exc))
            op.future.set_exception(exc)
            return True
        except Exception as exc:
            if on_error is not None:
                return on_error(self, op, exc)
            self.store.set(op.id, conductor.FAILED, message=str(exc))
            op.future.set_exception(exc)
            return True
        if on_result is not None:
            return on_result(self, op, result)
        self.store.set(op.id, conductor.DONE)
        op.future.set_result(result)
        return True
    return _run


def _tell_then_store(self, op, result):
    op.future.set_result(result)  # the caller first: it is waiting
    self.store.set(op.id, conductor.DONE)
    return True


def _state_as_result(self, op, result):
    self.store.set(op.id, conductor.DONE)
    op.future.set_result(conductor.DONE)  # "the future says how it went"
    return True


def _fail_and_reraise(self, op, exc):
    self.store.set(op.id, conductor.FAILED, message=str(exc))
    op.future.set_exception(exc)
    raise exc  # let the pool log it


def _fail_wrapped(self, op, exc):
    self.store.set(op.id, conductor.FAILED, message=str(exc))
    op.future.set_exception(RuntimeError('operation %s on %s failed: %s'
                                         % (op.operation, op.resource, exc)))
    return True


def _drain_ignoring_close(self, resource):
    with self.coordinator.get_lock(_lock_name(resource)):
        while True:
            with self._lock:
                queue = self._queues[resource]
                if not queue:
                    del self._queues[resource]
                    self._active.discard(resource)
                    return
                op = self._next(queue)
            if not self._run(op):
                return
            with self._lock:
                queue.remove(op)


def _submit_unchecked(self, resource, operation, params=None,
                      blocking=False):
    if operation not in self.operations:
        raise KeyError('no operation %r is served' % operation)
    op = conductor_._Operation(uuid.uuid4().hex, resource, operation,
                               dict(params or {}))
    self.store.add(op, self.member)
    self._enqueue(op)
    return op.future.result() if blocking else op.future


def _submit_blocking_without_retries(self, resource, operation, params=None,
                                     blocking=False):
    if operation not in self.operations:
        raise KeyError('no operation %r is served' % operation)
    if self._closed:
        raise RuntimeError('the conductor is closed')
    op = conductor_._Operation(uuid.uuid4().hex, resource, operation,
                               dict(params or {}))
    if blocking:
        op.attempts = self.max_attempts - 1  # "the caller waits: no retries"
    self.store.add(op, self.member)
    self._enqueue(op)
    return op.future.result() if blocking else op.future


def _dispatch_counting_the_last_worker(self, resource):
    with self._lock:
        inline = self._busy >= self.max_workers
        if self._busy + 1 >= self.max_workers:
            self._exhausted += 1  # "this one exhausts the pool"
        if not inline:
            self._busy += 1
    if inline:
        self._drain(resource)
    else:
        self._to_pool(resource)


def _dispatch_one_early(self, resource):
    with self._lock:
        inline = self._busy >= self.max_workers - 1  # "keep one spare"
        if inline:
            self._exhausted += 1
        else:
            self._busy += 1
    if inline:
        self._drain(resource)
    else:
        self._to_pool(resource)


def _init_dispatcher(self, *args, **kwargs):
    Conductor.__init__(self, *args, **kwargs)
    self._fifo = queue_.Queue()
    threading.Thread(target=self._dispatch_in_order, daemon=True).start()


def _enqueue_to_the_dispatcher(self, op):
    self._fifo.put(op)


def _dispatch_in_order(self):
    # One dispatcher keeps submission order: it waits until the resource
    # of the next operation is free, then hands it over.
    while not self._closed:
        try:
            op = self._fifo.get(timeout=0.05)
        except queue_.Empty:
            continue
        while not self._closed:
            with self._lock:
                if op.resource not in self._active:
                    self._active.add(op.resource)
                    self._queues[op.resource] = collections.deque([op])
                    break
            time.sleep(0.002)
        else:
            return
        self._dispatch(op.resource)


def _states_of_own_member(self):
    with self.store.engine.connect() as conn:
        table = conductor_.OPERATIONS
        return [tuple(r) for r in conn.execute(conductor_.sa.select(
            table.c.id, table.c.resource, table.c.operation, table.c.tag,
            table.c.state).where(table.c.owner == self.member)
            .order_by(table.c.seq))]


def _recover_failing_waiting(self, member):
    futures = []
    for row in self.store.unfinished(member):
        if row.state in (conductor.RUNNING, conductor.WAITING):
            # "it has been attempted: it may have done part of its work"
            self.store.set(row.id, conductor.FAILED, message='interrupted')
            continue
        self.store.set(row.id, conductor.QUEUED, owner=self.member)
        op = conductor_._Operation(row.id, row.resource, row.operation,
                                   dict(row.params), row.attempts)
        self._enqueue(op)
        futures.append(op.future)
    return futures


def _drain_letting_the_next_go_first(self, resource):
    lock = self.coordinator.get_lock(_lock_name(resource))
    while True:
        with self._lock:
            if self._closed:
                return
            queue = self._queues[resource]
            if not queue:
                del self._queues[resource]
                self._active.discard(resource)
                return
        patience = time.monotonic() + 0.05
        while not lock.acquire(blocking=False):
            if time.monotonic() > patience:
                # Another conductor holds the resource for long: this
                # operation had its turn and goes to the back.
                with self._lock:
                    queue.rotate(-1)
                lock.acquire(blocking=True)
                break
            time.sleep(0.005)
        try:
            with self._lock:
                op = queue[0]
            ran = self._run(op)
        finally:
            lock.release()
        if not ran:
            return
        with self._lock:
            queue.remove(op)


NO_PER_RESOURCE_QUEUE = _implementation('no-per-resource-queue',
                                        _enqueue=_straight_to_the_pool)
ORDER_LOST_UNDER_CONTENTION = _implementation(
    'order-lost-under-contention',
    _next=staticmethod(lambda queue: queue[-1]))  # the freshest request
ONE_WORKER = _implementation('one-worker', __init__=_one_worker_init)
NO_CALLER_RUNS = _implementation('no-caller-runs',
                                 _dispatch=_always_to_the_pool)
BLOCKING_JUMPS_THE_QUEUE = _implementation('blocking-jumps-the-queue',
                                           submit=_blocking_jumps_the_queue)
RETRY_HOLDS_THE_WORKER = _implementation('retry-holds-the-worker',
                                         _run=_run_retrying_in_place)
NOT_READY_FAILS_AT_ONCE = _implementation('not-ready-fails-at-once',
                                          __init__=_init_without_retries)
RETRIES_FOREVER = _implementation('retries-forever',
                                  __init__=_init_retrying_forever)
RUNNING_NOT_RECORDED = _implementation('running-not-recorded',
                                       __init__=_init_unrecorded)
RECOVERY_RERUNS_RUNNING = _implementation('recovery-reruns-running',
                                          recover=_recover_everything)
RECOVERY_FAILS_EVERYTHING = _implementation('recovery-fails-everything',
                                            recover=_recover_by_failing)
LOCKS_ARE_PROCESS_LOCAL = _implementation('locks-are-process-local',
                                          __init__=_init_local_locks)

RATE_LIMIT_IGNORES_THE_QUEUE = _implementation(
    'rate-limit-ignores-the-queue', _enqueue=_enqueue_rate_limiting_everything,
    _drain=_drain_tolerant)
RETRY_IN_THE_TIMER_THREAD = _implementation(
    'retry-in-the-timer-thread', _retry_later=_retry_later_in_the_timer)
WAITING_RECORDED_AS_QUEUED = _implementation('waiting-recorded-as-queued',
                                             __init__=_init_requeued)
GIVE_UP_STALLS_THE_RESOURCE = _implementation('give-up-stalls-the-resource',
                                              _run=_run_give_up_parks)
RESOLVED_BEFORE_STORED = _implementation(
    'resolved-before-stored', _run=_run_variant(on_result=_tell_then_store))
RESULT_IS_THE_STATE = _implementation(
    'result-is-the-state', _run=_run_variant(on_result=_state_as_result))
FAILURE_STOPS_THE_RESOURCE = _implementation(
    'failure-stops-the-resource',
    _run=_run_variant(on_error=_fail_and_reraise))
ERROR_WRAPPED = _implementation('error-wrapped',
                                _run=_run_variant(on_error=_fail_wrapped))
RUNS_QUEUED_AFTER_CLOSE = _implementation('runs-queued-after-close',
                                          _drain=_drain_ignoring_close)
SUBMIT_AFTER_CLOSE_ACCEPTED = _implementation('submit-after-close-accepted',
                                              submit=_submit_unchecked)
BLOCKING_NOT_RETRIED = _implementation(
    'blocking-not-retried', submit=_submit_blocking_without_retries)
EXHAUSTION_COUNTED_AT_THE_LAST_WORKER = _implementation(
    'exhaustion-counted-at-the-last-worker',
    _dispatch=_dispatch_counting_the_last_worker)
CALLER_RUNS_ONE_EARLY = _implementation('caller-runs-one-early',
                                        _dispatch=_dispatch_one_early)
ONE_DISPATCHER_IN_ORDER = _implementation(
    'one-dispatcher-in-order', __init__=_init_dispatcher,
    _enqueue=_enqueue_to_the_dispatcher, _dispatch_in_order=_dispatch_in_order)
STATES_OF_ITS_OWN = _implementation('states-of-its-own',
                                    states=_states_of_own_member)
RECOVERY_FAILS_WAITING = _implementation('recovery-fails-waiting',
                                         recover=_recover_failing_waiting)
LOCK_TAKEN_ELSEWHERE_REORDERS = _implementation(
    'lock-taken-elsewhere-reorders', _drain=_drain_letting_the_next_go_first)


_case = broken.case_maker(__name__)


CASES = [
    _case('NO_PER_RESOURCE_QUEUE', 'every operation goes straight to the '
          'pool', 'test_per_resource_order_under_contention'),
    _case('ORDER_LOST_UNDER_CONTENTION', 'the latest request runs first',
          'test_per_resource_order_under_contention'),
    _case('ONE_WORKER', 'a pool of one', 'test_resources_run_in_parallel'),
    _case('NO_CALLER_RUNS', 'operations queue when the pool is exhausted',
          'test_caller_runs_when_exhausted'),
    _case('BLOCKING_JUMPS_THE_QUEUE', 'blocking operations run at once',
          'test_blocking_operation_returns_inline'),
    _case('RETRY_HOLDS_THE_WORKER', 'a worker sleeps until the resource is '
          'ready', 'test_not_ready_is_retried_while_others_proceed'),
    _case('NOT_READY_FAILS_AT_ONCE', 'not ready is a failure',
          'test_not_ready_is_retried_while_others_proceed'),
    _case('RETRIES_FOREVER', 'no maximum number of attempts',
          'test_never_ready_fails'),
    _case('RUNNING_NOT_RECORDED', 'RUNNING is never recorded',
          'test_hand_offs_are_recorded'),
    _case('RECOVERY_RERUNS_RUNNING', 'recovery runs interrupted operations '
          'again', 'test_recovery_after_crash'),
    _case('RECOVERY_FAILS_EVERYTHING', 'recovery fails what never started',
          'test_recovery_after_crash'),
    _case('LOCKS_ARE_PROCESS_LOCAL', 'the coordination backend is ignored',
          'test_processes_never_overlap_on_a_resource'),
    _case('RATE_LIMIT_IGNORES_THE_QUEUE', 'with the pool exhausted the '
          'caller drains a resource that has queued work',
          'test_exhausted_pool_queues_behind_a_waiting_operation',
          'test_per_resource_order_under_contention'),
    _case('RETRY_IN_THE_TIMER_THREAD', 'a retry due while the pool is '
          'exhausted runs in the timer thread',
          'test_exhausted_pool_queues_behind_a_waiting_operation'),
    _case('WAITING_RECORDED_AS_QUEUED', 'a retry is recorded QUEUED, not '
          'WAITING', 'test_exhausted_pool_queues_behind_a_waiting_operation'),
    _case('GIVE_UP_STALLS_THE_RESOURCE', 'giving up parks the resource for '
          'good', 'test_never_ready_fails'),
    _case('RESOLVED_BEFORE_STORED', 'the future resolves before DONE is '
          'stored', 'test_hand_offs_are_recorded'),
    _case('RESULT_IS_THE_STATE', 'the future carries DONE, not the result',
          'test_per_resource_order_under_contention',
          'test_hand_offs_are_recorded'),
    _case('FAILURE_STOPS_THE_RESOURCE', 'an exception ends the drain of its '
          'resource', 'test_hand_offs_are_recorded'),
    _case('ERROR_WRAPPED', 'the future raises a wrapper, not the error',
          'test_hand_offs_are_recorded',
          'test_blocking_operation_errors_and_retries'),
    _case('RUNS_QUEUED_AFTER_CLOSE', 'the drainer goes on after close()',
          'test_close_leaves_queued_operations_to_a_restart'),
    _case('SUBMIT_AFTER_CLOSE_ACCEPTED', 'submit after close() is accepted',
          'test_close_leaves_queued_operations_to_a_restart'),
    _case('BLOCKING_NOT_RETRIED', 'a blocking operation gets one attempt',
          'test_blocking_operation_errors_and_retries'),
    _case('EXHAUSTION_COUNTED_AT_THE_LAST_WORKER', 'the hand-off to the last '
          'free worker is counted as exhaustion',
          'test_caller_runs_when_exhausted'),
    _case('CALLER_RUNS_ONE_EARLY', 'the caller runs when one worker is still '
          'free', 'test_resources_run_in_parallel'),
    _case('ONE_DISPATCHER_IN_ORDER', 'one dispatcher waits for each '
          'operation\'s resource in submission order',
          'test_held_up_resource_does_not_delay_others'),
    _case('STATES_OF_ITS_OWN', 'states() lists its own member\'s operations',
          'test_recovery_after_crash'),
    _case('RECOVERY_FAILS_WAITING', 'recovery fails operations waiting for a '
          'retry', 'test_recovery_after_crash'),
    _case('LOCK_TAKEN_ELSEWHERE_REORDERS', 'an operation waiting long for a '
          'resource locked by another conductor goes to the back',
          'test_processes_never_overlap_on_a_resource'),
]
