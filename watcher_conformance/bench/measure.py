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

"""Running benchmark cases; the method is in
:mod:`watcher_conformance.bench`."""

import contextlib
import dataclasses
import gc
import platform
import time
import tracemalloc

from watcher_conformance.bench import case as case_
from watcher_conformance import contract

MB = 2 ** 20


class WrongResult(Exception):
    """A run returned a wrong result."""


@dataclasses.dataclass
class Result:
    """The figures of one case; None where not measured.

    :param case: the :class:`~watcher_conformance.bench.case.Case`.
    :param seconds: the best run's time.
    :param raw_seconds: the raw baseline's best time.
    :param peak_memory_mb: the peak traced memory of a run.
    :param repeat: how many timed runs were made.
    :param error: what went wrong, one line; the case then stopped.
    """

    case: case_.Case
    seconds: float = None
    raw_seconds: float = None
    peak_memory_mb: float = None
    repeat: int = 0
    error: str = None

    @property
    def bound_seconds(self):
        return self.case.bound_seconds()

    @property
    def ratio(self):
        bound = self.bound_seconds
        if self.seconds is None or not bound:
            return None
        return self.seconds / bound

    @property
    def raw_ratio(self):
        if self.seconds is None or not self.raw_seconds:
            return None
        return self.seconds / self.raw_seconds

    def figure(self, metric):
        return getattr(self, metric)

    @property
    def missed(self):
        """The metrics of the targets not met (unmeasured counts as
        missed)."""
        return [metric for metric, most in self.case.targets.items()
                if self.figure(metric) is None or self.figure(metric) > most]

    @property
    def meets_target(self):
        """True or False; None for a case without targets."""
        if self.error:
            return False
        if not self.case.targets:
            return None
        return not self.missed

    def as_dict(self):
        return {'name': self.case.name, 'seconds': self.seconds,
                'bound_seconds': self.bound_seconds, 'ratio': self.ratio,
                'peak_memory_mb': self.peak_memory_mb,
                'raw_seconds': self.raw_seconds, 'raw_ratio': self.raw_ratio,
                'target': dict(self.case.targets) or None,
                'meets_target': self.meets_target,
                'upstream': dict(self.case.upstream) or None,
                'repeat': self.repeat, 'error': self.error}


def _one_line(exc):
    text = ' '.join(str(exc).split())
    if isinstance(exc, WrongResult):
        return text
    return '%s: %s' % (type(exc).__name__, text) if text else \
        type(exc).__name__


@contextlib.contextmanager
def _frozen():
    """Nothing alive now is traversed by a collection until the end (see
    the package's docstring for why)."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _timed(call):
    # The previous run's garbage is not this run's cost.
    gc.collect()
    start = time.perf_counter()
    outcome = call()
    return time.perf_counter() - start, outcome


def _peak_memory(call):
    gc.collect()
    tracemalloc.start()
    try:
        outcome = call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del outcome
    return peak / MB


def _measure(result, workload, piece, repeat):
    for run in range(repeat):
        seconds, outcome = _timed(workload.prepare(piece))
        if run == 0:
            problems = workload.check(piece, outcome)
            if problems:
                raise WrongResult('wrong result: %s' % '; '.join(problems))
        del outcome
        result.repeat = run + 1
        result.seconds = (seconds if result.seconds is None
                          else min(result.seconds, seconds))
    raw = workload.prepare_raw()
    if raw is not None:
        times = [_timed(raw)[0]]
        times += [_timed(workload.prepare_raw())[0]
                  for _ in range(repeat - 1)]
        result.raw_seconds = min(times)
    if result.case.memory:
        result.peak_memory_mb = _peak_memory(workload.prepare(piece))


def run_case(case, implementation, mode, repeat=3):
    """Measure *case* against *implementation* (a
    :class:`~watcher_conformance.contract.Implementation`) in *mode*.

    :returns: a :class:`Result`; an exception from the piece or a wrong
        result is its ``error``, not raised.
    """
    result = Result(case)
    factory = implementation.pieces.get(case.piece)
    if factory is None:
        result.error = 'implementation %r does not provide the %s piece' % (
            implementation.name, case.piece)
        return result
    workload = case.workload(workers=case.workers, **case.knobs)
    try:
        workload.setup()
        with _frozen():
            provider = factory(contract.Settings(mode=mode,
                                                 max_workers=case.workers))
            try:
                _measure(result, workload, provider.get(), repeat)
            finally:
                provider.reset()
    except Exception as exc:
        result.error = _one_line(exc)
    finally:
        workload.teardown()
    return result


def python():
    return '%s %s' % (platform.python_implementation(),
                      platform.python_version())


def report(results, implementation, spec, mode):
    """The JSON document of *results*."""
    return {'mode': mode,
            'implementation': {'name': implementation.name,
                               'version': implementation.version,
                               'spec': spec},
            'python': python(),
            'cases': [r.as_dict() for r in results]}
