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

"""An independent decision-engine threadpool, written from the contract.

Design (deliberately not futurist's executors and waiters):

* One :class:`SharedPool` per process, created on first request with the
  size the provider was given, and dropped by the provider's ``reset()``.
* The pool delegates running tasks to an *engine* of the process's kind.
  In threading mode it is the standard library's
  ``concurrent.futures.ThreadPoolExecutor``; its futures are native. Under
  eventlet it is :class:`GreenEngine`: a fixed crew of green threads pulling
  work from one eventlet queue and completing ``futurist.GreenFuture``
  objects, so that ``futurist.waiters`` (and the patched standard library)
  can wait on them.
* Every task is wrapped so that it is counted (executed, failures) before
  its future completes.
* The ``do_while_futures`` loops are ``concurrent.futures.wait(...,
  return_when=FIRST_COMPLETED)`` loops in both modes (under eventlet the
  standard library's events are green). Green and native futures are never
  waited on together; a run of callbacks over green futures yields to the
  other green threads every :data:`YIELD_EVERY` callbacks.
"""

import collections.abc
import concurrent.futures
import dataclasses
import sys
import threading

import futurist

from watcher_conformance import contract

#: Callbacks between two yields to the other green threads (green futures).
YIELD_EVERY = 64

_STOP = object()


# --------------------------------------------------------------- futures ---

def _is_green_process():
    """True when eventlet has patched threads in this process."""
    if 'eventlet' not in sys.modules:
        return False
    from eventlet import patcher
    return patcher.is_monkey_patched('thread')


def _check_kinds(futures):
    """Refuse to wait on futures that cannot be waited on together.

    :returns: True when the futures are green ones.
    """
    green = sum(1 for f in futures if isinstance(f, futurist.GreenFuture))
    if green and green != len(futures):
        raise RuntimeError(
            'cannot wait on %d green futures together with %d native '
            'futures: use futures of one kind in one call'
            % (green, len(futures) - green))
    if green and not _is_green_process():
        raise RuntimeError(
            'cannot wait on %d green futures in a process that eventlet '
            'has not patched' % green)
    return bool(green)


def _wait(futures, timeout, return_when):
    """concurrent.futures.wait after checking the futures' kinds."""
    futures = list(futures)
    _check_kinds(futures)
    return concurrent.futures.wait(futures, timeout=timeout,
                                   return_when=return_when)


class _Pacer:
    """Lets other green threads run during a long run of callbacks."""

    def __init__(self):
        self._count = 0

    def tick(self, green):
        self._count += 1
        if green and not self._count % YIELD_EVERY:
            import eventlet
            eventlet.sleep(0)


def _members(collection):
    """The futures of a collection: a mapping's keys, else its items."""
    if isinstance(collection, collections.abc.Mapping):
        return list(collection.keys())
    return list(collection)


def _remover(collection):
    """A function removing one future from the caller's collection; it
    tolerates a future a callback already removed."""
    if isinstance(collection, collections.abc.MutableMapping):
        return lambda future: collection.pop(future, None)
    if isinstance(collection, collections.abc.MutableSet):
        return collection.discard

    def remove(future):
        try:
            collection.remove(future)
        except ValueError:
            pass
    return remove


def _drain(source, remove, fn, args, kwargs, timeout):
    """The callback loop shared by both do_while_futures methods.

    :param source: returns the futures still to call back.
    :param remove: called with each future once it is called back.
    :returns: the futures left unfinished on a timeout, or an empty set.
    """
    pacer = _Pacer()
    while True:
        pending = source()
        if not pending:
            return set()
        green = _check_kinds(pending)
        done, not_done = concurrent.futures.wait(
            pending, timeout=timeout,
            return_when=concurrent.futures.FIRST_COMPLETED)
        if not done:
            return _give_up(not_done, remove, fn, args, kwargs)
        for future in done:
            fn(future, *args, **kwargs)
            remove(future)
            pacer.tick(green)


def _give_up(not_done, remove, fn, args, kwargs):
    """No future finished in time: cancel those not started, call back any
    that finished in the meantime, and return the rest."""
    for future in not_done:
        future.cancel()
    late = [f for f in not_done if f.done() and not f.cancelled()]
    for future in late:
        fn(future, *args, **kwargs)
        remove(future)
    return set(not_done).difference(late)


def do_while_futures(futures, fn, *args, futures_timeout=None, **kwargs):
    """Call ``fn(future, *args, **kwargs)`` for each future as it finishes,
    in this thread, one at a time; the caller's collection is untouched."""
    left = set(_members(futures))
    return _drain(lambda: list(left), left.discard, fn, args, kwargs,
                  futures_timeout)


def do_while_futures_modify(futures, fn, *args, futures_timeout=None,
                            **kwargs):
    """Like :func:`do_while_futures`, consuming the collection: each future
    is removed after its callback, and futures the callbacks add are
    awaited too. On a timeout the unfinished futures stay in it."""
    return _drain(lambda: _members(futures), _remover(futures), fn, args,
                  kwargs, futures_timeout)


# --------------------------------------------------------------- engines ---

@dataclasses.dataclass(frozen=True)
class PoolStatistics:
    """What the pool has run: ``executed`` counts every task that ran
    (failed or not), ``failures`` those that raised."""

    executed: int = 0
    failures: int = 0


class _Counter:
    """Counts tasks as they end, before their futures complete."""

    def __init__(self):
        self._lock = threading.Lock()
        self._executed = 0
        self._failures = 0

    def run(self, fn, args, kwargs):
        try:
            result = fn(*args, **kwargs)
        except BaseException:
            self._add(failed=True)
            raise
        self._add(failed=False)
        return result

    def _add(self, failed):
        with self._lock:
            self._executed += 1
            self._failures += int(failed)

    def snapshot(self):
        with self._lock:
            return PoolStatistics(self._executed, self._failures)


class NativeEngine:
    """Native threads: the standard library's ThreadPoolExecutor."""

    def __init__(self, size):
        self._executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=size, thread_name_prefix='independent-pool')

    def submit(self, fn, *args):
        # Raises RuntimeError once shut down, also while shutdown waits.
        return self._executor.submit(fn, *args)

    def shutdown(self, wait):
        self._executor.shutdown(wait=wait)

    def abandon(self):
        self._executor.shutdown(wait=False, cancel_futures=True)


class GreenEngine:
    """A fixed crew of green threads pulling work from one eventlet queue.

    Green threads switch only where they block, and submit never blocks:
    the queue and the closed flag need no lock. The crew is spawned on the
    first submit, so a pool that is only built and dropped (the suite's
    preflight, in a process that is not patched) starts nothing.
    """

    def __init__(self, size):
        self._size = size
        self._queue = None
        self._crew = []
        self._closed = False

    def submit(self, fn, *args):
        if self._closed:
            raise RuntimeError('cannot submit to a pool that was shut down')
        if not self._crew:
            self._start()
        future = futurist.GreenFuture()
        self._queue.put((future, fn, args))
        return future

    def _start(self):
        import eventlet
        from eventlet import queue
        self._queue = queue.LightQueue()
        self._crew = [eventlet.spawn(self._work) for _ in range(self._size)]

    def _work(self):
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            future, fn, args = item
            if future.set_running_or_notify_cancel():
                self._run(future, fn, args)
            del item, future, fn, args

    @staticmethod
    def _run(future, fn, args):
        try:
            result = fn(*args)
        except BaseException as exc:
            future.set_exception(exc)
        else:
            future.set_result(result)

    def _stop_crew(self):
        self._closed = True
        for _ in self._crew:
            self._queue.put(_STOP)

    def shutdown(self, wait):
        """Queued work runs before the stop marks, which come last."""
        self._stop_crew()
        if wait:
            for worker in self._crew:
                worker.wait()

    def abandon(self):
        """Cancel the queued work and stop the crew; a stuck worker ends
        when its task does."""
        self._closed = True
        while self._queue is not None and not self._queue.empty():
            item = self._queue.get_nowait()
            if item is not _STOP:
                item[0].cancel()
        self._stop_crew()


# ------------------------------------------------------------------ pool ---

class SharedPool:
    """The decision engine's general-purpose pool (one per process).

    :param size: the number of workers.
    :param green: green workers and futures (eventlet) or native ones.
    """

    do_while_futures = staticmethod(do_while_futures)
    do_while_futures_modify = staticmethod(do_while_futures_modify)

    def __init__(self, size, green):
        self._counter = _Counter()
        self._engine = GreenEngine(size) if green else NativeEngine(size)

    def submit(self, fn, *args, **kwargs):
        """Hand ``fn(*args, **kwargs)`` to a worker; returns its future."""
        return self._engine.submit(self._counter.run, fn, args, kwargs)

    @staticmethod
    def wait_for_all(futures, timeout=None):
        """(done, not_done) once all finished or after *timeout*."""
        return _wait(futures, timeout, concurrent.futures.ALL_COMPLETED)

    @staticmethod
    def wait_for_any(futures, timeout=None):
        """(done, not_done) once one finished or after *timeout*."""
        return _wait(futures, timeout, concurrent.futures.FIRST_COMPLETED)

    def shutdown(self, wait=True):
        """Refuse new work; with *wait*, return when queued work is done."""
        self._engine.shutdown(wait)

    def abandon(self):
        """Refuse new work, cancel queued work, wait for nothing."""
        self._engine.abandon()

    @property
    def statistics(self):
        """A :class:`PoolStatistics` snapshot."""
        return self._counter.snapshot()


_lock = threading.Lock()
_pool = None


def process_pool(size, green):
    """The process's pool, created with *size* workers on first request."""
    global _pool
    with _lock:
        if _pool is None:
            _pool = SharedPool(size, green)
        return _pool


def discard_process_pool():
    """Forget the process's pool, stopping it without waiting."""
    global _pool
    with _lock:
        old, _pool = _pool, None
    if old is not None:
        old.abandon()


class ThreadPoolProvider(contract.Provider):
    """The process's pool, sized and kinded from the suite's Settings."""

    def __init__(self, settings):
        self._size = settings.max_workers
        self._green = settings.mode == 'eventlet'
        discard_process_pool()

    def get(self):
        return process_pool(self._size, self._green)

    def reset(self):
        discard_process_pool()


IMPLEMENTATION = contract.Implementation(
    name='independent-threadpool',
    version='1.0',
    modes={'threading', 'eventlet'},
    pieces={'threadpool': ThreadPoolProvider},
    features={'threadpool.futures_timeout', 'threadpool.wait',
              'threadpool.shutdown', 'threadpool.statistics'},
    description='concurrent.futures pool; own green crew under eventlet',
)
