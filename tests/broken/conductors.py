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

import time

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
]
