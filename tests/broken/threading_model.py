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

PLAIN_LOCKUTILS is oslo.concurrency's lockutils as services use it,
AUDITS_SHARE_THE_LIVE_MODEL and CHANGE_APPLIED_TO_OLD_MODEL are upstream
Watcher's collector before its deep copy and bug #2152254's sync lock, and
FAILED_REBUILD_DROPS_MODEL is upstream Watcher 17's collector, which
replaces the model with an empty stale one when a rebuild fails.
"""

import collections
import contextlib
import logging
import os
import threading

import fasteners
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


class _WakeEveryWaiter:
    """A lock on a condition whose waiters do not check again once woken
    (``if`` where ``while`` belongs) and whose release wakes them all."""

    def __init__(self):
        self.cond = threading.Condition()
        self.held = False

    @contextlib.contextmanager
    def hold(self):
        with self.cond:
            if self.held:
                self.cond.wait()
            self.held = True
        try:
            yield
        finally:
            with self.cond:
                self.held = False
                self.cond.notify_all()


class _HandWritten(primitives.Primitives):
    """Plain locks written by hand over one semaphore per name (fair and
    external ones are the reference's); each subclass gets one thing
    wrong."""

    def __init__(self, lock_path=None):
        super().__init__(lock_path)
        self._semaphores = collections.defaultdict(threading.Semaphore)
        self._conditions = collections.defaultdict(_WakeEveryWaiter)
        self._owner = {}

    def lock(self, name, external=False, lock_path=None, fair=False):
        if external or fair:
            return primitives.Primitives.lock(self, name, external,
                                              lock_path, fair)
        return self.plain(name, threading.get_ident())

    def refuse(self, name):
        raise primitives.LockReentry('lock %r is already held by this '
                                     'thread' % name)


class _WakesEveryWaiter(_HandWritten):
    @contextlib.contextmanager
    def plain(self, name, me):
        with self._conditions[name].hold():
            yield


class _ReleaseSkippedOnError(_HandWritten):
    @contextlib.contextmanager
    def plain(self, name, me):
        if self._owner.get(name) == me:
            self.refuse(name)
        if not self._semaphores[name].acquire(timeout=broken.BOUND):
            raise RuntimeError('lock %r was never released' % name)
        self._owner[name] = me
        yield  # no try/finally: a block that raises never releases
        self._owner[name] = None
        self._semaphores[name].release()


class _RefusalReleases(_HandWritten):
    @contextlib.contextmanager
    def plain(self, name, me):
        try:
            if self._owner.get(name) == me:
                self.refuse(name)
            self._semaphores[name].acquire()
            self._owner[name] = me
            yield
        finally:  # also runs for the refused nested acquire
            self._owner[name] = None
            self._semaphores[name].release()


class _UnbalancedReentry(_HandWritten):
    @contextlib.contextmanager
    def plain(self, name, me):
        if self._owner.get(name) != me:  # re-entrant: the holder goes on
            self._semaphores[name].acquire()
            self._owner[name] = me
        try:
            yield
        finally:  # ...but the inner exit releases the outer hold
            self._owner[name] = None
            self._semaphores[name].release()


@contextlib.contextmanager
def _holder_kept_on_error(self, name, external=False, lock_path=None,
                          fair=False):
    me = threading.get_ident()
    with self._guard:
        if me in self._holders.get(name, ()):
            raise primitives.LockReentry('lock %r is already held by this '
                                         'thread' % name)
    with lockutils.lock(name, external=external,
                        lock_path=lock_path or self.lock_path, fair=fair,
                        do_log=False):
        with self._guard:
            self._holders.setdefault(name, set()).add(me)
        yield
        with self._guard:  # skipped when the block raises
            self._holders[name].discard(me)


@contextlib.contextmanager
def _logging_errors(self, name, external=False, lock_path=None, fair=False):
    with primitives.Primitives.lock(self, name, external, lock_path, fair):
        try:
            yield
        except Exception:
            logging.getLogger(__name__).exception(
                'error while holding lock %s', name)


def _one_lock_for_every_name(self, name, external=False, lock_path=None,
                             fair=False):
    # The registry is keyed by the piece, not by the name.
    return primitives.Primitives.lock(self, 'every-name-%x' % id(self),
                                      external, lock_path, fair)


@contextlib.contextmanager
def _any_lock_is_reentry(self, name, external=False, lock_path=None,
                         fair=False):
    me = threading.get_ident()
    with self._guard:
        if any(me in holders for holders in self._holders.values()):
            raise primitives.LockReentry('this thread already holds a lock')
    with primitives.Primitives.lock(self, name, external, lock_path, fair):
        yield


def _external_unguarded(self, name, external=False, lock_path=None,
                        fair=False):
    # Only in-process locks get the nested-acquire guard: "an external lock
    # is a lock file".
    if not external:
        return primitives.Primitives.lock(self, name, False, None, fair)
    path = lock_path or self.lock_path
    if not path:
        raise primitives.LockPathMissing('external lock %r needs a '
                                         'lock_path' % name)
    return lockutils.lock(name, external=True, lock_path=path, fair=fair,
                          do_log=False)


def _file_lock_only(self, name, external=False, lock_path=None, fair=False):
    if not external:
        return primitives.Primitives.lock(self, name, False, None, fair)
    path = lock_path or self.lock_path
    if not path:
        raise primitives.LockPathMissing('external lock %r needs a '
                                         'lock_path' % name)
    # A lock file is enough to exclude processes... and it is a POSIX lock
    # of the process: the process's other threads get it too.
    return fasteners.InterProcessLock(os.path.join(path, name))


NO_LOCK = _primitives('no-lock', lock=_no_lock)
PLAIN_LOCKUTILS = _primitives('plain-lockutils', lock=_plain_lockutils)
EXTERNAL_WITHOUT_PATH_IS_LOCAL = _primitives(
    'external-without-path-is-local', lock=_internal_without_path)
EXTERNAL_IS_LOCAL = _primitives('external-is-local', lock=_never_external)
FAIR_IS_LATEST_FIRST = _primitives('fair-is-latest-first',
                                   lock=_latest_first)
FAIR_IGNORED = _primitives('fair-ignored', lock=_fair_ignored)


def _hand_written(name, cls):
    return broken.replace_piece(
        name, 'primitives',
        lambda settings: reference.PrimitivesProvider(settings, cls))


LOCK_WAKES_EVERY_WAITER = _hand_written('lock-wakes-every-waiter',
                                        _WakesEveryWaiter)
RELEASE_SKIPPED_ON_ERROR = _hand_written('release-skipped-on-error',
                                         _ReleaseSkippedOnError)
NESTED_REFUSAL_RELEASES = _hand_written('nested-refusal-releases',
                                        _RefusalReleases)
REENTRY_UNBALANCED = _hand_written('reentry-unbalanced', _UnbalancedReentry)
HOLDER_KEPT_ON_ERROR = _primitives('holder-kept-on-error',
                                   lock=_holder_kept_on_error)
LOCK_SWALLOWS_ERRORS = _primitives('lock-swallows-errors',
                                   lock=_logging_errors)
ONE_LOCK_FOR_EVERY_NAME = _primitives('one-lock-for-every-name',
                                      lock=_one_lock_for_every_name)
ANY_LOCK_IS_REENTRY = _primitives('any-lock-is-reentry',
                                  lock=_any_lock_is_reentry)
EXTERNAL_NESTED_DEADLOCKS = _primitives('external-nested-deadlocks',
                                        lock=_external_unguarded)
EXTERNAL_FILE_LOCK_ONLY = _primitives('external-file-lock-only',
                                      lock=_file_lock_only)
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


_ONE_AT_A_TIME = threading.Lock()


def _offload_serialised(fn, *args, **kwargs):
    # "The native library is not thread-safe": one offloaded call at once.
    with _ONE_AT_A_TIME:
        return primitives.Primitives.offload(fn, *args, **kwargs)


OFFLOAD_SERIALISED = _primitives(
    'offload-serialised', offload=staticmethod(_offload_serialised))
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


class _ModifyBatches(threadpool.DecisionEngineThreadPool):
    """do_while_futures yields; do_while_futures_modify is upstream's batch
    loop, left as it was."""

    @classmethod
    def do_while_futures_modify(cls, futures, fn, *args, futures_timeout=None,
                                **kwargs):
        return _BatchDrain(futures, fn, args, kwargs, futures_timeout).run()


MODIFY_NEVER_YIELDS = broken.implementation('modify-never-yields',
                                            _ModifyBatches)


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
    return _provided(name, type(name.title().replace('-', ''),
                                (audits.AuditExecutor,), attrs))


def _provided(name, executor_class):
    """The reference with its audit executor of *executor_class*."""
    return broken.replace_piece(
        name, 'audit_executor',
        lambda settings: reference.AuditExecutorProvider(settings,
                                                         executor_class))


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


class _NotifyWithoutModel(audits.SharedModel):
    def notify(self, change):
        with self._sync_lock, self._lock:
            self._model.set_instance_state(change.instance_uuid,
                                           change.state)


class _NotifyDroppedWhileUnbuilt(audits.SharedModel):
    def notify(self, change):
        if self._model is None:
            return  # not built yet: the first build reads it from Nova
        super().notify(change)


class _FailedRebuildDropsModel(audits.SharedModel):
    def synchronize(self):
        with self._sync_lock:
            try:
                model = self._build()
            except Exception:
                with self._lock:
                    self._model = None  # stale: the next audit rebuilds
                raise
            with self._lock:
                self._model = model


class _RebuildUnderModelLock(audits.SharedModel):
    def synchronize(self):
        with self._sync_lock, self._lock:
            self._model = self._build()


class _PoolOfTen(audits.AuditExecutor):
    def __init__(self, builder_, max_workers):
        super().__init__(builder_, max_workers)
        self.pool = executor.make(10)


class _CloseWaits(audits.AuditExecutor):
    def close(self):
        # Waits for the audits still running: a stuck one holds reset().
        self.pool.shutdown(wait=True)


class _ModelAtSubmit(audits.AuditExecutor):
    def submit_audit(self, shared, fn):
        model = shared.get_latest_cluster_data_model()
        return self.pool.submit(fn, model)


class _AuditErrorsLogged(audits.AuditExecutor):
    def submit_audit(self, shared, fn):
        def audit():
            try:
                return fn(shared.get_latest_cluster_data_model())
            except Exception:
                logging.getLogger(__name__).exception('audit failed')
        return self.pool.submit(audit)


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
ONE_AUDIT_AT_A_TIME = _provided('one-audit-at-a-time', _OneAuditPool)
NOTIFY_FAILS_WITHOUT_MODEL = _executor('notify-fails-without-model',
                                       shared=_NotifyWithoutModel)
NOTIFY_DROPPED_WHILE_UNBUILT = _executor('notify-dropped-while-unbuilt',
                                         shared=_NotifyDroppedWhileUnbuilt)
FAILED_REBUILD_DROPS_MODEL = _executor('failed-rebuild-drops-model',
                                       shared=_FailedRebuildDropsModel)
INCOMPLETE_REBUILD_PUBLISHED = broken.replace_piece(
    'incomplete-rebuild-published', 'audit_executor',
    lambda settings: reference.AuditExecutorProvider(
        settings, fault_policy='mark_incomplete'))
REBUILD_UNDER_MODEL_LOCK = _executor('rebuild-under-model-lock',
                                     shared=_RebuildUnderModelLock)
AUDIT_POOL_OF_TEN = _provided('audit-pool-of-ten', _PoolOfTen)
RESET_WAITS_FOR_AUDITS = _provided('reset-waits-for-audits', _CloseWaits)
MODEL_TAKEN_AT_SUBMIT = _provided('model-taken-at-submit', _ModelAtSubmit)
AUDIT_ERRORS_LOGGED = _provided('audit-errors-logged', _AuditErrorsLogged)

GREEN = ('eventlet',)


_case = broken.case_maker(__name__)


CASES = [
    _case('NO_LOCK', 'lock() does not lock', 'test_lock_loses_no_update',
          'test_lock_excludes_many_contenders',
          'test_external_lock_excludes_other_processes'),
    _case('LOCK_WAKES_EVERY_WAITER', 'a condition lock whose release wakes '
          'every waiter, who do not check again: two threads never show '
          'it', 'test_lock_excludes_many_contenders'),
    _case('ONE_LOCK_FOR_EVERY_NAME', 'one lock for every name',
          'test_different_names_do_not_exclude'),
    _case('ANY_LOCK_IS_REENTRY', 'a thread holding any lock is refused '
          'another', 'test_different_names_do_not_exclude'),
    _case('NESTED_REFUSAL_RELEASES', 'the finally that releases also runs '
          'for a refused nested acquire',
          'test_nested_acquire_keeps_the_lock_held'),
    _case('REENTRY_UNBALANCED', 'a re-entrant lock whose inner exit '
          'releases the outer hold',
          'test_nested_acquire_keeps_the_lock_held'),
    _case('RELEASE_SKIPPED_ON_ERROR', 'a @contextmanager lock without '
          'try/finally: a block that raises keeps it held',
          'test_exception_in_block_releases_the_lock'),
    _case('HOLDER_KEPT_ON_ERROR', 'the holder record is cleared only on a '
          'normal exit: the thread is refused the lock for ever',
          'test_exception_in_block_releases_the_lock'),
    _case('LOCK_SWALLOWS_ERRORS', 'the lock logs the error of its block and '
          'swallows it', 'test_exception_in_block_releases_the_lock'),
    _case('EXTERNAL_NESTED_DEADLOCKS', 'only in-process locks refuse a '
          'nested acquire: a nested external lock deadlocks (lockutils)',
          'test_nested_acquire_does_not_deadlock'),
    _case('EXTERNAL_FILE_LOCK_ONLY', 'the external lock is a POSIX lock file '
          'alone: the threads of one process all get it',
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
    _case('OFFLOAD_SERIALISED', 'offloaded calls run one at a time',
          'test_offloaded_calls_run_concurrently'),
    _case('OFFLOAD_DROPS_RESULT', 'offload() runs the call in the '
          'background and returns None', 'test_offload_returns_the_result'),
    _case('OFFLOAD_WRAPS_ERRORS', "offload() wraps the call's exception in "
          'its own', 'test_offload_raises_the_original_exception'),
    _case('POOL_NEVER_YIELDS', 'the callback loop never yields',
          'test_callback_loop_yields', modes=GREEN),
    _case('MODIFY_NEVER_YIELDS', 'do_while_futures_modify is upstream\'s '
          'batch loop; only do_while_futures yields',
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
    _case('RESET_WAITS_FOR_AUDITS', 'reset() waits for the audits still '
          'running', 'test_reset_does_not_wait_for_a_stuck_audit'),
    _case('AUDIT_POOL_OF_TEN', 'an audit pool of ten, whatever the worker '
          'count', 'test_audits_run_concurrently'),
    _case('NOTIFY_FAILS_WITHOUT_MODEL', 'notify() before the first build '
          'fails on the missing model',
          'test_change_before_first_build_is_kept'),
    _case('NOTIFY_DROPPED_WHILE_UNBUILT', 'notify() drops a change while no '
          'model is published, also during the first build',
          'test_change_before_first_build_is_kept'),
    _case('FAILED_REBUILD_DROPS_MODEL', 'a failed rebuild drops the model '
          '(upstream marks it stale)', 'test_failed_rebuild_keeps_the_model'),
    _case('INCOMPLETE_REBUILD_PUBLISHED', 'an incomplete rebuild replaces '
          'the complete model', 'test_failed_rebuild_keeps_the_model'),
    _case('REBUILD_UNDER_MODEL_LOCK', 'the rebuild holds the model lock: '
          'audits wait for it', 'test_audits_during_rebuild_do_not_wait'),
    _case('MODEL_TAKEN_AT_SUBMIT', 'the audit\'s model is taken when it is '
          'submitted, not when it starts',
          'test_queued_audits_take_the_latest_model'),
    _case('AUDIT_ERRORS_LOGGED', 'an audit\'s error is logged, its future '
          'gives None', 'test_failing_audit_reaches_its_submitter'),
]
