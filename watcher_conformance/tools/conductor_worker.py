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

"""A conductor in a process of its own, for the conductor's cross-process
checks: it serves the suite's operations, waits for the gate ``start``,
submits its plan in order (a step ``["@gate", NAME, {}]`` waits for the
gate NAME instead), notes ``submitted-<member>``, then waits for
every operation (``--then wait``, exit 0 if all succeeded, 1 if not) or
for its end (``--then hang``: the check kills it, as a crash would).
One line on stderr and 2 on an error.
"""

import argparse
import json
import os
import sys
import time

from watcher_conformance.conductor import operations
from watcher_conformance import contract
from watcher_conformance import loader
from watcher_conformance import modes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--implementation', required=True)
    parser.add_argument('--database-url', required=True)
    parser.add_argument('--coordination-url', required=True)
    parser.add_argument('--member', required=True)
    parser.add_argument('--journal-dir', required=True)
    parser.add_argument('--plan', required=True,
                        help='JSON: [[resource, operation, params], ...]; '
                        '["@gate", name, {}] waits for that gate')
    parser.add_argument('--then', choices=('wait', 'hang'), default='wait')
    parser.add_argument('--max-workers', type=int, default=4)
    args = parser.parse_args(argv)
    try:
        journal = operations.Journal(args.journal_dir, 30.0)
        impl = loader.load(args.implementation)
        provider = impl.pieces['conductor'](contract.Settings(
            mode=modes.current().name, max_workers=args.max_workers,
            database_url=args.database_url,
            coordination_url=args.coordination_url, member=args.member))
        conductor = provider.get()
        conductor.serve(operations.operations(journal))
        if not journal.wait_gate('start', 30):
            raise RuntimeError('never told to start')
        futures = []
        for resource, operation, params in json.loads(args.plan):
            if resource == '@gate':  # a pause: wait for the gate named
                if not journal.wait_gate(operation, 30):
                    raise RuntimeError('never told to go on past %s'
                                       % operation)
                continue
            futures.append(conductor.submit(resource, operation, params))
        open(os.path.join(args.journal_dir,
                          'submitted-' + args.member), 'w').close()
        if args.then == 'hang':
            while True:
                time.sleep(1)
        failed = 0
        for future in futures:
            try:
                future.result(60)
            except Exception:
                failed += 1
        provider.reset()
    except Exception as exc:
        sys.stderr.write('conductor_worker: %s: %s\n'
                         % (type(exc).__name__, exc))
        return 2
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
