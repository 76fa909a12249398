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

"""One process of the external-lock check (not a test module).

Its ``--threads`` threads (green under eventlet) each add 1 to a counter
file twice: first to ``control`` without any lock (the negative control),
then to ``counter`` under the implementation's external lock. Every
participant of every process takes part in both rounds.

* Control: each participant reads, waits until every participant has read,
  then writes: every update but one is lost, for certain.
* Locked: each participant notes its arrival, takes the lock, reads, and
  holds the lock until every participant has arrived and then for
  ``--window`` seconds more, watching for another participant's read (a
  lock that lets one in reads the same value: its update is lost). The
  window only watches for something that must not happen.

Exit status 0 when every write was made; one line on stderr and 2
otherwise.
"""

import argparse
import contextlib
import os
import sys
import threading
import time

from watcher_conformance import contract
from watcher_conformance import loader
from watcher_conformance import modes


def _count(directory, prefix):
    return len([n for n in os.listdir(directory) if n.startswith(prefix)])


def _wait_for(predicate, seconds):
    """Poll (with green sleeps under eventlet) until *predicate*; False
    when *seconds* passed first. Other processes can only be polled."""
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.002)
    return True


def _touch(directory, name):
    open(os.path.join(directory, name), 'w').close()


def _add_one(path, me, value):
    staged = '%s.%s' % (path, me)  # whole writes, even unlocked
    with open(staged, 'w') as f:
        f.write(str(value + 1))
    os.replace(staged, path)


def _read(path):
    with open(path) as f:
        return int(f.read())


class Participant:

    def __init__(self, args, primitives, me):
        self.args, self.primitives, self.me = args, primitives, me
        self.work = args.work_dir

    def control(self):
        path = os.path.join(self.work, 'control')
        value = _read(path)
        _touch(self.work, 'control-read-' + self.me)
        _wait_for(lambda: _count(self.work, 'control-read-')
                  >= self.args.participants, self.args.timeout)
        _add_one(path, self.me, value)

    def locked(self):
        path = os.path.join(self.work, 'counter')
        everyone = self.args.participants
        _touch(self.work, 'arrived-' + self.me)
        with self.primitives.lock(self.args.lock_name, external=True,
                                  lock_path=self.args.lock_path):
            self.note_others_inside()
            _touch(self.work, 'inside-' + self.me)
            value = _read(path)
            _touch(self.work, 'read-' + self.me)
            # Everyone else is now blocked on the lock, or (the lock
            # failing) reading the value just read.
            _wait_for(lambda: _count(self.work, 'arrived-') >= everyone,
                      self.args.timeout)
            _wait_for(lambda: _count(self.work, 'read-') >= everyone,
                      self.args.window)
            _add_one(path, self.me, value)
            self.note_others_inside()
            os.remove(os.path.join(self.work, 'inside-' + self.me))

    def note_others_inside(self):
        """An ``overlap-ME+OTHER`` marker for every other participant
        holding the lock now."""
        for name in os.listdir(self.work):
            if name.startswith('inside-') and name != 'inside-' + self.me:
                _touch(self.work, 'overlap-%s+%s' % (
                    self.me, name[len('inside-'):]))

    def run(self):
        self.control()
        self.locked()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--implementation', required=True)
    parser.add_argument('--lock-path', required=True)
    parser.add_argument('--lock-name', required=True)
    parser.add_argument('--work-dir', required=True,
                        help='holds control, counter, go and the markers')
    parser.add_argument('--threads', type=int, required=True)
    parser.add_argument('--participants', type=int, required=True,
                        help='threads in every process together')
    parser.add_argument('--window', type=float, required=True)
    parser.add_argument('--timeout', type=float, required=True)
    args = parser.parse_args(argv)
    pid = str(os.getpid())
    try:
        impl = loader.load(args.implementation)
        provider = impl.pieces['primitives'](contract.Settings(
            mode=modes.current().name, max_workers=2))
        primitives = provider.get()
        _touch(args.work_dir, 'started-' + pid)
        if not _wait_for(lambda: os.path.exists(
                os.path.join(args.work_dir, 'go')), args.timeout):
            raise RuntimeError('never told to go')
        errors = []

        def participate(number):
            try:
                Participant(args, primitives, '%s-%d' % (pid, number)).run()
            except Exception as exc:
                errors.append(exc)
        threads = [threading.Thread(target=participate, args=(n,),
                                    daemon=True)
                   for n in range(args.threads)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(4 * args.timeout)
        if any(t.is_alive() for t in threads):
            raise RuntimeError('a thread did not finish within %.1f s'
                               % (4 * args.timeout))
        if errors:
            raise errors[0]
        with contextlib.suppress(Exception):
            provider.reset()
    except Exception as exc:
        sys.stderr.write('lock_worker: %s: %s\n' % (type(exc).__name__, exc))
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
