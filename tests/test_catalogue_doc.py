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

"""The committed catalogue page (doc/source/catalogue.rst) is the one the
checks' metadata gives."""

import dataclasses
import io
import os
import shutil
import tempfile
from unittest import mock

from tests import base
from watcher_conformance import catalogue
from watcher_conformance.tools import catalogue_doc

PAGE = os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), 'doc', 'source', 'catalogue.rst')


class CatalogueDocTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.checks = catalogue.collect()

    def copy_of_page(self):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        path = os.path.join(tmp, 'catalogue.rst')
        shutil.copy(PAGE, path)
        return path

    def test_committed_page_is_current(self):
        diff = catalogue_doc.differences(PAGE, self.checks)
        self.assertEqual(
            [], diff[:40], '%s is stale: regenerate it with "%s" from the '
            'repository root, and commit it' % (PAGE, catalogue_doc.COMMAND))

    def test_a_changed_check_makes_the_page_stale(self):
        changed = list(self.checks)
        changed[0] = dataclasses.replace(
            changed[0], description=changed[0].description + ' Changed.')
        diff = catalogue_doc.differences(PAGE, changed)
        self.assertIn('+   ' + catalogue_doc.escape(
            changed[0].description), diff)

    def test_an_edited_page_is_stale(self):
        path = self.copy_of_page()
        with open(path, 'a') as f:
            f.write('An edit by hand.\n')
        self.assertNotEqual([], catalogue_doc.differences(path, self.checks))

    def test_page_lists_every_check(self):
        text = catalogue_doc.render(self.checks)
        for c in self.checks:
            self.assertIn('id ``%s``' % c.id, text)
            module, test = c.test.rsplit('.', 2)[0], c.test.rsplit('.', 2)[1:]
            self.assertIn('``%s``\n' % module.rsplit('.', 1)[-1], text)
            self.assertIn('``%s``\n' % '.'.join(test), text)

    def test_render_is_deterministic(self):
        self.assertEqual(catalogue_doc.render(self.checks),
                         catalogue_doc.render(catalogue.collect()))

    def test_escape_keeps_text_literal(self):
        self.assertEqual(r'fn(future, \*args, \*\*kwargs)',
                         catalogue_doc.escape('fn(future, *args, **kwargs)'))
        self.assertEqual(r'a \`b\` c\|d name\_ do_while',
                         catalogue_doc.escape('a `b` c|d name_ do_while'))
        self.assertEqual(r'\- not a list', catalogue_doc.escape(
            '- not a list'))

    def test_check_option_exit_status(self):
        path = self.copy_of_page()
        with mock.patch('sys.stderr', io.StringIO()) as err:
            self.assertEqual(0, catalogue_doc.main(['--check', '--output',
                                                    path]))
            with open(path, 'a') as f:
                f.write('An edit by hand.\n')
            self.assertEqual(1, catalogue_doc.main(['--check', '--output',
                                                    path]))
        self.assertIn('stale', err.getvalue())
        self.assertIn(catalogue_doc.COMMAND, err.getvalue())

    def test_missing_page_is_one_line_and_exit_2(self):
        with mock.patch('sys.stderr', io.StringIO()) as err:
            self.assertEqual(2, catalogue_doc.main(
                ['--check', '--output', '/nonexistent/catalogue.rst']))
        self.assertEqual(1, err.getvalue().count('\n'))

    def test_writes_the_page(self):
        path = self.copy_of_page()
        with open(path, 'w') as f:
            f.write('stale\n')
        with mock.patch('sys.stdout', io.StringIO()):
            self.assertEqual(0, catalogue_doc.main(['--output', path]))
        self.assertEqual([], catalogue_doc.differences(path, self.checks))
