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

"""Check metadata: the ``@check`` decorator and the catalogue built from it.

Every conformance test carries an idempotent id (Tempest's ``[id-<uuid>]``
convention, visible in the test id), a level (MUST or SHOULD), the feature
it needs (if any) and a description written as a specification in RFC 2119
words. The area is the package the test lives in:
``watcher_conformance.tests.<area>``.
"""

import dataclasses
import re
import unittest
import uuid

import testtools

from watcher_conformance import contract
from watcher_conformance import obligations

SUITE_PACKAGE = 'watcher_conformance.tests'
_ID_RE = re.compile(r'\bid-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-'
                    r'[0-9a-f]{4}-[0-9a-f]{12})\b')


class CatalogueError(Exception):
    """A check's metadata is malformed."""


@dataclasses.dataclass(frozen=True)
class Check:
    """Metadata of one conformance check."""

    id: str
    level: str
    description: str
    feature: str | None = None
    area: str | None = None
    test: str | None = None
    #: Ids of the obligations it covers (watcher_conformance.obligations).
    covers: tuple = ()

    def as_dict(self):
        return dataclasses.asdict(self)


def check(id, level, description, feature=None, covers=()):
    """Mark a test method as a conformance check.

    :param id: an idempotent id (a UUID string); never reuse or change it.
    :param level: :data:`~watcher_conformance.contract.MUST` or
        :data:`~watcher_conformance.contract.SHOULD`.
    :param description: the requirement, with the level's RFC 2119 keyword.
    :param feature: the optional feature the check needs, if any.
    :param covers: ids of the obligations the check judges
        (:mod:`watcher_conformance.obligations`).
    """
    try:
        canonical = str(uuid.UUID(id))
    except (TypeError, ValueError):
        raise CatalogueError('%r is not a UUID' % (id,)) from None
    if canonical != id:
        raise CatalogueError('id %r must be written as %r' % (id, canonical))
    if level not in contract.LEVELS:
        raise CatalogueError('level %r is not one of %s'
                             % (level, ', '.join(contract.LEVELS)))
    if not re.search(r'\b%s( NOT)?\b' % level, description):
        raise CatalogueError('check %s: a %s check says %s in its '
                             'description' % (id, level, level))
    if feature is not None and feature not in contract.FEATURES:
        raise CatalogueError('check %s needs unknown feature %r'
                             % (id, feature))

    if isinstance(covers, str):
        covers = (covers,)
    unknown = sorted(set(covers) - set(obligations.collect()))
    if unknown:
        raise CatalogueError('check %s covers unknown obligation%s %s'
                             % (id, 's' if len(unknown) > 1 else '',
                                ', '.join(unknown)))

    def decorator(fn):
        fn = testtools.testcase.attr('id-' + id, level.lower())(fn)
        fn.conformance = Check(id, level, ' '.join(description.split()),
                               feature, covers=tuple(covers))
        return fn
    return decorator


def idempotent_id(test_id):
    """The idempotent id inside a test id, or None."""
    match = _ID_RE.search(test_id)
    return match.group(1) if match else None


def area_and_name(test_id):
    """(area, short name) of a test id: the area is the package under the
    suite (``unknown`` outside it); the name drops the suite package, the
    area and the ``[id-...]`` attributes."""
    prefix = SUITE_PACKAGE + '.'
    name = test_id.split('[', 1)[0]
    if not name.startswith(prefix):
        return 'unknown', name
    area, _, rest = name[len(prefix):].partition('.')
    return area, rest or area


def of(test):
    """The :class:`Check` of a running test case, with area and test name."""
    method = getattr(test, test._testMethodName)
    meta = getattr(method, 'conformance', None)
    if meta is None:
        return None
    return _complete(meta, type(test), test._testMethodName)


def _complete(meta, cls, method_name):
    module = cls.__module__
    prefix = SUITE_PACKAGE + '.'
    area = (module[len(prefix):].split('.')[0]
            if module.startswith(prefix) else module)
    return dataclasses.replace(
        meta, area=area,
        test='%s.%s.%s' % (module, cls.__qualname__, method_name))


def _iter_tests(suite):
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            yield from _iter_tests(item)
        else:
            yield item


def discover(package=SUITE_PACKAGE):
    """Every conformance test case under *package*, with its :class:`Check`.

    :raises CatalogueError: on a module that fails to import.
    """
    module = __import__(package, fromlist=['__path__'])
    suite = unittest.TestLoader().discover(
        module.__path__[0], top_level_dir=_top_level(package, module))
    for test in _iter_tests(suite):
        if isinstance(test, unittest.loader._FailedTest):
            raise CatalogueError('cannot import %s: %s'
                                 % (test.id(), test._exception))
        meta = of(test)
        if meta is not None:
            yield test, meta


def collect(package=SUITE_PACKAGE):
    """Every check under *package*, sorted by area and test name.

    :raises CatalogueError: on a module that fails to import or an id used
        twice.
    """
    checks, seen = [], {}
    for _, meta in discover(package):
        if meta.id in seen and seen[meta.id] != meta.test:
            raise CatalogueError('id %s is used by both %s and %s'
                                 % (meta.id, seen[meta.id], meta.test))
        seen[meta.id] = meta.test
        checks.append(meta)
    return sorted(checks, key=lambda c: (c.area, c.test))


def _top_level(package, module):
    path = module.__path__[0]
    for _ in package.split('.'):
        path = path.rsplit('/', 1)[0]
    return path
