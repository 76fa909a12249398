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

"""The mutation score: how many of the zoo's defects the suite catches.

``python -m tests.broken.score --mode eventlet`` (``tox -e mutation`` runs
both modes) runs every
check of a defect's area against it and prints, per defect, the MUST
checks that caught it. A defect counts as caught when at least one MUST
check failed against it. Defects that only exist in another mode are left
out of that mode's score. The correct implementations must first pass
under the same options (else exit status 2). Exit status 0 at 100%, 1
below.
"""

import argparse
import os
import subprocess
import sys

from tests import base
from tests.broken import zoo
from watcher_conformance import catalogue
from watcher_conformance import contract
from watcher_conformance import modes
from watcher_conformance import runner


def score(area=None, out=sys.stdout):
    """(caught, total) in this process's mode, printing a line a defect."""
    mode = modes.requested().name
    checks = {c.id: c for c in catalogue.collect()}
    caught = total = 0
    for case_area, case in zoo.defects():
        if (area and case_area != area) or mode not in case.modes:
            continue
        total += 1
        statuses = runner.statuses(runner.run(case.spec, area=case_area,
                                              **base.FAST))
        catching = sorted(
            checks[i].test.rsplit('.', 1)[-1] for i, s in statuses.items()
            if s == 'failed' and checks[i].level == contract.MUST)
        caught += bool(catching)
        out.write('%-6s %-15s %-40s %s\n' % (
            'caught' if catching else 'MISSED', case_area,
            case.spec.rsplit(':', 1)[-1], ', '.join(catching) or '-'))
        out.flush()
    return caught, total


def reference_failures(area=None):
    """Checks the correct implementations fail under the score's options:
    any would make the score meaningless."""
    failures = []
    for spec, correct_area in zoo.CORRECT:
        if area and correct_area != area:
            continue
        statuses = runner.statuses(runner.run(spec, area=correct_area,
                                              **base.FAST))
        failures += ['%s: %s' % (spec, i) for i, s in statuses.items()
                     if s == 'failed']
    return failures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--area', help='only the defects of this area')
    parser.add_argument('--mode', choices=sorted(modes.MODES),
                        help='the concurrency mode (default: '
                             '$OS_WATCHER_CONFORMANCE__MODE or threading)')
    args = parser.parse_args(argv)
    if args.mode and os.environ.get(modes.ENV_VAR) != args.mode:
        # A mode is entered before anything else is imported: start again,
        # through the boot module, in that mode.
        return subprocess.call(
            [sys.executable, '-m', 'watcher_conformance.boot', '-m',
             'tests.broken.score'] + (['--area', args.area] if args.area
                                      else []),
            env=dict(os.environ, **{modes.ENV_VAR: args.mode}))
    modes.enter()
    failures = reference_failures(args.area)
    if failures:
        sys.stderr.write('score: correct implementations fail under the '
                         'score\'s options, so it would mean nothing: %s\n'
                         % '; '.join(failures))
        return 2
    caught, total = score(args.area)
    print('mutation score, mode %s: %d/%d defects caught by a MUST check '
          '(%.1f%%)' % (modes.requested().name, caught, total,
                        100.0 * caught / total if total else 0.0))
    return 0 if total and caught == total else 1


if __name__ == '__main__':
    sys.exit(main())
