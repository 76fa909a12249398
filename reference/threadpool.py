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

"""The decision engine's general-purpose threadpool.

A process-wide singleton, as upstream Watcher's ``DecisionEngineThreadPool``
and with the same public API, so code written for one runs on the other::

    pool = DecisionEngineThreadPool()
    futures = [pool.submit(nova.get_node, name) for name in names]
    pool.do_while_futures(futures, on_node, model)

Differences from upstream, each one a promise the suite checks:

* ``do_while_futures`` drains a completion queue: each finished future costs
  O(1), where upstream re-waits on the whole collection after every one
  (quadratic on large clouds). Callbacks still run in the caller's thread,
  one at a time, in completion order.
* lists, sets and dicts (their keys) of futures all work, with and without
  ``_modify``.
* futures of the other concurrency mode (a native future in eventlet mode),
  mixed kinds, and things that are not futures are refused with an error
  instead of hanging.
* ``shutdown(wait=True)`` completes queued work, never deadlocks on a task
  that submits while the pool shuts down (the submit raises RuntimeError),
  and does not pay futurist's one-second idle-worker poll.
"""

import concurrent.futures
import itertools
import logging
import queue
import threading

import futurist
from futurist import waiters

from reference import conf
from reference import executor

LOG = logging.getLogger(__name__)


class Singleton(type):
    """One instance per class for the whole process, created on first call
    under a lock, forgotten by :meth:`reset`."""

    _lock = threading.Lock()

    def __call__(cls, *args, **kwargs):
        instance = cls.__dict__.get('_instance')
        if instance is None:
            with Singleton._lock:
                instance = cls.__dict__.get('_instance')
                if instance is None:
                    instance = super().__call__(*args, **kwargs)
                    cls._instance = instance
        return instance

    def reset(cls):
        """Forget the instance; shut it down without waiting."""
        with Singleton._lock:
            instance = cls.__dict__.get('_instance')
            cls._instance = None
        if instance is not None:
            instance.shutdown(wait=False)


def _is_green(future):
    return isinstance(future, futurist.GreenFuture)


def _check_futures(futures):
    """Refuse what cannot be waited on together in this process."""
    green = native = 0
    for f in futures:
        if not isinstance(f, concurrent.futures.Future):
            raise TypeError('do_while_futures expects futures, got %s'
                            % type(f).__name__)
        if _is_green(f):
            green += 1
        else:
            native += 1
    if green and native:
        raise RuntimeError('cannot wait on %d green futures and %d native '
                           'futures together' % (green, native))
    patched = executor.green()
    if green and not patched:
        raise RuntimeError('cannot wait on green futures in a process that '
                           'eventlet has not monkey-patched')
    if native and patched:
        raise RuntimeError('cannot wait on native futures in eventlet mode: '
                           'they complete outside the eventlet hub')


def _remover(collection):
    if isinstance(collection, dict):
        return lambda f: collection.pop(f, None)
    if isinstance(collection, (set, frozenset)):
        return collection.discard
    return collection.remove


class Drain:
    """One do_while_futures loop over *collection*: calls
    ``fn(future, *args, **kwargs)`` as each future finishes, removes it
    after its callback, and picks up futures callbacks add.

    Each step is a method, so a variant overrides only the step it changes.
    """

    def __init__(self, collection, fn, args, kwargs, timeout):
        if timeout is not None and timeout < 0:
            raise ValueError('futures_timeout must be >= 0, got %r'
                             % (timeout,))
        self.collection = collection
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.timeout = timeout
        self.remove = _remover(collection)
        # SimpleQueue: no Python-level lock for workers to contend on.
        self.finished = queue.SimpleQueue()
        self.watched = set()
        self.outstanding = 0

    check = staticmethod(_check_futures)

    def watch(self):
        """Start watching the futures of the collection not watched yet."""
        new = [f for f in list(self.collection) if f not in self.watched]
        self.check(new)
        self.watched.update(new)
        self.outstanding += len(new)
        for f in new:
            # Runs in the worker that completes f, or here if f is done.
            f.add_done_callback(self.finished.put)

    def next(self):
        """The next finished future, or None when the timeout passed."""
        try:
            return self.finished.get(timeout=self.timeout)
        except queue.Empty:
            return None

    def call(self, future):
        self.fn(future, *self.args, **self.kwargs)

    def on_timeout(self):
        left = {f for f in list(self.collection) if not f.done()}
        for f in left:
            f.cancel()  # only futures not started yet can be cancelled
        LOG.warning('No future finished within %s s: cancelled those not '
                    'started, %d left unfinished', self.timeout, len(left))
        return left

    def run(self):
        """:returns: the futures left unfinished on a timeout, else an
        empty set."""
        self.watch()
        size = len(self.collection)
        # Under eventlet, a loop over thousands of finished futures would
        # never yield: pause between callbacks, every YIELD_EVERY of them.
        pauses = executor.cooperative(itertools.repeat(None))
        while self.outstanding:
            next(pauses)
            future = self.next()
            if future is None:
                return self.on_timeout()
            self.outstanding -= 1
            self.call(future)
            self.remove(future)
            size -= 1
            if len(self.collection) != size:  # the callback added futures
                self.watch()
                size = len(self.collection)
        return set()


class DecisionEngineThreadPool(metaclass=Singleton):
    """The general-purpose pool; ``DecisionEngineThreadPool()`` is the
    process-wide instance.

    Its size is ``[watcher_decision_engine] max_general_workers``, read when
    the instance is created. Tasks run on futurist's green pool when eventlet
    has patched the process and on its native pool otherwise.
    """

    def __init__(self):
        self.amount_workers = (
            conf.CONF.watcher_decision_engine.max_general_workers)
        self._executor = executor.make(self.amount_workers)
        self._lock = threading.Lock()
        self._closed = False
        self._pending = set()

    def submit(self, fn, *args, **kwargs):
        """Run ``fn(*args, **kwargs)`` on the pool.

        :returns: a future (a ``futurist.GreenFuture`` in eventlet mode).
        :raises RuntimeError: after :meth:`shutdown`.
        """
        # Under the lock, so that shutdown never starts between the closed
        # check and the hand-off (a task submitting while the pool shuts
        # down would otherwise deadlock futurist's shutdown).
        with self._lock:
            if self._closed:
                raise RuntimeError('cannot submit to a '
                                   'DecisionEngineThreadPool after shutdown')
            future = self._executor.submit(fn, *args, **kwargs)
            self._pending.add(future)
        future.add_done_callback(self._pending.discard)
        return future

    #: The loop behind do_while_futures and do_while_futures_modify.
    drain = Drain

    @classmethod
    def do_while_futures(cls, futures, fn, *args, futures_timeout=None,
                         **kwargs):
        """Call ``fn(future, *args, **kwargs)`` as soon as each future of
        *futures* (a list, set or dict) finishes, in the calling thread.

        The caller's collection is left untouched. If no future finishes
        within *futures_timeout* seconds, those not started are cancelled,
        a warning is logged and the unfinished ones are returned; otherwise
        an empty set is returned. An exception from *fn* propagates at once.
        """
        # A dict: ordered like the caller's collection, O(1) removal.
        copy = dict.fromkeys(futures)
        return cls.drain(copy, fn, args, kwargs, futures_timeout).run()

    @classmethod
    def do_while_futures_modify(cls, futures, fn, *args, futures_timeout=None,
                                **kwargs):
        """Like :meth:`do_while_futures`, but consumes *futures*: each future
        is removed after its callback, and futures that callbacks add to
        *futures* are awaited too. On a timeout, the unfinished futures stay
        in *futures*."""
        return cls.drain(futures, fn, args, kwargs, futures_timeout).run()

    @staticmethod
    def wait_for_all(futures, timeout=None):
        """``(done, not_done)`` once all finished or *timeout* passed."""
        return waiters.wait_for_all(futures, timeout=timeout)

    @staticmethod
    def wait_for_any(futures, timeout=None):
        """``(done, not_done)`` once one finished or *timeout* passed."""
        return waiters.wait_for_any(futures, timeout=timeout)

    @property
    def statistics(self):
        """futurist ``ExecutorStatistics``: executed, failures, cancelled,
        runtime."""
        return self._executor.statistics

    def shutdown(self, wait=True):
        """Refuse new work and finish what was submitted.

        With *wait*, return once every submitted task has finished;
        without, let them finish in the background. Calling it again is
        harmless.
        """
        with self._lock:
            self._closed = True
        if wait:
            self._finish()
        else:
            threading.Thread(target=self._finish, daemon=True,
                             name='threadpool-shutdown').start()

    def _finish(self):
        # No submit can add to _pending any more; one wait covers it all.
        waiters.wait_for_all(list(self._pending))
        # wait=False: the work is done, and futurist's wait=True would
        # block up to a second on workers polling an empty queue.
        self._executor.shutdown(wait=False)
