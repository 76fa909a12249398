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

"""Run conformance checks in this process, against any implementation.

For tools that judge the suite itself (our tests, the mutation score): no
subprocess, no stestr, the same tests and the same verdicts. The process
must already be in the mode it runs the checks in.
"""

import testtools

from watcher_conformance import catalogue
from watcher_conformance import config
from watcher_conformance import report


def load(ids=None, area=None, package=catalogue.SUITE_PACKAGE):
    """The suite's test cases, filtered by idempotent ids and/or area."""
    wanted = set(ids) if ids is not None else None
    return [test for test, meta in catalogue.discover(package)
            if (wanted is None or meta.id in wanted)
            and (area is None or meta.area == area)]


def run(spec, ids=None, area=None, stop_on_failure=False, **options):
    """Run checks against implementation *spec*.

    :param spec: entry-point name or ``package.module:attribute``.
    :param ids: idempotent ids to run (default: all).
    :param area: only this area.
    :param stop_on_failure: stop after the first failed check (a mutation
        tool only needs to know that one check failed).
    :param options: ``[watcher_conformance]`` overrides (``wait_timeout``…).
    :returns: per-test result dicts, as
        :func:`watcher_conformance.report.results_from_subunit` gives them.
    """
    tests = load(ids=ids, area=area)
    results = []
    sink = testtools.StreamToDict(results.append)
    result = testtools.ExtendedToStreamDecorator(sink)
    with config.override(implementation=spec, **options):
        result.startTestRun()
        try:
            for test in tests:
                test.run(result)
                if stop_on_failure and any(
                        report.status(r) == 'failed' for r in results):
                    break
        finally:
            result.stopTestRun()
    return results


def statuses(results):
    """idempotent id -> 'passed' | 'failed' | 'skipped'."""
    return {catalogue.idempotent_id(r['id']): report.status(r)
            for r in results}
