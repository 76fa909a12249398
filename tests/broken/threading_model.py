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

"""Broken locks, offloading, yielding and audit executors: the reference
with one thing changed.

PLAIN_LOCKUTILS is oslo.concurrency's lockutils as services use it, and
AUDITS_SHARE_THE_LIVE_MODEL and CHANGE_APPLIED_TO_OLD_MODEL are upstream
Watcher's collector before its deep copy and bug #2152254's sync lock.
"""

import contextlib
import threading

from futurist import waiters
from oslo_concurrency import lockutils

from reference import audits
from reference import builder
from reference import executor
from reference import implementation as reference
from reference import primitives
from reference import threadpool
from tests import broken


def _primitives(name, **methods):
    cls = type(name.title().replace('-', ''), (primitives.Primitives,),
               methods)
    return broken.replace_piece(
        name, 'primitives',
        lambda settings: reference.PrimitivesProvider(settings, cls))


def _no_lock(self, name, external=False, lock_path=None, fair=False):
    return contextlib.nullcontext()


def _plain_lockutils(self, name, external=False, lock_path=None,
                     fair=False):
    return lockutils.lock(name, external=external,
                          lock_path=lock_path or self.lock_path, fair=fair)


def _internal_without_path(self, name, external=False, lock_path=None,
                           fair=False):
    if external and not (lock_path or self.lock_path):
        external = False  # "no lock path configured: a local lock will do"
    return primitives.Primitives.lock(self, name, external, lock_path, fair)


def _never_external(self, name, external=False, lock_path=None, fair=False):
    if external and not (lock_path or self.lock_path):
        raise primitives.LockPathMissing('external lock needs a lock_path')
    return primitives.Primitives.lock(self, name, False, None, fair)


class _LatestFirst:
    """A lock that hands over to the most recent waiter."""

    _locks = {}
    _guard = threading.Lock()

    def __init__(self):
        self.cond = threading.Condition()
        self.held = False
        self.waiting = []

    @classmethod
    @contextlib.contextmanager
    def hold(cls, name):
        with cls._guard:
            lock = cls._locks.setdefault(name, cls())
        me = object()
        with lock.cond:
            lock.waiting.append(me)
            while lock.held or lock.waiting[-1] is not me:
                lock.cond.wait()
            lock.waiting.remove(me)
            lock.held = True
        try:
            yield
        finally:
            with lock.cond:
                lock.held = False
                lock.cond.notify_all()


def _latest_first(self, name, external=False, lock_path=None, fair=False):
    if fair:
        return _LatestFirst.hold(name)
    return primitives.Primitives.lock(self, name, external, lock_path)


def _fair_ignored(self, name, external=False, lock_path=None, fair=False):
    return primitives.Primitives.lock(self, name, external, lock_path)


NO_LOCK = _primitives('no-lock', lock=_no_lock)
PLAIN_LOCKUTILS = _primitives('plain-lockutils', lock=_plain_lockutils)
EXTERNAL_WITHOUT_PATH_IS_LOCAL = _primitives(
    'external-without-path-is-local', lock=_internal_without_path)
EXTERNAL_IS_LOCAL = _primitives('external-is-local', lock=_never_external)
FAIR_IS_LATEST_FIRST = _primitives('fair-is-latest-first',
                                   lock=_latest_first)
FAIR_IGNORED = _primitives('fair-ignored', lock=_fair_ignored)
OFFLOAD_CALLS_DIRECTLY = _primitives(
    'offload-calls-directly',
    offload=staticmethod(lambda fn, *args, **kwargs: fn(*args, **kwargs)))


def _offload_in_the_background(fn, *args, **kwargs):
    # Fire and forget: the call runs, its result and error are lost.
    primitives.Primitives.offload(threading.Thread(
        target=fn, args=args, kwargs=kwargs, daemon=True).start)


def _offload_wrapping_errors(fn, *args, **kwargs):
    try:
        return primitives.Primitives.offload(fn, *args, **kwargs)
    except Exception as exc:
        raise RuntimeError('offloaded call failed: %s' % exc) from exc


OFFLOAD_DROPS_RESULT = _primitives(
    'offload-drops-result',
    offload=staticmethod(_offload_in_the_background))
OFFLOAD_WRAPS_ERRORS = _primitives(
    'offload-wraps-errors', offload=staticmethod(_offload_wrapping_errors))

# -- yielding ----------------------------------------------------------------


class _BatchDrain(threadpool.Drain):
    """Calls back every future already done in one pass (as upstream's
    wait_for_any loop does): thousands of callbacks without a yield."""

    def run(self):
        self.check(list(self.collection))
        while self.collection:
            done = [f for f in list(self.collection) if f.done()]
            if not done:
                waiters.wait_for_any(list(self.collection))
                continue
            for future in done:
                self.call(future)
                self.remove(future)
        return set()


POOL_NEVER_YIELDS = broken.implementation(
    'pool-never-yields',
    type('Batching', (threadpool.DecisionEngineThreadPool,),
         {'drain': _BatchDrain}))


class _StubbornBuild(builder.Build):
    def fetch_instances(self, node):
        servers = self.nova.get_instance_list(
            filters={'host': node.hostname}, limit=-1)
        return [builder.instance_from(s) for s in servers
                if s.vm_state != 'deleted']


BUILDER_NEVER_YIELDS = broken.replace_piece(
    'builder-never-yields', 'model_builder',
    lambda settings: reference.ModelBuilderProvider(
        settings, builder_class=type('Stubborn', (builder.NovaModelBuilder,),
                                     {'build_class': _StubbornBuild})))

# -- audits ------------------------------------------------------------------


def _executor(name, shared=None, **methods):
    attrs = dict(methods)
    if shared is not None:
        attrs['shared_model'] = (
            lambda self, nova, placement, scope, timeout:
            shared(self.builder, nova, placement, scope, timeout))
    cls = type(name.title().replace('-', ''), (audits.AuditExecutor,), attrs)
    return broken.replace_piece(
        name, 'audit_executor',
        lambda settings: reference.AuditExecutorProvider(settings, cls))


class _LiveModel(audits.SharedModel):
    """Hands every audit the shared model itself."""

    def get_latest_cluster_data_model(self):
        with self._lock:
            if self._model is None:
                self._model = self._build()
            return self._model


class _UnlockedFirstAccess(audits.SharedModel):
    def get_latest_cluster_data_model(self):
        if self._model is None:
            self._model = self._build()
        return self._model.copy()


class _ChangeWithoutSyncLock(audits.SharedModel):
    def notify(self, change):
        with self._lock:
            if self._model is not None:
                self._model.set_instance_state(change.instance_uuid,
                                               change.state)


class _OneAuditPool(audits.AuditExecutor):
    def __init__(self, builder_, max_workers):
        super().__init__(builder_, max_workers)
        self.pool = executor.make(1)


AUDITS_SHARE_THE_LIVE_MODEL = _executor('audits-share-the-live-model',
                                        shared=_LiveModel)
FIRST_ACCESS_UNLOCKED = _executor('first-access-unlocked',
                                  shared=_UnlockedFirstAccess)
CHANGE_APPLIED_TO_OLD_MODEL = _executor('change-applied-to-old-model',
                                        shared=_ChangeWithoutSyncLock)
ONE_AUDIT_AT_A_TIME = broken.replace_piece(
    'one-audit-at-a-time', 'audit_executor',
    lambda settings: reference.AuditExecutorProvider(settings, _OneAuditPool))

GREEN = ('eventlet',)


_case = broken.case_maker(__name__)


CASES = [
    _case('NO_LOCK', 'lock() does not lock', 'test_lock_loses_no_update',
          'test_external_lock_excludes_other_processes'),
    _case('PLAIN_LOCKUTILS', 'a nested acquire deadlocks (lockutils)',
          'test_nested_acquire_does_not_deadlock'),
    _case('EXTERNAL_WITHOUT_PATH_IS_LOCAL', 'no lock path: a local lock',
          'test_external_lock_without_path_is_refused'),
    _case('EXTERNAL_IS_LOCAL', 'external locks exclude threads only',
          'test_external_lock_excludes_other_processes'),
    _case('FAIR_IS_LATEST_FIRST', 'a "fair" lock serves the latest waiter',
          'test_fair_lock_keeps_arrival_order'),
    # A green lock is FIFO already (eventlet's semaphore queues a
    # re-acquiring releaser behind its waiters): only native threads barge.
    _case('FAIR_IGNORED', 'fair=True is ignored: a plain lock lets its '
          'releaser barge', 'test_fair_lock_keeps_arrival_order',
          modes=('threading',)),
    _case('OFFLOAD_CALLS_DIRECTLY', 'offload() calls in the green thread',
          'test_offloaded_blocking_call_does_not_stall', modes=GREEN),
    _case('OFFLOAD_DROPS_RESULT', 'offload() runs the call in the '
          'background and returns None', 'test_offload_returns_the_result'),
    _case('OFFLOAD_WRAPS_ERRORS', "offload() wraps the call's exception in "
          'its own', 'test_offload_raises_the_original_exception'),
    _case('POOL_NEVER_YIELDS', 'the callback loop never yields',
          'test_callback_loop_yields', modes=GREEN),
    _case('BUILDER_NEVER_YIELDS', 'the record loop never yields',
          'test_record_loop_yields', modes=GREEN),
    _case('AUDITS_SHARE_THE_LIVE_MODEL', 'audits get the shared model '
          'itself', 'test_audit_sees_a_consistent_model'),
    _case('FIRST_ACCESS_UNLOCKED', 'the first build is not under a lock',
          'test_concurrent_first_audits_build_once'),
    _case('CHANGE_APPLIED_TO_OLD_MODEL', 'a change during a rebuild goes '
          'to the model being replaced', 'test_change_during_rebuild_is_kept'),
    _case('ONE_AUDIT_AT_A_TIME', 'an audit pool of one',
          'test_audits_run_concurrently'),
]
