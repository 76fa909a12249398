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

"""Finding implementations, and what bad ones are told."""

from tests import base
from tests.broken import contract_errors
from watcher_conformance import contract
from watcher_conformance import loader


class LoaderTest(base.TestCase):

    def test_reference_is_installed(self):
        self.assertIn('reference', loader.installed())
        self.assertEqual('reference', loader.load('reference').name)

    def test_import_path_loads(self):
        impl = loader.load('tests.broken.contract_errors:MISSING_METHOD')
        self.assertEqual('broken-missing-method', impl.name)

    def test_unknown_name_lists_installed(self):
        error = self.assertRaises(loader.LoadError, loader.load, 'nosuch')
        self.assertIn("'nosuch'", str(error))
        self.assertIn('installed implementations: reference', str(error))

    def test_failing_import_path_says_why(self):
        error = self.assertRaises(loader.LoadError, loader.load,
                                  'no_such_package.module:IMPL')
        self.assertIn('ModuleNotFoundError', str(error))
        self.assertIn('installed implementations: reference', str(error))

    def test_object_that_is_not_an_implementation(self):
        error = self.assertRaises(loader.LoadError, loader.load, 'os:path')
        self.assertIn('not a watcher_conformance.contract.Implementation',
                      str(error))

    def test_missing_method_is_named(self):
        impl = contract_errors.MISSING_METHOD
        piece = impl.pieces['threadpool'](
            contract.Settings('threading', 4)).get()
        error = self.assertRaises(contract.ContractError,
                                  contract.validate_piece, impl,
                                  'threadpool', piece)
        self.assertIn("'do_while_futures_modify'", str(error))
        self.assertIn('threadpool', str(error))

    def test_claimed_feature_requires_its_methods(self):
        impl = contract_errors.FEATURE_WITHOUT_METHOD
        piece = impl.pieces['threadpool'](
            contract.Settings('threading', 4)).get()
        self.assertEqual(['shutdown'],
                         contract.missing_methods(impl, 'threadpool', piece))

    def test_unknown_declarations_are_refused(self):
        kwargs = dict(name='x', version='1', modes={'threading'}, pieces={})
        for field, value in (('modes', {'asyncio-someday'}),
                             ('pieces', {'teleporter': object}),
                             ('features', {'threadpool.magic'}),
                             ('policies', {'workflow.failure_policy': 'x'})):
            self.assertRaises(contract.ContractError,
                              contract.Implementation,
                              **dict(kwargs, **{field: value}))

    def test_piece_needs_its_policies_declared(self):
        error = self.assertRaises(
            contract.ContractError, contract.Implementation, name='x',
            version='1', modes={'threading'},
            pieces={'model_builder': object})
        self.assertIn('model_builder.fault_policy', str(error))
