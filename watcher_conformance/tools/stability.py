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

"""Run checks again and again in this process: do their verdicts change?

``python -m watcher_conformance.boot -m watcher_conformance.tools.stability
--area threading_model --repeat 20`` (with ``OS_WATCHER_CONFORMANCE__MODE``
naming the mode) runs the area 20 times against the implementation and
prints, per check whose verdict changed, how often it got each. Exit
status 0 when no verdict changed, 1 otherwise, 2 on bad input.

``--load N`` keeps N CPU-bound processes running meanwhile (each spins
until the run ends), as a loaded CI machine would: verdicts must not change
under load either.
"""

import argparse
import collections
import contextlib
import subprocess
import sys

from watcher_conformance import modes
from watcher_conformance import runner

#: A process that burns one CPU until it is killed.
_SPIN = 'while True: pass'


@contextlib.contextmanager
def load(processes):
    """*processes* CPU-bound processes for the ``with`` block."""
    spinners = [subprocess.Popen([sys.executable, '-c', _SPIN])
                for _ in range(processes)]
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--implementation', default='reference')
    parser.add_argument('--area')
    parser.add_argument('--repeat', type=int, default=20)
    parser.add_argument('--load', type=int, default=0, metavar='N',
                        help='CPU-bound processes competing meanwhile')
    args = parser.parse_args(argv)
    mode = modes.enter().name
    seen = collections.defaultdict(collections.Counter)
    with load(args.load):
        for _ in range(args.repeat):
            for check, status in runner.statuses(runner.run(
                    args.implementation, area=args.area)).items():
                seen[check][status] += 1
    if not seen:
        sys.stderr.write('stability: no check ran (area %r?)\n' % args.area)
        return 2
    changed = {c: s for c, s in seen.items() if len(s) > 1}
    for check, statuses in sorted(changed.items()):
        print('%s: %s' % (check, dict(statuses)))
    totals = collections.Counter(next(iter(s)) for s in seen.values()
                                 if len(s) == 1)
    print('%s, mode %s, load %d, %d runs of %d checks: %d changed verdict; '
          'stable: %s' % (args.implementation, mode, args.load, args.repeat,
                          len(seen), len(changed), dict(totals)))
    return 1 if changed else 0


if __name__ == '__main__':
    sys.exit(main())
