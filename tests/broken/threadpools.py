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

"""Broken threadpools, one defect each, and the checks that catch them."""

import concurrent.futures
import copy
import logging
import queue
import threading
import time
import types

from futurist import waiters

from reference import executor
from reference import implementation as reference
from reference import threadpool
from tests import broken

LOG = logging.getLogger(__name__)
Pool = threadpool.DecisionEngineThreadPool


def _pool(name, drain=None, **methods):
    """A subclass of the reference pool with *methods* (or its loop)
    replaced."""
    if drain is not None:
        methods['drain'] = drain
    return type(name, (Pool,), methods)


# -- singleton ---------------------------------------------------------------

class FreshEachTime(broken.SingletonProvider):
    """get() builds a new pool every time: a "singleton" without the
    metaclass."""

    def get(self):
        pool = type.__call__(self.pool_class)
        self.made = getattr(self, 'made', []) + [pool]
        return pool

    def reset(self):
        for pool in getattr(self, 'made', []):
            pool.shutdown(wait=False)
        super().reset()


class PerThread(broken.SingletonProvider):
    """The instance lives in a threading.local: one pool per thread."""

    def __init__(self, pool_class, settings):
        super().__init__(pool_class, settings)
        self.local, self.made = threading.local(), []

    def get(self):
        if not hasattr(self.local, 'pool'):
            self.local.pool = type.__call__(self.pool_class)
            self.made.append(self.local.pool)
        return self.local.pool

    def reset(self):
        for pool in self.made:
            pool.shutdown(wait=False)
        super().reset()


NEW_INSTANCE_PER_REQUEST = broken.implementation(
    'new-instance-per-request',
    provider=lambda s: FreshEachTime(_pool('Fresh'), s))
SINGLETON_PER_THREAD = broken.implementation(
    'singleton-per-thread', provider=lambda s: PerThread(_pool('Local'), s))


# -- workers -----------------------------------------------------------------

def _init_short(self):
    Pool.__init__(self)
    self._executor = executor.make(self.amount_workers - 1)


def _init_unbounded(self):
    Pool.__init__(self)
    # The library's default size instead of the configured one.
    self._executor = (executor.make(1000) if executor.green()
                      else executor.futurist.ThreadPoolExecutor())


def _submit_caller_runs(self, fn, *args, **kwargs):
    with self._lock:
        busy = getattr(self, '_busy', 0)
        if busy < self.amount_workers:
            self._busy = busy + 1
    if busy >= self.amount_workers:
        future = concurrent.futures.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:
            future.set_exception(exc)
        return future

    def task():
        try:
            return fn(*args, **kwargs)
        finally:
            with self._lock:
                self._busy -= 1
    return Pool.submit(self, task)


def _submit_leaking_slots(self, fn, *args, **kwargs):
    slots = self.__dict__.setdefault(
        '_slots', threading.Semaphore(self.amount_workers))

    def task():
        slots.acquire(timeout=broken.BOUND)
        result = fn(*args, **kwargs)
        slots.release()  # not in a finally: a raising task keeps its slot
        return result
    return Pool.submit(self, task)


class UnsizedProvider(reference.ThreadPoolProvider):
    """Never applies Settings.max_workers: the pool keeps the size of the
    configuration (upstream's default, 4)."""

    def __init__(self, settings, pool_class=Pool):
        self.pool_class = pool_class
        pool_class.reset()


ONE_WORKER_SHORT = broken.implementation(
    'one-worker-short', _pool('Short', __init__=_init_short))
IGNORES_WORKER_BOUND = broken.implementation(
    'ignores-worker-bound', _pool('Unbounded', __init__=_init_unbounded))
CALLER_RUNS_WHEN_BUSY = broken.implementation(
    'caller-runs-when-busy', _pool('CallerRuns', submit=_submit_caller_runs))
LEAKS_WORKER_ON_FAILURE = broken.implementation(
    'leaks-worker-on-failure', _pool('Leaky', submit=_submit_leaking_slots))
IGNORES_CONFIGURED_SIZE = broken.implementation(
    'ignores-configured-size', provider=UnsizedProvider)


# -- submit ------------------------------------------------------------------

def _submit_positional_only(self, fn, *args, **kwargs):
    return Pool.submit(self, fn, *args)


def _submit_swallowing(self, fn, *args, **kwargs):
    def task():
        try:
            return fn(*args, **kwargs)
        except Exception:
            LOG.exception('task failed')
    return Pool.submit(self, task)


DROPS_KEYWORD_ARGUMENTS = broken.implementation(
    'drops-keyword-arguments',
    _pool('Positional', submit=_submit_positional_only))
SWALLOWS_TASK_EXCEPTIONS = broken.implementation(
    'swallows-task-exceptions', _pool('Swallowing',
                                      submit=_submit_swallowing))


# -- the do_while loop -------------------------------------------------------

class RepeatingDrain(threadpool.Drain):
    """Calls back every finished future each round, not only new ones."""

    def call(self, future):
        for f in [f for f in self.watched if f.done()]:
            super().call(f)


class FutureLastDrain(threadpool.Drain):
    def call(self, future):
        self.fn(*self.args, future, **self.kwargs)


class AfterAllDrain(threadpool.Drain):
    """Waits for every future before the first callback."""

    def run(self):
        waiters.wait_for_all(list(self.collection), timeout=self.timeout)
        return super().run()


class WorkerThreadDrain(threadpool.Drain):
    """Runs callbacks in the workers, through add_done_callback."""

    def watch(self):
        new = [f for f in list(self.collection) if f not in self.watched]
        self.watched.update(new)
        self.outstanding += len(new)
        for f in new:
            f.add_done_callback(self._in_worker)

    def _in_worker(self, future):
        super().call(future)
        self.finished.put(future)

    def call(self, future):
        pass


class DoWhileLiteralDrain(threadpool.Drain):
    """Waits for a finished future before checking whether any is left."""

    def run(self):
        self.watch()
        while True:
            future = self.next()
            if future is None:
                return self.on_timeout()
            self.outstanding -= 1
            self.call(future)
            self.remove(future)
            if not self.outstanding:
                return set()

    def next(self):
        timeout = broken.BOUND if self.timeout is None else self.timeout
        try:
            return self.finished.get(timeout=timeout)
        except threadpool.queue.Empty:
            return None


class SnapshotDrain(threadpool.Drain):
    """Watches the futures present at the start only."""

    def run(self):
        self.watch()
        self.watch = lambda: None
        return super().run()


class OneRescanDrain(threadpool.Drain):
    """Picks up futures added by the first callbacks, not by later ones."""

    def run(self):
        self.watch()
        first = set(self.watched)
        original_call = self.call

        def call(future):
            original_call(future)
            if future not in first:
                self.watch = lambda: None
        self.call = call
        return super().run()


class UpstreamRemoveDrain(threadpool.Drain):
    """Removes with collection.remove(), as upstream Watcher does: dicts have
    no remove()."""

    def __init__(self, collection, *args):
        super().__init__(collection, *args)
        self.remove = lambda f: collection.remove(f)


class SkipFailedDrain(threadpool.Drain):
    def call(self, future):
        if future.exception() is None:
            super().call(future)


class SwallowingDrain(threadpool.Drain):
    def call(self, future):
        try:
            super().call(future)
        except Exception:
            LOG.exception('callback failed')


class NoTimeoutDrain(threadpool.Drain):
    def __init__(self, collection, fn, args, kwargs, timeout):
        super().__init__(collection, fn, args, kwargs, None)


class WholeBatchTimeoutDrain(threadpool.Drain):
    """Applies the timeout to the whole batch: all or nothing."""

    def run(self):
        done, not_done = waiters.wait_for_all(list(self.collection),
                                              timeout=self.timeout)
        if not_done:
            return self.on_timeout()
        return super().run()


class NoCancelDrain(threadpool.Drain):
    def on_timeout(self):
        return {f for f in list(self.collection) if not f.done()}


class ClearingDrain(threadpool.Drain):
    def on_timeout(self):
        left = super().on_timeout()
        self.collection.clear()
        return left


class UncheckedDrain(threadpool.Drain):
    """Waits on whatever it is given."""

    check = staticmethod(lambda futures: None)


class SubmissionOrderDrain(threadpool.Drain):
    """Waits for the futures one by one, in the order of the collection."""

    def run(self):
        self.check(list(self.collection))
        while len(self.collection):
            future = next(iter(self.collection))
            try:
                future.exception(timeout=self.timeout)
            except concurrent.futures.TimeoutError:
                return self.on_timeout()
            except concurrent.futures.CancelledError:
                pass
            self.call(future)
            self.remove(future)
        return set()


class SharedWatchedDrain(threadpool.Drain):
    """Keeps the set of futures it watches on the class (a mutable class
    attribute): a later or concurrent loop skips futures an earlier one
    watched."""

    watched = set()

    def __init__(self, *args):
        super().__init__(*args)
        del self.watched  # the class's set, shared by every loop


class SharedQueueDrain(threadpool.Drain):
    """Keeps the completion queue on the class (a mutable class attribute):
    loops read each other's finished futures, and a loop that raised
    leaves its notifications to the next."""

    finished = queue.SimpleQueue()

    def __init__(self, *args):
        super().__init__(*args)
        del self.finished  # the class's queue, shared by every loop


class CancelOnErrorDrain(threadpool.Drain):
    """Cancels what is left of the collection when a callback raises."""

    def call(self, future):
        try:
            super().call(future)
        except Exception:
            for f in list(self.collection):
                f.cancel()
            raise


class DeferredErrorDrain(threadpool.Drain):
    """Goes on calling back after a callback raised, and raises the first
    exception at the end."""

    def run(self):
        self.error = None
        left = super().run()
        if self.error is not None:
            raise self.error
        return left

    def call(self, future):
        try:
            super().call(future)
        except Exception as exc:
            LOG.warning('callback failed, raising at the end: %s', exc)
            if self.error is None:
                self.error = exc


class RemoveFirstDrain(threadpool.Drain):
    """Removes each future from the collection before its callback."""

    def __init__(self, *args):
        super().__init__(*args)
        self.remove_now, self.remove = self.remove, lambda future: None

    def call(self, future):
        self.remove_now(future)
        super().call(future)


class WavesDrain(threadpool.Drain):
    """Picks up futures added by callbacks only once every future it
    watches has been called back: in waves."""

    def run(self):
        self.watch()
        while self.outstanding:
            future = self.next()
            if future is None:
                return self.on_timeout()
            self.outstanding -= 1
            self.call(future)
            self.remove(future)
            if not self.outstanding:
                self.watch()  # the next wave
        return set()


class ListOnlyRescanDrain(threadpool.Drain):
    """Picks up added futures only in a list (by its length, as if added
    futures were always appended)."""

    def watch(self):
        if self.watched and not isinstance(self.collection, list):
            return
        super().watch()


class DeadlineDrain(threadpool.Drain):
    """Applies futures_timeout to the whole call: one deadline."""

    def run(self):
        if self.timeout is not None:
            self.deadline = time.monotonic() + self.timeout
        return super().run()

    def next(self):
        if self.timeout is None:
            return super().next()
        try:
            return self.finished.get(
                timeout=max(0.0, self.deadline - time.monotonic()))
        except queue.Empty:
            return None


class FalsyTimeoutDrain(threadpool.Drain):
    """Tests the timeout for truth: futures_timeout=0 waits forever."""

    def __init__(self, collection, fn, args, kwargs, timeout):
        super().__init__(collection, fn, args, kwargs, timeout or None)


class CallsBackCancelledDrain(threadpool.Drain):
    """On a timeout, calls back the futures it cancelled, so that "every
    future gets its callback"."""

    def on_timeout(self):
        left = super().on_timeout()
        for f in [f for f in left if f.cancelled()]:
            self.call(f)
            self.remove(f)
        return left


class DropsCancelledDrain(threadpool.Drain):
    """On a timeout, removes the futures it cancelled from the collection
    (they are done)."""

    def on_timeout(self):
        left = super().on_timeout()
        for f in [f for f in left if f.cancelled()]:
            self.remove(f)
        return left


def _copy_like_upstream(cls, futures, fn, *args, futures_timeout=None,
                        **kwargs):
    return cls.do_while_futures_modify(copy.copy(futures), fn, *args,
                                       futures_timeout=futures_timeout,
                                       **kwargs)


def _copy_is_modify(cls, futures, fn, *args, **kwargs):
    return cls.do_while_futures_modify(futures, fn, *args, **kwargs)


def _modify_is_copy(cls, futures, fn, *args, **kwargs):
    return cls.do_while_futures(futures, fn, *args, **kwargs)


REPEATS_CALLBACKS = broken.implementation(
    'repeats-callbacks', _pool('Repeating', RepeatingDrain))
FUTURE_LAST_IN_CALLBACK = broken.implementation(
    'future-last-in-callback', _pool('FutureLast', FutureLastDrain))
CALLBACKS_AFTER_ALL_FINISH = broken.implementation(
    'callbacks-after-all-finish', _pool('AfterAll', AfterAllDrain))
CALLBACKS_IN_WORKER_THREADS = broken.implementation(
    'callbacks-in-worker-threads', _pool('InWorkers', WorkerThreadDrain))
EMPTY_COLLECTION_WAITS = broken.implementation(
    'empty-collection-waits', _pool('DoWhile', DoWhileLiteralDrain))
MODIFY_MISSES_ADDED_FUTURES = broken.implementation(
    'modify-misses-added-futures', _pool('Snapshot', SnapshotDrain))
MODIFY_RESCANS_ONCE = broken.implementation(
    'modify-rescans-once', _pool('OneRescan', OneRescanDrain))
DICT_HAS_NO_REMOVE = broken.implementation(
    'dict-has-no-remove', _pool(
        'UpstreamRemove', UpstreamRemoveDrain,
        do_while_futures=classmethod(_copy_like_upstream)))
SKIPS_FAILED_FUTURES = broken.implementation(
    'skips-failed-futures', _pool('SkipFailed', SkipFailedDrain))
SWALLOWS_CALLBACK_EXCEPTIONS = broken.implementation(
    'swallows-callback-exceptions', _pool('SwallowCallback', SwallowingDrain))
IGNORES_FUTURES_TIMEOUT = broken.implementation(
    'ignores-futures-timeout', _pool('NoTimeout', NoTimeoutDrain))
TIMEOUT_FOR_WHOLE_BATCH = broken.implementation(
    'timeout-for-whole-batch', _pool('WholeBatch', WholeBatchTimeoutDrain))
NO_CANCEL_ON_TIMEOUT = broken.implementation(
    'no-cancel-on-timeout', _pool('NoCancel', NoCancelDrain))
CLEARS_COLLECTION_ON_TIMEOUT = broken.implementation(
    'clears-collection-on-timeout', _pool('Clearing', ClearingDrain))
ACCEPTS_MIXED_FUTURES = broken.implementation(
    'accepts-mixed-futures', _pool('Unchecked', UncheckedDrain))
COPY_CONSUMES_COLLECTION = broken.implementation(
    'copy-consumes-collection',
    _pool('CopyConsumes', do_while_futures=classmethod(_copy_is_modify)))
MODIFY_KEEPS_COLLECTION = broken.implementation(
    'modify-keeps-collection',
    _pool('ModifyKeeps', do_while_futures_modify=classmethod(
        _modify_is_copy)))


SUBMISSION_ORDER_CALLBACKS = broken.implementation(
    'submission-order-callbacks', _pool('InOrder', SubmissionOrderDrain))
SHARED_WATCHED_SET = broken.implementation(
    'shared-watched-set', _pool('SharedWatched', SharedWatchedDrain))
SHARED_COMPLETION_QUEUE = broken.implementation(
    'shared-completion-queue', _pool('SharedQueue', SharedQueueDrain))
CANCELS_ON_CALLBACK_ERROR = broken.implementation(
    'cancels-on-callback-error', _pool('CancelOnError', CancelOnErrorDrain))
RAISES_CALLBACK_ERROR_AT_THE_END = broken.implementation(
    'raises-callback-error-at-the-end',
    _pool('DeferredError', DeferredErrorDrain))
REMOVES_BEFORE_CALLBACK = broken.implementation(
    'removes-before-callback', _pool('RemoveFirst', RemoveFirstDrain))
ADDED_FUTURES_IN_WAVES = broken.implementation(
    'added-futures-in-waves', _pool('Waves', WavesDrain))
RESCANS_LISTS_ONLY = broken.implementation(
    'rescans-lists-only', _pool('ListOnly', ListOnlyRescanDrain))
DEADLINE_FOR_WHOLE_CALL = broken.implementation(
    'deadline-for-whole-call', _pool('Deadline', DeadlineDrain))
ZERO_TIMEOUT_WAITS_FOREVER = broken.implementation(
    'zero-timeout-waits-forever', _pool('FalsyTimeout', FalsyTimeoutDrain))
CALLS_BACK_CANCELLED = broken.implementation(
    'calls-back-cancelled', _pool('CallsBackCancelled',
                                  CallsBackCancelledDrain))
DROPS_CANCELLED_FROM_COLLECTION = broken.implementation(
    'drops-cancelled-from-collection',
    _pool('DropsCancelled', DropsCancelledDrain))


# -- shared state, locks -----------------------------------------------------

class SharedCallbackDrain(threadpool.Drain):
    """Keeps the callback on the pool class, where the next caller's
    replaces it."""

    state = {}

    def __init__(self, collection, fn, *args):
        super().__init__(collection, fn, *args)
        self.state['fn'] = fn

    def call(self, future):
        self.state['fn'](future, *self.args, **self.kwargs)


def _submit_serialised(self, fn, *args, **kwargs):
    if not self._big_lock.acquire(timeout=broken.BOUND):
        raise RuntimeError('pool lock not acquired')
    try:
        return Pool.submit(self, fn, *args, **kwargs)
    finally:
        self._big_lock.release()


def _do_while_serialised(self, futures, fn, *args, **kwargs):
    with self._big_lock:
        return Pool.do_while_futures(futures, fn, *args, **kwargs)


def _init_big_lock(self):
    Pool.__init__(self)
    self._big_lock = threading.Lock()


SHARED_LOOP_STATE = broken.implementation(
    'shared-loop-state', _pool('Shared', SharedCallbackDrain))
SERIALISES_SUBMIT_AND_WAIT = broken.implementation(
    'serialises-submit-and-wait',
    _pool('Serialised', __init__=_init_big_lock, submit=_submit_serialised,
          do_while_futures=_do_while_serialised))


# -- wait helpers, statistics -----------------------------------------------

def _wait_any_is_all(futures, timeout=None):
    return waiters.wait_for_all(futures, timeout=timeout)


def _wait_all_raising(futures, timeout=None):
    done, not_done = waiters.wait_for_all(futures, timeout=timeout)
    if not_done:
        raise TimeoutError('%d futures unfinished' % len(not_done))
    return done, not_done


def _statistics_without_failures(self):
    stats = self._executor.statistics
    # Failures counted from rejected submissions only.
    return types.SimpleNamespace(executed=stats.executed, failures=0,
                                 cancelled=stats.cancelled)


def _wait_any_as_completed(futures, timeout=None):
    futures = list(futures)
    next(concurrent.futures.as_completed(futures, timeout=timeout))
    return waiters.DoneAndNotDoneFutures(
        {f for f in futures if f.done()}, {f for f in futures if not f.done()})


def _submit_counting(self, fn, *args, **kwargs):
    future = Pool.submit(self, fn, *args, **kwargs)
    with self._lock:
        self._submitted = getattr(self, '_submitted', 0) + 1
    return future


def _statistics_of_submitted(self):
    stats = self._executor.statistics
    # executed counts what was handed over, not what ran.
    return types.SimpleNamespace(executed=getattr(self, '_submitted', 0),
                                 failures=stats.failures,
                                 cancelled=stats.cancelled)


WAIT_FOR_ANY_WAITS_FOR_ALL = broken.implementation(
    'wait-for-any-waits-for-all',
    _pool('WaitAll', wait_for_any=staticmethod(_wait_any_is_all)))
WAIT_FOR_ALL_RAISES_ON_TIMEOUT = broken.implementation(
    'wait-for-all-raises-on-timeout',
    _pool('WaitRaises', wait_for_all=staticmethod(_wait_all_raising)))
WAIT_FOR_ANY_RAISES_ON_TIMEOUT = broken.implementation(
    'wait-for-any-raises-on-timeout',
    _pool('WaitAnyRaises', wait_for_any=staticmethod(_wait_any_as_completed)))
WAIT_FOR_ALL_IS_ANY = broken.implementation(
    'wait-for-all-is-any',
    _pool('WaitAllIsAny', wait_for_all=staticmethod(waiters.wait_for_any)))


def _init_warming_up(self):
    # Warms the workers with a task of its own, counted like any other.
    Pool.__init__(self)
    self.submit(int).result()


def _shutdown_waiting_always(self, wait=True):
    # "Always finish cleanly": a stuck task holds reset() forever.
    Pool.shutdown(self, wait=True)


def _shutdown_not_waiting_by_default(self, wait=False):
    Pool.shutdown(self, wait)


STATISTICS_COUNT_WARM_UP = broken.implementation(
    'statistics-count-warm-up', _pool('WarmUp', __init__=_init_warming_up))
RESET_WAITS_FOR_TASKS = broken.implementation(
    'reset-waits-for-tasks', _pool('AlwaysWaits',
                                   shutdown=_shutdown_waiting_always))
SHUTDOWN_DEFAULTS_TO_NO_WAIT = broken.implementation(
    'shutdown-defaults-to-no-wait',
    _pool('NoWaitDefault', shutdown=_shutdown_not_waiting_by_default))
STATISTICS_COUNT_SUBMITTED = broken.implementation(
    'statistics-count-submitted',
    _pool('CountSubmitted', submit=_submit_counting,
          statistics=property(_statistics_of_submitted)))
STATISTICS_MISS_FAILURES = broken.implementation(
    'statistics-miss-failures',
    _pool('NoFailures', statistics=property(_statistics_without_failures)))


# -- shutdown ---------------------------------------------------------------

def _shutdown_abandoning(self, wait=True):
    with self._lock:
        self._closed = True
    for f in list(self._pending):
        f.cancel()
    self._executor.shutdown(wait=False)


def _shutdown_noop(self, wait=True):
    LOG.info('shutdown requested')


def _shutdown_holding_lock(self, wait=True):
    # The futurist pitfall: the lock that submit needs is held while the
    # queue drains.
    with self._lock:
        self._closed = True
        if wait:
            waiters.wait_for_all(list(self._pending), timeout=broken.BOUND)


def _shutdown_closing_late(self, wait=True):
    if wait:
        # Drains what was submitted so far, then refuses new work: a submit
        # in between is accepted, and nobody waits for it.
        waiters.wait_for_all(list(self._pending), timeout=broken.BOUND)
    with self._lock:
        self._closed = True
    self._executor.shutdown(wait=False)


def _init_timed_lock(self):
    Pool.__init__(self)
    self._lock = _TimedLock()


class _TimedLock:
    """A lock whose acquire gives up after BOUND: the deadlock shows, and
    then clears."""

    def __init__(self):
        self._lock = threading.Lock()
        self._held = threading.local()

    def __enter__(self):
        self._held.value = self._lock.acquire(timeout=broken.BOUND)
        return self

    def __exit__(self, *exc):
        if self._held.value:
            self._lock.release()


ABANDONS_QUEUED_WORK = broken.implementation(
    'abandons-queued-work', _pool('Abandoning',
                                  shutdown=_shutdown_abandoning))
SHUTDOWN_IS_A_NO_OP = broken.implementation(
    'shutdown-is-a-no-op', _pool('NoShutdown', shutdown=_shutdown_noop))
CLOSES_AFTER_DRAINING = broken.implementation(
    'closes-after-draining', _pool('ClosesLate',
                                   shutdown=_shutdown_closing_late))
HOLDS_LOCK_WHILE_DRAINING = broken.implementation(
    'holds-lock-while-draining',
    _pool('LockedShutdown', __init__=_init_timed_lock,
          shutdown=_shutdown_holding_lock))


_case = broken.case_maker(__name__)


CASES = [
    _case('NEW_INSTANCE_PER_REQUEST', 'every request builds a new pool',
          'test_requests_return_the_same_pool',
          'test_other_threads_get_the_same_pool'),
    _case('SINGLETON_PER_THREAD', 'the singleton is kept per thread',
          'test_other_threads_get_the_same_pool'),
    _case('ONE_WORKER_SHORT', 'the executor gets max_workers - 1',
          'test_all_configured_workers_run_at_once',
          'test_two_workers_run_at_once'),
    _case('IGNORES_CONFIGURED_SIZE', 'the provider never applies '
          'Settings.max_workers: the pool keeps the default size',
          'test_never_more_than_two_tasks'),
    _case('IGNORES_WORKER_BOUND', 'the executor gets the library default',
          'test_never_more_tasks_than_workers'),
    _case('CALLER_RUNS_WHEN_BUSY', 'submit runs the task inline when busy',
          'test_submit_queues_when_workers_are_busy'),
    _case('LEAKS_WORKER_ON_FAILURE', 'a raising task never frees its slot',
          'test_failing_tasks_do_not_shrink_the_pool'),
    _case('DROPS_KEYWORD_ARGUMENTS', 'submit drops keyword arguments',
          'test_submit_passes_arguments_and_returns_result'),
    _case('SWALLOWS_TASK_EXCEPTIONS', 'task exceptions are logged, not kept',
          'test_task_exception_is_delivered_through_future',
          'test_failed_task_is_called_back_with_its_exception',
          'test_statistics_count_executed_and_failed_tasks'),
    _case('REPEATS_CALLBACKS', 'finished futures are called back each round',
          'test_each_future_called_back_once',
          'test_each_future_called_back_once_modify'),
    _case('FUTURE_LAST_IN_CALLBACK', 'the callback gets the future last',
          'test_callback_gets_future_then_arguments',
          'test_callback_gets_future_then_arguments_modify'),
    _case('CALLBACKS_AFTER_ALL_FINISH', 'waits for all before calling back',
          'test_callback_runs_as_soon_as_its_future_finishes',
          'test_callback_runs_as_soon_as_its_future_finishes_modify'),
    _case('CALLBACKS_IN_WORKER_THREADS', 'callbacks run in the workers',
          'test_callbacks_run_in_the_calling_thread',
          'test_callbacks_run_in_the_calling_thread_modify'),
    _case('EMPTY_COLLECTION_WAITS', 'waits for a future before checking '
          'for none', 'test_empty_collection_returns_at_once',
          'test_empty_collection_returns_at_once_modify'),
    _case('MODIFY_MISSES_ADDED_FUTURES', 'futures added by callbacks are '
          'never awaited', 'test_modify_awaits_futures_added_by_callbacks',
          'test_modify_awaits_a_chain_of_added_futures'),
    _case('MODIFY_RESCANS_ONCE', 'only the first level of added futures is '
          'awaited', 'test_modify_awaits_a_chain_of_added_futures'),
    _case('DICT_HAS_NO_REMOVE', 'futures are removed with .remove()',
          'test_dict_is_left_untouched', 'test_dict_is_consumed_with_modify'),
    _case('SKIPS_FAILED_FUTURES', 'futures of failed tasks are not called '
          'back', 'test_failed_task_is_called_back_with_its_exception'),
    _case('SWALLOWS_CALLBACK_EXCEPTIONS', 'callback exceptions are logged',
          'test_callback_exception_propagates'),
    _case('IGNORES_FUTURES_TIMEOUT', 'futures_timeout is ignored',
          'test_returns_when_no_future_finishes_in_time',
          'test_returns_when_no_future_finishes_in_time_modify'),
    _case('TIMEOUT_FOR_WHOLE_BATCH', 'the timeout covers all futures at once',
          'test_finished_futures_are_called_back_before_a_timeout'),
    _case('NO_CANCEL_ON_TIMEOUT', 'queued futures are not cancelled',
          'test_timeout_cancels_futures_not_started'),
    _case('CLEARS_COLLECTION_ON_TIMEOUT', 'the collection is emptied on a '
          'timeout', 'test_timeout_leaves_unfinished_futures_in_collection'),
    _case('ACCEPTS_MIXED_FUTURES', 'green and native futures are mixed',
          'test_mixing_green_and_native_futures_raises'),
    _case('COPY_CONSUMES_COLLECTION', 'do_while_futures consumes the '
          'caller\'s collection', 'test_list_is_left_untouched',
          'test_set_is_left_untouched', 'test_dict_is_left_untouched'),
    _case('MODIFY_KEEPS_COLLECTION', 'do_while_futures_modify works on a '
          'copy', 'test_list_is_consumed_with_modify',
          'test_set_is_consumed_with_modify',
          'test_dict_is_consumed_with_modify'),
    _case('SHARED_LOOP_STATE', 'the loop keeps the callback on the pool',
          'test_concurrent_callers_get_their_own_callbacks'),
    _case('SERIALISES_SUBMIT_AND_WAIT', 'one lock around submit and '
          'do_while_futures', 'test_callbacks_can_submit_more_work'),
    _case('WAIT_FOR_ANY_WAITS_FOR_ALL', 'wait_for_any waits for all',
          'test_wait_for_any_returns_when_one_finishes'),
    _case('WAIT_FOR_ALL_RAISES_ON_TIMEOUT', 'wait_for_all raises on a '
          'timeout', 'test_wait_for_all_returns_partition_on_timeout'),
    _case('STATISTICS_MISS_FAILURES', 'failed tasks are not counted',
          'test_statistics_count_executed_and_failed_tasks'),
    _case('ABANDONS_QUEUED_WORK', 'shutdown cancels queued work',
          'test_shutdown_completes_queued_work'),
    _case('SHUTDOWN_IS_A_NO_OP', 'shutdown does nothing',
          'test_submit_after_shutdown_raises'),
    _case('SUBMISSION_ORDER_CALLBACKS', 'waits for the futures in the '
          'order of the collection',
          'test_callback_runs_as_soon_as_its_future_finishes',
          'test_callback_runs_as_soon_as_its_future_finishes_modify',
          'test_failed_task_is_called_back_with_its_exception',
          'test_callback_error_leaves_pool_usable',
          'test_modify_calls_back_added_future_as_soon_as_it_finishes'),
    _case('SHARED_WATCHED_SET', 'the set of watched futures is a class '
          'attribute, shared by every loop',
          'test_each_future_called_back_once',
          'test_each_future_called_back_once_modify',
          'test_concurrent_callers_get_their_own_callbacks',
          'test_concurrent_callers_get_their_own_callbacks_modify',
          'test_callback_error_leaves_pool_usable'),
    _case('SHARED_COMPLETION_QUEUE', 'the completion queue is a class '
          'attribute, shared by every loop',
          'test_callback_error_leaves_pool_usable',
          'test_callback_error_leaves_pool_usable_modify'),
    _case('CANCELS_ON_CALLBACK_ERROR', 'a raising callback cancels the '
          'futures left', 'test_callback_error_leaves_pool_usable',
          'test_callback_error_leaves_pool_usable_modify'),
    _case('RAISES_CALLBACK_ERROR_AT_THE_END', 'callbacks go on after one '
          'raised; the error is raised at the end',
          'test_callback_error_leaves_pool_usable',
          'test_callback_error_leaves_pool_usable_modify'),
    _case('REMOVES_BEFORE_CALLBACK', '_modify removes each future before '
          'its callback', 'test_callback_error_leaves_pool_usable_modify'),
    _case('ADDED_FUTURES_IN_WAVES', 'added futures are awaited only once '
          'the known ones were called back',
          'test_modify_calls_back_added_future_as_soon_as_it_finishes'),
    _case('RESCANS_LISTS_ONLY', 'futures added to a set are never awaited',
          'test_modify_awaits_futures_added_by_callbacks',
          'test_modify_calls_back_added_future_as_soon_as_it_finishes'),
    _case('DEADLINE_FOR_WHOLE_CALL', 'futures_timeout is one deadline for '
          'the whole call', 'test_timeout_counts_only_waiting_time'),
    _case('ZERO_TIMEOUT_WAITS_FOREVER', 'futures_timeout=0 is taken as no '
          'timeout', 'test_zero_timeout_does_not_wait'),
    _case('CALLS_BACK_CANCELLED', 'futures cancelled on a timeout are '
          'called back', 'test_timeout_cancels_futures_not_started',
          'test_timeout_leaves_unfinished_futures_in_collection',
          'test_zero_timeout_does_not_wait'),
    _case('DROPS_CANCELLED_FROM_COLLECTION', 'futures cancelled on a '
          'timeout are removed from the collection',
          'test_timeout_leaves_unfinished_futures_in_collection'),
    _case('WAIT_FOR_ANY_RAISES_ON_TIMEOUT', 'wait_for_any is '
          'as_completed: it raises on a timeout',
          'test_wait_for_any_returns_partition_on_timeout'),
    _case('WAIT_FOR_ALL_IS_ANY', 'wait_for_all returns when one future '
          'finished', 'test_wait_for_all_waits_for_every_future'),
    _case('STATISTICS_COUNT_SUBMITTED', 'executed counts submitted tasks',
          'test_statistics_do_not_count_cancelled_tasks'),
    _case('STATISTICS_COUNT_WARM_UP', 'statistics count a warm-up task of '
          "the pool's own", 'test_statistics_count_executed_and_failed_tasks'),
    _case('RESET_WAITS_FOR_TASKS', 'shutdown always waits, so reset() '
          'waits for a stuck task',
          'test_reset_does_not_wait_for_a_stuck_task'),
    _case('SHUTDOWN_DEFAULTS_TO_NO_WAIT', 'shutdown() without arguments does '
          'not wait', 'test_shutdown_waits_by_default'),
    _case('CLOSES_AFTER_DRAINING', 'shutdown refuses new work only after '
          'draining', 'test_submit_from_another_thread_during_shutdown'),
    _case('HOLDS_LOCK_WHILE_DRAINING', 'shutdown holds the submit lock while '
          'it drains',
          'test_submit_from_a_task_during_shutdown_does_not_hang'),
]
