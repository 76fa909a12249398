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

"""Write the catalogue of checks as a reStructuredText page.

``python -m watcher_conformance.tools.catalogue_doc`` (from the repository
root) writes ``doc/source/catalogue.rst`` from the checks' own metadata
(:func:`watcher_conformance.catalogue.collect`): every check, grouped by
area and test module, with its id, level, feature, description and test,
and each area's obligations (:mod:`watcher_conformance.obligations`) with
the checks that cover them.
``--check`` writes nothing and exits 1 when the file is stale; our tests do
the same comparison. Exit status 2, with one line on stderr, on bad input.

The page depends on nothing but the metadata (no date, no version), so the
same checks always give the same bytes.
"""

import argparse
import collections
import difflib
import os
import re
import sys

from watcher_conformance import catalogue
from watcher_conformance import contract
from watcher_conformance import obligations

DEFAULT_OUTPUT = os.path.join('doc', 'source', 'catalogue.rst')
COMMAND = 'python -m watcher_conformance.tools.catalogue_doc'

# Characters that start inline markup anywhere (a description's
# "fn(*args, **kwargs)" would open emphasis), and an underscore ending a
# word (a reference, "name_").
_MARKUP = re.compile(r'([\\*`|])|_(?=\W|$)')
# A paragraph that starts like a list item or an enumerator.
_LIST_START = re.compile(r'^([-+#]|\d+[.)]|\(\d+\))(\s|$)')


def escape(text):
    """*text* as reStructuredText that renders as exactly *text*."""
    text = _MARKUP.sub(lambda m: '\\' + m.group(0), text)
    if _LIST_START.match(text):
        text = '\\' + text
    return text


def _title(text, underline):
    return [text, underline * len(text), '']


def _plural(count, word):
    return '%d %s%s' % (count, word, '' if count == 1 else 's')


def _module(check):
    """The test module of *check*, relative to its area's package."""
    prefix = '%s.%s.' % (catalogue.SUITE_PACKAGE, check.area)
    name = check.test[len(prefix):] if check.test.startswith(prefix) else (
        check.test)
    return name.split('.')[0]


def _test_name(check):
    """``Class.method`` of *check*: its module is the heading above."""
    return '.'.join(check.test.rsplit('.', 2)[-2:])


def _covers(check):
    if not check.covers:
        return ''
    return ' · covers %s' % ', '.join('``%s``' % i for i in check.covers)


def _levels(checks):
    counts = collections.Counter(c.level for c in checks)
    return ', '.join('%d %s' % (counts[level], level)
                     for level in contract.LEVELS)


def _obligations(area, checks, known):
    """The area's obligations, each with the checks that cover it."""
    mine = [o for o in known.values() if o.area == area]
    if not mine:
        return []
    lines = _title('Obligations', '-') + [
        'What the contract promises in this area, one promise each, and the',
        'checks that judge it (``watcher_conformance.obligations.%s``).'
        % area, '']
    for o in mine:
        covering = [_test_name(c) for c in checks if o.id in c.covers]
        conditions = [('feature ``%s``' % o.feature) if o.feature else '',
                      ('policy ``%s``' % o.policy) if o.policy else '']
        lines += ['``%s``' % o.id, '   %s' % escape(o.text), '']
        if o.source:
            lines += ['   *Why:* %s' % escape(o.source), '']
        lines += ['   %s%s' % (
            'checks: %s' % ', '.join('``%s``' % n for n in covering)
            if covering else '**no check yet**',
            ''.join(' · %s' % c for c in conditions if c)), '']
    return lines


def render(checks, known=None):
    """The page for *checks* (:class:`~watcher_conformance.catalogue.Check`
    objects, in catalogue order) and the obligations *known* (default:
    :func:`watcher_conformance.obligations.collect`), as one string."""
    if known is None:
        known = obligations.collect()
    by_area = collections.OrderedDict()
    for c in checks:
        by_area.setdefault(c.area, []).append(c)
    lines = [
        '.. This page is generated from the checks\' metadata; do not edit',
        '   it. Regenerate it with: %s' % COMMAND,
        '',
    ]
    title = 'Catalogue of checks'
    lines += ['=' * len(title)] + _title(title, '=')
    lines += [
        'Every check of the suite, generated from its ``@check`` metadata',
        '(``watcher_conformance.catalogue``). ``watcher-conformance list``',
        'prints the same catalogue as text or JSON. An id never changes and',
        'is never reused: it is the key of a check in the JSON report',
        '(``idempotent_id``) and in the test id (``[id-...]``), so',
        '``watcher-conformance run --filter id-<first 8 characters>`` runs',
        'one check. A check with a feature skips unless the implementation',
        'claims that feature (see :doc:`contract`).',
        '',
        'Each check is listed under its area (the package',
        '``%s.<area>``) and test module, as its test class and' % (
            catalogue.SUITE_PACKAGE),
        'method, then its description, level, id and feature.',
        '',
        '%s: %s.' % (_plural(len(checks), 'check'), _levels(checks)),
        '',
        '.. list-table::',
        '   :header-rows: 1',
        '',
        '   * - Area',
        '     - Checks',
    ]
    lines += ['     - %s' % level for level in contract.LEVELS]
    lines += ['     - Need a feature']
    for area, area_checks in by_area.items():
        counts = collections.Counter(c.level for c in area_checks)
        lines += ['   * - `%s`_' % area,
                  '     - %d' % len(area_checks)]
        lines += ['     - %d' % counts[level] for level in contract.LEVELS]
        lines += ['     - %d' % sum(1 for c in area_checks if c.feature)]
    lines.append('')
    for area, area_checks in by_area.items():
        lines.append('')
        lines += _title(area, '=')
        lines += ['%s in ``%s.%s``: %s.' % (
            _plural(len(area_checks), 'check'), catalogue.SUITE_PACKAGE,
            area, _levels(area_checks)), '']
        lines += _obligations(area, area_checks, known)
        module = None
        for c in area_checks:
            if _module(c) != module:
                module = _module(c)
                lines += _title('``%s``' % module, '-')
            lines += [
                '``%s``' % _test_name(c),
                '   %s' % escape(c.description),
                '',
                '   **%s** · id ``%s`` · feature %s%s' % (
                    c.level, c.id,
                    '``%s``' % c.feature if c.feature else 'none',
                    _covers(c)),
                '',
            ]
    return '\n'.join(lines).rstrip('\n') + '\n'


def differences(path, checks):
    """How the page at *path* differs from :func:`render` of *checks*, as
    unified-diff lines; empty when it is up to date.

    :raises OSError: when *path* cannot be read.
    """
    with open(path, encoding='utf-8') as f:
        committed = f.read()
    return list(difflib.unified_diff(
        committed.splitlines(), render(checks).splitlines(),
        fromfile=path, tofile='generated', lineterm=''))


def _parser():
    parser = argparse.ArgumentParser(
        prog=COMMAND, description='Write the catalogue of checks as a '
        'reStructuredText page.')
    parser.add_argument('--output', default=DEFAULT_OUTPUT, metavar='PATH',
                        help='the page to write (default: %(default)s)')
    parser.add_argument('--check', action='store_true',
                        help='write nothing; exit 1 if PATH is stale')
    return parser


def main(argv=None):
    args = _parser().parse_args(argv)
    try:
        checks = catalogue.collect()
        if args.check:
            diff = differences(args.output, checks)
            if diff:
                sys.stderr.write('%s is stale (%d lines differ): regenerate '
                                 'it with: %s\n'
                                 % (args.output, len(diff), COMMAND))
                return 1
            return 0
        text = render(checks)
        with open(args.output, 'w', encoding='utf-8') as f:
            f.write(text)
    except (catalogue.CatalogueError, OSError) as exc:
        sys.stderr.write('%s: %s\n' % (COMMAND, exc))
        return 2
    print('%s: %s' % (args.output, _plural(len(checks), 'check')))
    return 0


if __name__ == '__main__':
    sys.exit(main())
