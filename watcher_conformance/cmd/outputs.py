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

"""The files beside a JSON report, and ``watcher-conformance html``.

For a report ``X.json`` a run also writes ``X.html`` (the page people read
first, :mod:`watcher_conformance.html_report`), ``X.subunit`` (the run's
subunit v2 stream, as stestr produced it) and ``X-subunit.html`` (that
stream rendered by os-testr's ``subunit2html``, every test with its
attachments).
"""

import os
import subprocess
import sys

from watcher_conformance import catalogue
from watcher_conformance.cmd import UsageError
from watcher_conformance import files
from watcher_conformance import html_report

#: Seconds subunit2html may take; a hang must not hold the run forever.
SUBUNIT2HTML_TIMEOUT = 300


def siblings(path):
    """The paths of the files beside the report at *path*."""
    root = path[:-len('.json')] if path.endswith('.json') else path
    return {'html': root + '.html', 'subunit': root + '.subunit',
            'subunit_html': root + '-subunit.html'}


def _checks():
    try:
        return catalogue.collect()
    except catalogue.CatalogueError:
        return []  # the page still shows everything but descriptions


def _links(page, paths):
    where = os.path.dirname(os.path.abspath(page))
    return [(label, os.path.relpath(os.path.abspath(p), where))
            for label, p in paths]


def subunit2html(stream_path, out_path):
    """Render the subunit file with os-testr's subunit2html; None on
    success, else one line saying what went wrong."""
    # Rendered beside its path, then renamed: never half a page.
    partial = '%s.%d.partial' % (out_path, os.getpid())
    try:
        done = subprocess.run(
            [sys.executable, '-m', 'os_testr.subunit2html', stream_path,
             partial], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            timeout=SUBUNIT2HTML_TIMEOUT, universal_newlines=True)
        if done.returncode or not os.path.isfile(partial):
            lines = done.stdout.strip().splitlines() or ['no output']
            return 'subunit2html exited %d: %s' % (done.returncode,
                                                   lines[-1])
        os.replace(partial, out_path)
    except subprocess.TimeoutExpired:
        return 'subunit2html took more than %d s' % SUBUNIT2HTML_TIMEOUT
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return None


def check_writable(path):
    """Bad input unless the report and the files beside it can be
    written at *path*."""
    for target in [path] + list(siblings(path).values()):
        try:
            files.check_writable(target)
        except files.NotWritable as exc:
            raise UsageError('cannot write the report: %s' % exc) from None


def write(data, path, stream, checks):
    """Write the files beside the report at *path*: the page, the subunit
    *stream* and its subunit2html page. Returns their paths."""
    paths = siblings(path)
    files.write_atomically(paths['subunit'], stream)
    problem = subunit2html(paths['subunit'], paths['subunit_html'])
    if problem:
        # The JSON report and the page are the run's result; a missing
        # secondary page is worth a warning, not a failed run.
        sys.stderr.write('watcher-conformance: warning: %s\n' % problem)
        paths.pop('subunit_html')
    links = [('JSON report', path), ('subunit stream', paths['subunit'])]
    if 'subunit_html' in paths:
        links.append(('every test (subunit2html)', paths['subunit_html']))
    html_report.write(data, paths['html'], checks,
                      _links(paths['html'], links))
    return paths


def html(args):
    """``watcher-conformance html REPORT.json [-o OUT.html]``."""
    try:
        data = html_report.load(args.report)
    except html_report.ReportError as exc:
        raise UsageError(exc) from None
    out = args.output or siblings(args.report)['html']
    try:
        page = html_report.render(data, _checks(),
                                  _links(out, [('JSON report', args.report)]))
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise UsageError('%s is not a watcher-conformance report: %s: %s'
                         % (args.report, type(exc).__name__, exc)) from None
    try:
        with open(out, 'w', encoding='utf-8') as f:
            f.write(page)
    except OSError as exc:
        raise UsageError('cannot write %s: %s'
                         % (out, exc.strerror or exc)) from None
    sys.stdout.write('page: %s\n' % out)
    return 0
