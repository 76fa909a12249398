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

"""One process of the external-lock check: a read-modify-write of a counter
file, under the implementation's external lock (or, for the negative
control, without it).

Between its read and its write it waits until every process has read (or
``--wait`` seconds passed): without a lock, every process reads the same
value and all but one update is lost; with one, each waits alone and
nothing is lost. Exit status 0 when the write was made; one line on stderr
and 2 otherwise.
"""

import argparse
import contextlib
import os
import sys
import time

from watcher_conformance import contract
from watcher_conformance import loader
from watcher_conformance import modes


def _wait_for(predicate, seconds):
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--implementation', required=True)
    parser.add_argument('--lock-path', required=True)
    parser.add_argument('--work-dir', required=True,
                        help='holds counter, started-*, go and read-*')
    parser.add_argument('--processes', type=int, required=True)
    parser.add_argument('--wait', type=float, required=True)
    parser.add_argument('--lock-name', required=True)
    parser.add_argument('--no-lock', action='store_true')
    args = parser.parse_args(argv)
    me = str(os.getpid())
    try:
        impl = loader.load(args.implementation)
        provider = impl.pieces['primitives'](contract.Settings(
            mode=modes.current().name, max_workers=2))
        primitives = provider.get()
        work = args.work_dir
        open(os.path.join(work, 'started-' + me), 'w').close()
        if not _wait_for(lambda: os.path.exists(os.path.join(work, 'go')),
                         30):
            raise RuntimeError('never told to go')
        counter = os.path.join(work, 'counter')
        guard = (contextlib.nullcontext() if args.no_lock else
                 primitives.lock(args.lock_name, external=True,
                                 lock_path=args.lock_path))
        with guard:
            with open(counter) as f:
                value = int(f.read())
            open(os.path.join(work, 'read-' + me), 'w').close()
            _wait_for(lambda: len([n for n in os.listdir(work)
                                   if n.startswith('read-')])
                      >= args.processes, args.wait)
            staged = '%s.%s' % (counter, me)  # whole writes, even unlocked
            with open(staged, 'w') as f:
                f.write(str(value + 1))
            os.replace(staged, counter)
        provider.reset()
    except Exception as exc:
        sys.stderr.write('lock_worker: %s: %s\n' % (type(exc).__name__, exc))
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
