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

"""The test command Cosmic Ray runs against each mutant.

``python -m watcher_conformance.boot -m tests.mutants.kill TARGET`` (the
mode from ``OS_WATCHER_CONFORMANCE__MODE``) runs, in this process, the
checks that judge *TARGET* against the reference found first on
``sys.path`` (the mutated copy), with the options our tests give the suite
against broken implementations. It stops at the first failed check, and
confirms it under the suite's default bounds.

Exit status 0: every check passed or skipped (the mutant survived); 1: a
check failed (killed, and the check is named on stdout).
"""

import json
import os
import sys

from tests import base
from tests.mutants import targets
from watcher_conformance import catalogue
from watcher_conformance import report
from watcher_conformance import runner

REFERENCE = 'reference.implementation:IMPLEMENTATION'
#: A JSON file of check id -> seconds, written by the unmutated baseline
#: (when it does not exist yet) and read for every mutant: the fastest
#: checks run first, so most mutants are killed in a few seconds.
TIMINGS_ENV = 'WATCHER_CONFORMANCE_MUTATION_TIMINGS'


def _ordered(ids):
    path = os.environ.get(TIMINGS_ENV)
    if not path or not os.path.exists(path):
        return ids
    with open(path) as f:
        seconds = json.load(f)
    return sorted(ids, key=lambda i: seconds.get(i, float('inf')))


def _record(results):
    path = os.environ.get(TIMINGS_ENV)
    if path and not os.path.exists(path):
        with open(path, 'w') as f:
            json.dump({catalogue.idempotent_id(r['id']):
                       report.duration(r) or 0.0 for r in results}, f)


def _failed(ids, options):
    results = runner.run(REFERENCE, ids=_ordered(ids), stop_on_failure=True,
                         **options)
    failed = [r for r in results if report.status(r) == 'failed']
    if not failed:
        _record(results)
    return failed


def judge(target):
    """The failed results of *target*'s checks (at most one).

    The checks run with our tests' short bounds, so a mutant that breaks a
    promise fails fast. A failure is confirmed under the suite's own
    bounds: on a loaded machine a short bound can expire on a correct
    piece, and a kill that is only the machine's would inflate the rate.
    """
    ids = targets.check_ids(target, catalogue.collect())
    failed = _failed(ids, base.FAST)
    if failed and not _failed([catalogue.idempotent_id(failed[0]['id'])],
                              {}):
        failed = _failed(ids, {})
    return failed


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0] not in targets.TARGETS:
        sys.exit('usage: python -m watcher_conformance.boot -m '
                 'tests.mutants.kill {%s}' % ','.join(targets.TARGETS))
    failed = judge(targets.TARGETS[argv[0]])
    for result in failed:
        print('killed by %s' % result['id'])
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
