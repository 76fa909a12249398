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

"""Watch a test worker: how it ended, and what it said last.

A worker that dies (``os._exit``, a signal, a segfault) cannot say so
itself. ``watcher-conformance run`` starts each stestr worker through this
module::

    python -m watcher_conformance.workerwatch DIR python -m \\
        watcher_conformance.boot -m stestr.subunit_runner.run ...

It runs the worker as a child (standard input and output are the child's:
the subunit stream passes untouched), copies the child's standard error
through while keeping its tail, forwards SIGINT and SIGTERM, and when the
child ends writes ``DIR/worker-<pid>.json``: ``{"argv", "returncode",
"signal", "stderr_tail"}``. Its own exit status is the child's. Only the
standard library is imported: the watch never enters a mode.
"""

import collections
import json
import os
import signal
import subprocess
import sys
import threading

#: Bytes of standard error kept for the record.
TAIL = 4096


def record_path(directory, pid):
    return os.path.join(directory, 'worker-%d.json' % pid)


def read_records(directory):
    """Every record written in *directory*, oldest first."""
    if not os.path.isdir(directory):
        return []
    paths = [os.path.join(directory, n) for n in os.listdir(directory)
             if n.startswith('worker-') and n.endswith('.json')]
    records = []
    for path in sorted(paths, key=lambda p: (os.stat(p).st_mtime_ns, p)):
        try:
            with open(path) as f:
                records.append(json.load(f))
        except (OSError, ValueError):
            continue  # a watch that was itself killed mid-write
    return records


def describe(record):
    """One line: how the worker ended."""
    if record.get('signal'):
        try:
            name = signal.Signals(record['signal']).name
        except ValueError:
            name = 'signal %d' % record['signal']
        how = 'killed by %s' % name
    else:
        how = 'exit status %s' % record.get('returncode')
    tail = (record.get('stderr_tail') or '').strip()
    if tail:
        how += '; the end of its stderr: %s' % tail[-1000:]
    return how


def _pump(source, sink, tail):
    while True:
        chunk = source.read1(65536) if hasattr(source, 'read1') else (
            source.read(65536))
        if not chunk:
            return
        tail.extend(chunk)
        try:
            sink.write(chunk)
            sink.flush()
        except (OSError, ValueError):
            pass  # nobody reads our stderr any more: keep the tail


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) < 2:
        sys.exit('usage: python -m watcher_conformance.workerwatch DIR '
                 'COMMAND...')
    directory, command = argv[0], argv[1:]
    child = subprocess.Popen(command, stderr=subprocess.PIPE)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda s, f: child.send_signal(s))
    tail = collections.deque(maxlen=TAIL)
    pump = threading.Thread(target=_pump, args=(
        child.stderr, sys.stderr.buffer, tail), daemon=True)
    pump.start()
    returncode = child.wait()
    pump.join(5)
    record = {'argv': command, 'returncode': returncode,
              'signal': -returncode if returncode < 0 else None,
              'stderr_tail': bytes(tail).decode('utf-8', 'replace')}
    os.makedirs(directory, exist_ok=True)
    path = record_path(directory, child.pid)
    with open(path + '.tmp', 'w') as f:
        json.dump(record, f)
    os.replace(path + '.tmp', path)
    return 128 - returncode if returncode < 0 else returncode


if __name__ == '__main__':
    sys.exit(main())
