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

"""The operations every conductor runs, and their journal.

The journal is a file every process appends whole lines to (one write,
``O_APPEND``), so its line order is the order events happened in, across
threads and processes. Gates are files: an operation waiting for a gate
waits until the file exists.

Operations (``params['tag']`` names each submission):

``record``
    notes its start, yields, notes its end; returns the tag.
``block``
    notes its start, waits for the gate ``params['gate']`` (bounded, then
    fails), notes its end.
``not_ready``
    raises :class:`~watcher_conformance.conductor.NotReady` until the gate
    ``params['gate']`` exists (each attempt journaled), then records.
``logs``
    the blocking class: records, returns ``'logs of <resource>'``.
``fail``
    notes its start and end, then raises :class:`OperationFailed` naming
    the resource and the tag.
"""

import json
import os
import threading
import time

from watcher_conformance import conductor


class OperationFailed(Exception):
    """What the ``fail`` operation raises: the checks expect this very
    exception (type and arguments) back from its future."""


class Journal:
    """A journal file, and gate files beside it.

    :param directory: where the journal and the gates live.
    :param gate_timeout: seconds a ``block`` operation waits at most.
    """

    def __init__(self, directory, gate_timeout):
        self.directory = directory
        self.path = os.path.join(directory, 'journal')
        self.gate_timeout = gate_timeout

    def note(self, resource, tag, edge):
        line = json.dumps({'resource': resource, 'tag': tag, 'edge': edge,
                           'pid': os.getpid(),
                           'thread': threading.get_ident()}) + '\n'
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)

    def events(self):
        if not os.path.exists(self.path):
            return []
        with open(self.path) as f:
            return [json.loads(line) for line in f if line.strip()]

    def gate(self, name):
        return os.path.join(self.directory, 'gate-' + name)

    def open_gate(self, name):
        open(self.gate(name), 'w').close()

    def wait_gate(self, name, timeout):
        deadline = time.monotonic() + timeout
        while not os.path.exists(self.gate(name)):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.002)
        return True

    # -- queries ----------------------------------------------------------

    def tags(self, edge, resource=None):
        return [e['tag'] for e in self.events() if e['edge'] == edge
                and (resource is None or e['resource'] == resource)]

    def running(self):
        """Tags started and not ended."""
        ended = set(self.tags('end'))
        return [t for t in self.tags('start') if t not in ended]

    def overlaps(self):
        """(resource, tag, tag) where an operation started on a resource
        while another ran there."""
        found, current = [], {}
        for e in self.events():
            if e['edge'] == 'start':
                if current.get(e['resource']):
                    found.append((e['resource'], current[e['resource']],
                                  e['tag']))
                current[e['resource']] = e['tag']
            elif e['edge'] == 'end' and current.get(e['resource']) \
                    == e['tag']:
                current[e['resource']] = None
        return found


def operations(journal):
    """The operations, for ``conductor.serve``."""

    def record(resource, params):
        journal.note(resource, params['tag'], 'start')
        time.sleep(params.get('seconds', 0.001))
        journal.note(resource, params['tag'], 'end')
        return params['tag']

    def block(resource, params):
        journal.note(resource, params['tag'], 'start')
        opened = journal.wait_gate(params['gate'], journal.gate_timeout)
        journal.note(resource, params['tag'], 'end')
        if not opened:
            raise RuntimeError('gate %s never opened' % params['gate'])
        return params['tag']

    def not_ready(resource, params):
        journal.note(resource, params['tag'], 'attempt')
        if not os.path.exists(journal.gate(params['gate'])):
            raise conductor.NotReady('%s is not ready' % resource)
        return record(resource, params)

    def logs(resource, params):
        record(resource, params)
        return 'logs of %s' % resource

    def fail(resource, params):
        journal.note(resource, params['tag'], 'start')
        journal.note(resource, params['tag'], 'end')
        raise OperationFailed(resource, params['tag'])

    return {'record': record, 'block': block, 'not_ready': not_ready,
            'logs': logs, 'fail': fail}
